// Tests of the typed reading of textual answers shared by the dialers of
// `vigie run` and the agents of `vigie serve`: which number texts fit.

#include <catch2/catch.hpp>

#include <memory>

#include "check/compiler.hpp"
#include "runtime/answers.hpp"

using namespace vigie;

namespace {

const char* kCampaign = R"(
campaign t {
  timezone "Europe/Paris"
  source s {
    id    text key
    phone phone
  }
  hours {
    mon-fri 09:00-19:00
  }
  retry {
    attempts 2 within 24h
    otherwise after 1h
  }
  script {
    ask temp "Température ?" number -20..45
    ask water "Litres d'eau ?" number 0.0..10.0
  }
}
)";

struct Compiled {
  common::SourceManager sources;
  common::Diagnostics diagnostics;
  ir::Module module;
};

std::unique_ptr<Compiled> compile() {
  auto compiled = std::make_unique<Compiled>();
  compiled->module =
      check::compile_text("t.vigie", kCampaign, compiled->sources, compiled->diagnostics);
  REQUIRE_FALSE(compiled->diagnostics.has_errors());
  REQUIRE(compiled->module.campaigns.size() == 1);
  return compiled;
}

}  // namespace

TEST_CASE("number answers accept plain decimals only", "[answers]") {
  std::unique_ptr<Compiled> compiled = compile();
  const ir::Campaign& campaign = compiled->module.campaigns.front();
  REQUIRE(campaign.questions.size() == 2);
  REQUIRE(campaign.questions[0].integer);
  REQUIRE_FALSE(campaign.questions[1].integer);

  for (const char* text : {"1e1", " 31", "31 ", "+31", "0x1F", "inf", "nan", "", "-", "1.", ".5",
                           "1..5", "3,", "1.5.2", "--3"}) {
    INFO("temp '" << text << "'");
    CHECK(runtime::answer_problem(campaign, {"temp", {text}}));
  }
  for (const char* text : {"1e0", "1E0", " 2", "+2", "2.5e-1"}) {
    INFO("water '" << text << "'");
    CHECK(runtime::answer_problem(campaign, {"water", {text}}));
  }

  std::vector<common::Value> answers(campaign.questions.size());
  CHECK(runtime::apply_answers(campaign, {{"temp", {"1e1"}}}, answers) == 1);
  CHECK(answers[0].is_missing());

  CHECK(runtime::apply_answers(campaign, {{"temp", {"-5"}}, {"water", {"1,5"}}}, answers) == 0);
  CHECK(runtime::answer_text(campaign.questions[0], answers[0]) == "-5");
  CHECK(runtime::answer_text(campaign.questions[1], answers[1]) == "1.5");
  for (const char* text : {"31", "031", "-20", "45"}) {
    INFO("temp '" << text << "'");
    CHECK_FALSE(runtime::answer_problem(campaign, {"temp", {text}}));
  }
  for (const char* text : {"0", "2.25", "2,25", "10"}) {
    INFO("water '" << text << "'");
    CHECK_FALSE(runtime::answer_problem(campaign, {"water", {text}}));
  }
}
