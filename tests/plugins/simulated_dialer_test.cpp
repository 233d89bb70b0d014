#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <set>

#include "../../plugins/dialer/simulated/simulated_defaults.hpp"
#include "plugin_test_support.hpp"

using namespace vigie;
namespace defaults = vigie::plugins::simulated;

namespace {

const std::set<std::string> kFinal = {"refused", "wrong_number", "deceased"};

ScriptInfo heatwave_script() {
  ScriptInfo script;
  script.campaign = "canicule";
  script.questions = {
      {"intro", QuestionType::say, {}, 0, 0, true, false, false},
      {"alone", QuestionType::yes_no, {"yes", "no"}, 0, 0, true, false, false},
      {"visits", QuestionType::choice, {"daily", "weekly", "rarely"}, 0, 0, true, false, false},
      {"symptoms",
       QuestionType::multi,
       {"fatigue", "cramps", "confusion"},
       0,
       0,
       true,
       false,
       true},
      {"temp", QuestionType::number, {}, 10, 45, true, true, false},
  };
  script.dispositions = {"completed", "partial",  "no_answer",    "busy",    "voicemail",
                         "failed",    "callback", "wrong_number", "refused", "deceased"};
  return script;
}

std::unique_ptr<Dialer> make_dialer(const std::string& yaml) {
  test::TempDir dir;
  std::unique_ptr<Dialer> dialer =
      (*test::shipped_plugins().dialer("simulated"))(YAML::Load(yaml), dir.context("dialer"));
  dialer->start(heatwave_script());
  return dialer;
}

CallRequest request(const std::string& contact, int cycle, int attempt) {
  CallRequest r;
  r.contact_id = contact;
  r.phone = "+33142764040";
  r.cycle = cycle;
  r.attempt = attempt;
  r.start = Instant(std::chrono::seconds(1561363200));  // 2019-06-24T08:00:00Z
  return r;
}

double probability(const defaults::Weight* begin, const defaults::Weight* end,
                   const std::string& name) {
  for (const defaults::Weight* w = begin; w != end; ++w) {
    if (name == w->name) return w->probability;
  }
  return 0;
}

bool same(const CallResult& a, const CallResult& b) {
  if (a.disposition != b.disposition || a.duration != b.duration || a.talk != b.talk) return false;
  if (a.callback_at != b.callback_at || a.answers.size() != b.answers.size()) return false;
  for (std::size_t i = 0; i < a.answers.size(); ++i) {
    if (a.answers[i].question != b.answers[i].question ||
        a.answers[i].values != b.answers[i].values) {
      return false;
    }
  }
  return true;
}

}  // namespace

TEST_CASE("simulated dialer ignores call order", "[plugins][simulated]") {
  auto forward = make_dialer("plugin: simulated\nseed: 11\n");
  auto backward = make_dialer("plugin: simulated\nseed: 11\n");

  std::vector<CallRequest> requests;
  for (int i = 0; i < 200; ++i)
    requests.push_back(request("c" + std::to_string(i), 1 + i % 2, 1 + i % 4));
  std::vector<CallResult> first;
  for (const CallRequest& r : requests) first.push_back(forward->call(r));
  for (std::size_t i = requests.size(); i-- > 0;) {
    INFO("request " << i);
    CHECK(same(backward->call(requests[i]), first[i]));
  }
}

TEST_CASE("simulated dialer depends on seed and attempt", "[plugins][simulated]") {
  auto a = make_dialer("plugin: simulated\nseed: 1\n");
  auto b = make_dialer("plugin: simulated\nseed: 2\n");
  int seed_differences = 0;
  int attempt_differences = 0;
  for (int i = 0; i < 100; ++i) {
    const std::string id = "c" + std::to_string(i);
    if (!same(a->call(request(id, 1, 1)), b->call(request(id, 1, 1)))) ++seed_differences;
    if (!same(a->call(request(id, 1, 1)), a->call(request(id, 1, 2)))) ++attempt_differences;
  }
  CHECK(seed_differences > 50);
  CHECK(attempt_differences > 50);
}

