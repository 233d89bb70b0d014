// JSON forms of the API: request parsing and the campaign script.

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "check/compiler.hpp"
#include "service/api_error.hpp"
#include "service/json.hpp"

using namespace vigie::service;

namespace {

std::string submission_error(const std::string& text) {
  try {
    parse_submission(parse_body(text));
  } catch (const ApiError& error) {
    CHECK(error.status() == 400);
    return error.what();
  }
  return "<no error>";
}

}  // namespace

TEST_CASE("submission body parses people, answers and callback", "[service][json]") {
  const vigie::runtime::Submission submission = parse_submission(parse_body(R"({
    "token": "t1", "talk_s": 240,
    "people": [
      {"contact_id": "R1", "disposition": "completed",
       "answers": [{"question": "alone", "values": ["yes"]},
                   {"question": "water", "values": [2]},
                   {"question": "symptoms", "values": ["fatigue", "thirst"]}]},
      {"contact_id": "R2", "disposition": "callback", "answers": [],
       "callback_local": "2019-06-25T09:30"}
    ]})"));

  CHECK(submission.token == "t1");
  CHECK(submission.talk == std::chrono::seconds(240));
  REQUIRE(submission.people.size() == 2);
  const auto& first = submission.people[0];
  CHECK(first.contact_id == "R1");
  CHECK(first.disposition == "completed");
  REQUIRE(first.answers.size() == 3);
  CHECK(first.answers[1].values == std::vector<std::string>{"2"});
  CHECK(first.answers[2].values == std::vector<std::string>{"fatigue", "thirst"});
  CHECK_FALSE(first.callback_local);

  const auto& second = submission.people[1];
  REQUIRE(second.callback_local);
  CHECK(second.callback_local->date.year == 2019);
  CHECK(second.callback_local->date.month == 6);
  CHECK(second.callback_local->date.day == 25);
  CHECK(second.callback_local->hour == 9);
  CHECK(second.callback_local->minute == 30);
}

TEST_CASE("submission body mistakes are 400 with the member", "[service][json]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"[1]", "the body must be a JSON object"},
      {R"({"people": []})", "\"token\" is missing or not text"},
      {R"({"token": "t", "people": []})",
       "\"people\" must be a non-empty list, one entry per person handed out"},
      {R"({"token": "t", "talk_s": -1, "people": [{}]})",
       "\"talk_s\" must be whole seconds from 0 to 86400"},
      {R"({"token": "t", "talk_s": 1.5, "people": [{}]})",
       "\"talk_s\" must be whole seconds from 0 to 86400"},
      {R"({"token": "t", "people": [{"disposition": "completed"}]})",
       "\"contact_id\" is missing or not text"},
      {R"({"token": "t", "people": [{"contact_id": "R1"}]})",
       "\"disposition\" is missing or not text"},
      {R"({"token": "t", "people": [{"contact_id": "R1", "disposition": "completed",
           "answers": {"alone": "yes"}}]})",
       "person R1: \"answers\" must be a list"},
      {R"({"token": "t", "people": [{"contact_id": "R1", "disposition": "completed",
           "answers": [{"question": "alone"}]}]})",
       "person R1: answer to \"alone\" has no \"values\" list"},
      {R"({"token": "t", "people": [{"contact_id": "R1", "disposition": "completed",
           "answers": [{"question": "alone", "values": [true]}]}]})",
       "person R1: a value of \"alone\" must be text, such as \"yes\", an option id or \"3\""},
      {R"({"token": "t", "people": [{"contact_id": "R1", "disposition": "callback",
           "callback_local": "tomorrow"}]})",
       "person R1: \"callback_local\" must be \"YYYY-MM-DDTHH:MM\" (local to the person), got "
       "\"tomorrow\""},
      {R"({"token": "t", "people": [{"contact_id": "R1", "disposition": "callback",
           "callback_local": 9}]})",
       "person R1: \"callback_local\" must be \"YYYY-MM-DDTHH:MM\" (local to the person) or null"},
  };
  for (const auto& [body, expected] : cases) {
    INFO(body);
    CHECK(submission_error(body) == expected);
  }
  CHECK_THAT(submission_error("{not json"), Catch::StartsWith("the body is not valid JSON: "));
}

TEST_CASE("empty body reads as an empty object", "[service][json]") {
  CHECK(parse_body("") == Json::object());
}

TEST_CASE("script of the heatwave campaign", "[service][json]") {
  vigie::common::SourceManager sources;
  vigie::common::Diagnostics diagnostics;
  const auto module = vigie::check::compile_file(
      std::string(VIGIE_SOURCE_DIR) + "/campaigns/canicule.vigie", sources, diagnostics);
  REQUIRE_FALSE(diagnostics.has_errors());
  const Json script = script_json(module.campaigns.at(0));

  CHECK(script["campaign"] == "canicule");
  const Json& questions = script["questions"];
  REQUIRE(questions.size() == 9);
  CHECK(questions[0]["id"] == "intro");
  CHECK(questions[0]["kind"] == "say");
  CHECK(questions[1] == Json::parse(R"({"id": "alone", "text": "Vivez-vous seul(e) ?",
      "kind": "yes_no", "options": [{"id": "yes", "label": "yes"}, {"id": "no", "label": "no"}],
      "min": null, "max": null, "integer": null, "optional": false, "conditional": false})"));
  CHECK(questions[2]["options"][2] ==
        Json::parse(R"({"id": "rarely", "label": "Rarement ou jamais"})"));
  CHECK(questions[4]["id"] == "symptoms");
  CHECK(questions[4]["kind"] == "multi");
  CHECK(questions[4]["conditional"] == true);
  CHECK(questions[6]["id"] == "water");
  CHECK(questions[6]["min"] == 0.0);
  CHECK(questions[6]["max"] == 6.0);
  CHECK(questions[6]["integer"] == true);
  CHECK(questions[6]["optional"] == true);

  std::vector<std::string> dispositions;
  for (const Json& disposition : script["dispositions"]) {
    dispositions.push_back(disposition["id"].get<std::string>());
  }
  CHECK(std::find(dispositions.begin(), dispositions.end(), "completed") != dispositions.end());
  CHECK(std::find(dispositions.begin(), dispositions.end(), "hospitalized") != dispositions.end());
  // An outcome only; no call reports it.
  CHECK(std::find(dispositions.begin(), dispositions.end(), "unreachable") == dispositions.end());
}

TEST_CASE("live status JSON names durations in seconds", "[service][json]") {
  vigie::runtime::LiveStatus status;
  status.campaign = "canicule";
  status.start_within = std::chrono::hours(4);
  status.attempts_last_hour = 12;
  vigie::runtime::CycleStatus cycle;
  cycle.contacts = 200;
  cycle.useful = 50;
  status.cycles.push_back(cycle);

  const Json json = to_json(status);
  CHECK(json["start_within_s"] == 14400);
  CHECK(json["recontact_every_s"].is_null());
  CHECK(json["attempts_per_hour"] == 12);
  CHECK(json["cycles"][0]["useful_rate"] == 0.25);
  CHECK(json["cycles"][0]["ended"].is_null());
  CHECK(json["trigger"].is_null());
}
