#include <catch2/catch.hpp>

#include "plugin_test_support.hpp"

using namespace vigie;

namespace {

const std::string kExamples = std::string(VIGIE_SOURCE_DIR) + "/examples";

YAML::Node example_config() {
  return YAML::LoadFile(kExamples + "/vigie.yaml");
}

PluginContext example_context(const std::string& instance, const test::TempDir& out) {
  return PluginContext{instance, kExamples + "/vigie.yaml", kExamples, out.path()};
}

ScriptInfo canicule_script() {
  ScriptInfo script;
  script.campaign = "canicule";
  script.questions = {
      {"intro", QuestionType::say, {}, 0, 0, true, false, false},
      {"alone", QuestionType::yes_no, {"yes", "no"}, 0, 0, true, false, false},
      {"visits", QuestionType::choice, {"daily", "weekly", "rarely"}, 0, 0, true, false, false},
      {"health", QuestionType::yes_no, {"yes", "no"}, 0, 0, true, false, false},
      {"symptoms",
       QuestionType::multi,
       {"fatigue", "cramps", "confusion", "thirst"},
       0,
       0,
       true,
       false,
       true},
      {"cool_room", QuestionType::yes_no, {"yes", "no"}, 0, 0, true, false, false},
      {"water", QuestionType::number, {}, 0, 6, true, true, false},
      {"temp", QuestionType::number, {}, 10, 45, true, true, false},
  };
  script.dispositions = {"completed", "partial",  "no_answer", "busy",
                         "voicemail", "failed",   "callback",  "wrong_number",
                         "refused",   "deceased", "away",      "hospitalized"};
  return script;
}

}  // namespace

TEST_CASE("example config reads the Paris roster", "[plugins][example]") {
  test::TempDir out;
  const YAML::Node node = example_config()["sources"]["reflex"];
  auto source = (*test::shipped_plugins().source(node["plugin"].Scalar()))(
      node, example_context("reflex", out));

  SourceSchema schema;
  schema.campaign = "canicule";
  schema.fields = {
      {"id", FieldType::text, true, false},
      {"phone", FieldType::phone, false, false},
      {"phone2", FieldType::phone, false, true},
      {"last_name", FieldType::text, false, false},
      {"first_name", FieldType::text, false, true},
      {"birth", FieldType::date, false, false},
      {"arrondissement", FieldType::integer, false, false},
      {"lives_alone", FieldType::boolean, false, true},
      {"tz", FieldType::text, false, true},
  };
  const ImportResult result = source->read(schema);
  CHECK(result.rows.size() + result.rejected.size() >= 10500);
  INFO(result.rejected.size() << " rejected rows");
  CHECK(result.rows.size() > 10000);
}

TEST_CASE("example config builds every plugin", "[plugins][example]") {
  test::TempDir out;
  const YAML::Node config = example_config();

  const YAML::Node dialer_node = config["dialer"];
  auto dialer = (*test::shipped_plugins().dialer(dialer_node["plugin"].Scalar()))(
      dialer_node, example_context("dialer", out));
  dialer->start(canicule_script());
  CallRequest request;
  request.contact_id = "R000001";
  CHECK_FALSE(dialer->call(request).disposition.empty());

  for (const auto& entry : config["notifiers"]) {
    INFO(entry.first.Scalar());
    const Registry& registry = test::shipped_plugins();
    CHECK((*registry.notifier(entry.second["plugin"].Scalar()))(
              entry.second, example_context(entry.first.Scalar(), out)) != nullptr);
  }

  const YAML::Node pricing_node = config["pricing"]["marche_2022"];
  auto pricing = (*test::shipped_plugins().pricing(pricing_node["plugin"].Scalar()))(
      pricing_node, example_context("marche_2022", out));
  CampaignStats stats;
  stats.useful = 7000;
  stats.average_handling_time_s = 360;
  stats.complexity = ScriptComplexity{7, 1, 7, 7, 3};
  // 5000 x 4.20 + 2000 x 3.60 + 7000 x 6 x 0.35 + standard set-up 3000
  CHECK(pricing->price(stats).total == Approx(21000 + 7200 + 14700 + 3000));
}