TEST_CASE("simulated defaults give the heatwave useful rate", "[plugins][simulated]") {
  // Analytically: each attempt completes with p, ends the cycle without a
  // completion with f (refused, wrong number, deceased), and otherwise
  // leads to another attempt, up to 4.
  const double answered = probability(std::begin(defaults::kDefaultOutcomes),
                                      std::end(defaults::kDefaultOutcomes), "answered");
  const double p = answered * probability(std::begin(defaults::kDefaultAnswered),
                                          std::end(defaults::kDefaultAnswered), "completed");
  double f = 0;
  for (const std::string& name : kFinal) {
    f += answered * probability(std::begin(defaults::kDefaultAnswered),
                                std::end(defaults::kDefaultAnswered), name);
  }
  const double q = 1 - p - f;
  const double expected = p * (1 + q + q * q + q * q * q);
  CHECK(expected >= 0.65);
  CHECK(expected <= 0.70);

  auto dialer = make_dialer("plugin: simulated\nseed: 2019\n");
  const int contacts = 10000;
  int useful = 0;
  double completed_talk = 0;
  int completed_calls = 0;
  for (int i = 0; i < contacts; ++i) {
    for (int attempt = 1; attempt <= 4; ++attempt) {
      const CallResult result = dialer->call(request("p" + std::to_string(i), 1, attempt));
      if (result.disposition == "completed") {
        ++useful;
        ++completed_calls;
        completed_talk += static_cast<double>(result.talk.count());
        break;
      }
      if (kFinal.count(result.disposition)) break;
    }
  }
  const double rate = static_cast<double>(useful) / contacts;
  INFO("expected " << expected << ", simulated " << rate);
  CHECK(std::abs(rate - expected) < 0.02);
  const double average_talk = completed_talk / completed_calls;
  INFO("average talk of completed calls " << average_talk);
  CHECK(std::abs(average_talk - 360) < 10);
}

TEST_CASE("simulated answers match the script", "[plugins][simulated]") {
  auto dialer = make_dialer(
      "plugin: simulated\nanswers:\n  temp: {min: 20, max: 30}\n"
      "  visits: {rarely: 1}\n");
  const ScriptInfo script = heatwave_script();
  int completed = 0;
  int partial = 0;
  for (int i = 0; i < 2000; ++i) {
    const CallResult result = dialer->call(request("q" + std::to_string(i), 1, 1));
    if (result.disposition == "completed") {
      ++completed;
      REQUIRE(result.answers.size() == 4);
      CHECK(result.answers[0].question == "alone");
      CHECK((result.answers[0].values[0] == "yes" || result.answers[0].values[0] == "no"));
      CHECK(result.answers[1].values == std::vector<std::string>{"rarely"});
      for (const std::string& value : result.answers[2].values) {
        CHECK((value == "fatigue" || value == "cramps" || value == "confusion"));
      }
      const int temp = std::stoi(result.answers[3].values.at(0));
      CHECK(temp >= 20);
      CHECK(temp <= 30);
    } else if (result.disposition == "partial") {
      ++partial;
      CHECK(result.answers.size() >= 1);
      CHECK(result.answers.size() <= 3);
      CHECK(result.answers[0].question == "alone");
    } else {
      CHECK(result.answers.empty());
    }
    if (result.disposition == "callback") {
      REQUIRE(result.callback_at.has_value());
      CHECK(*result.callback_at > request("x", 1, 1).start + result.duration);
    }
    CHECK(result.duration >= result.talk);
  }
  CHECK(completed > 300);
  CHECK(partial > 30);
}

TEST_CASE("simulated dialer validates its config", "[plugins][simulated]") {
  test::TempDir dir;
  const DialerFactory& factory = *test::shipped_plugins().dialer("simulated");
  try {
    factory(YAML::Load("plugin: simulated\noutcomes:\n  answered: 0.5\n  no_answer: 0.3\n"),
            dir.context("d"));
    FAIL("no ConfigError");
  } catch (const ConfigError& error) {
    CHECK(std::string(error.what()) ==
          "the probabilities in 'outcomes' sum to 0.8; they must sum to 1");
    CHECK(error.line() == 3);
  }
  try {
    factory(YAML::Load("plugin: simulated\nring: {min_s: 10, max_s: 5}\n"), dir.context("d"));
    FAIL("no ConfigError");
  } catch (const ConfigError& error) {
    CHECK(std::string(error.what()) == "'ring' needs max_s >= min_s");
  }

  auto unknown_question =
      factory(YAML::Load("plugin: simulated\nanswers:\n  alon: {yes: 1}\n"), dir.context("d"));
  CHECK_THROWS_WITH(
      unknown_question->start(heatwave_script()),
      "engine.yaml:3:3: 'answers' names question 'alon', which campaign 'canicule' does "
      "not ask; did you mean 'alone'?");

  auto unknown_option =
      factory(YAML::Load("plugin: simulated\nanswers:\n  visits: {often: 1}\n"), dir.context("d"));
  CHECK_THROWS_WITH(
      unknown_option->start(heatwave_script()),
      "engine.yaml:3:12: question 'visits' has no option 'often'; its options are daily, "
      "weekly, rarely");

  auto unknown_disposition = factory(
      YAML::Load("plugin: simulated\noutcomes: {answered: 0.9, absent: 0.1}\n"), dir.context("d"));
  CHECK_THROWS_WITH(
      unknown_disposition->start(heatwave_script()),
      Catch::Contains("engine.yaml:2:27: the simulated dialer names disposition 'absent'"));
}
