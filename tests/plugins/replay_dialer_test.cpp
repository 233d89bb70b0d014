#include <catch2/catch.hpp>

#include "plugin_test_support.hpp"

using namespace vigie;
using vigie::test::TempDir;

namespace {

ScriptInfo script() {
  ScriptInfo info;
  info.campaign = "canicule";
  info.questions = {
      {"alone", QuestionType::yes_no, {"yes", "no"}, 0, 0, true, false, false},
      {"symptoms",
       QuestionType::multi,
       {"fatigue", "cramps", "confusion"},
       0,
       0,
       true,
       false,
       false},
      {"temp", QuestionType::number, {}, 10, 45, true, true, false},
  };
  info.dispositions = {"completed", "partial", "no_answer", "busy", "callback", "refused"};
  return info;
}

std::unique_ptr<Dialer> make_replay(const TempDir& dir, const std::string& yaml) {
  return (*test::shipped_plugins().dialer("replay"))(YAML::Load(yaml), dir.context("dialer"));
}

CallRequest request(const std::string& contact, int cycle, int attempt) {
  CallRequest r;
  r.contact_id = contact;
  r.cycle = cycle;
  r.attempt = attempt;
  return r;
}

std::string error_of(const TempDir& dir, const std::string& content) {
  dir.write("calls.csv", content);
  try {
    make_replay(dir, "plugin: replay\nfile: calls.csv\n")->start(script());
  } catch (const PluginError& error) {
    return error.what();
  }
  return "no error";
}

Instant utc(int hour, int minute) {
  // 2019-06-24 at the given UTC time.
  return Instant(std::chrono::seconds(1561334400 + hour * 3600 + minute * 60));
}

}  // namespace

TEST_CASE("replay dialer returns the listed outcomes", "[plugins][replay]") {
  TempDir dir;
  dir.write("calls.csv",
            "contact_id,attempt,disposition,duration_s,answers,callback_at\n"
            "A1,1,no_answer,35,,\n"
            "A1,2,completed,400,alone=yes;symptoms=fatigue|cramps;temp=31,\n"
            "A2,1,callback,60,,2019-06-24T14:00\n"
            "A3,1,callback,60,,2019-06-24T14:00+01:00\n"
            "A4,1,callback,60,,2019-06-24T14:00:30Z\n");
  auto dialer = make_replay(dir, "plugin: replay\nfile: calls.csv\n");
  dialer->start(script());
  CHECK_FALSE(dialer->default_lines().has_value());

  const CallResult unanswered = dialer->call(request("A1", 1, 1));
  CHECK(unanswered.disposition == "no_answer");
  CHECK(unanswered.duration == std::chrono::seconds(35));
  CHECK(unanswered.talk == std::chrono::seconds(0));

  const CallResult completed = dialer->call(request("A1", 2, 2));
  CHECK(completed.disposition == "completed");
  CHECK(completed.talk == std::chrono::seconds(400));
  REQUIRE(completed.answers.size() == 3);
  CHECK(completed.answers[1].question == "symptoms");
  CHECK(completed.answers[1].values == std::vector<std::string>{"fatigue", "cramps"});
  CHECK(completed.answers[2].values == std::vector<std::string>{"31"});

  // Without an offset, the time is the person's own local time: the engine
  // reads it in their zone.
  const CallResult local = dialer->call(request("A2", 1, 1));
  CHECK_FALSE(local.callback_at.has_value());
  REQUIRE(local.callback_local.has_value());
  CHECK(local.callback_local->date == CivilDate{2019, 6, 24});
  CHECK(local.callback_local->hour == 14);
  CHECK(local.callback_local->minute == 0);
  CHECK(dialer->call(request("A3", 1, 1)).callback_at == utc(13, 0));
  CHECK(dialer->call(request("A4", 1, 1)).callback_at == utc(14, 0) + std::chrono::seconds(30));

  const CallResult unlisted = dialer->call(request("A9", 1, 1));
  CHECK(unlisted.disposition == "no_answer");
  CHECK(unlisted.duration == std::chrono::seconds(30));
}

TEST_CASE("replay dialer reads per-cycle lines", "[plugins][replay]") {
  TempDir dir;
  dir.write("calls.csv",
            "cycle,contact_id,attempt,disposition,duration_s,talk_s,answers,callback_at\n"
            "2,A1,1,refused,50,20,,\n"
            "1,A1,1,callback,60,,,2019-06-24T14:00-04:00\n");
  auto dialer = make_replay(dir, "plugin: replay\nfile: calls.csv\n");
  dialer->start(script());
  CHECK(dialer->call(request("A1", 1, 1)).callback_at == utc(18, 0));
  const CallResult refused = dialer->call(request("A1", 2, 1));
  CHECK(refused.disposition == "refused");
  CHECK(refused.talk == std::chrono::seconds(20));
  CHECK(dialer->call(request("A1", 3, 1)).disposition == "no_answer");
}

TEST_CASE("replay dialer reports bad lines", "[plugins][replay]") {
  TempDir dir;
  const std::string file = dir.file("calls.csv");
  const std::string header = "contact_id,attempt,disposition,duration_s,answers,callback_at\n";
  const std::pair<std::string, std::string> cases[] = {
      {"contact_id,attempt,disposition,answers\n",
       ":1: missing column 'duration_s'; the header must be "
       "contact_id,attempt,disposition,duration_s,answers[,callback_at]"},
      {"contact_id,attempt,disposition,duration_s,answers,note\n",
       ":1: unknown column 'note'; the columns are contact_id, attempt, disposition, duration_s, "
       "answers, callback_at, cycle, talk_s"},
      {header + "A1,0,completed,10,,\n", ":2: attempt '0' must be a whole number of at least 1"},
      {header + "A1,1,completed,-5,,\n",
       ":2: duration_s '-5' must be a whole number of at least 0"},
      {header + "A1,1,completed,99999999,,\n",
       ":2: duration_s 99999999 is longer than a day; write the call's length in seconds"},
      {header + "A1,1,completed,10,,\nA1,1,busy,5,,\n",
       ":3: contact 'A1' attempt 1 is already given on line 2; keep one line"},
      {header + "A1,1,callback,10,,tomorrow\n",
       ":2: callback_at 'tomorrow' is not a valid time; write YYYY-MM-DDTHH:MM, optionally with Z "
       "or an "
       "offset such as +02:00"},
      {header + "A1,1,completed,10,,2019-06-24T14:00\n",
       ":2: callback_at is set but the disposition is 'completed'; only callback takes a time"},
      {header + "A1,1,completed,10,alone,\n", ":2: answer 'alone' must read question=value"},
      {header + "A1,1,away,10,,\n",
       ":2: unknown disposition 'away'; campaign 'canicule' has completed, partial, no_answer, "
       "busy, "
       "callback, refused"},
      {header + "A1,1,completed,10,alon=yes,\n",
       ":2: campaign 'canicule' asks no question 'alon'; did you mean 'alone'?"},
      {header + "A1,1,completed,10,alone=maybe,\n",
       ":2: question 'alone' has no option 'maybe'; its options are yes, no"},
      {header + "A1,1,completed,10,alone=yes|no,\n",
       ":2: question 'alone' takes one value; only multi questions take several joined by |"},
      {header + "A1,1,completed,10,temp=50,\n",
       ":2: answer '50' to question 'temp' must be a number in 10..45"},
  };
  for (const auto& [content, message] : cases) {
    INFO(content);
    CHECK(error_of(dir, content) == file + message);
  }
}

TEST_CASE("replay dialer validates its config", "[plugins][replay]") {
  TempDir dir;
  dir.write("calls.csv", "contact_id,attempt,disposition,duration_s,answers\n");
  try {
    make_replay(dir, "plugin: replay\nfile: calls.csv\ntimezone: Europe/Paris\n");
    FAIL("no ConfigError");
  } catch (const ConfigError& error) {
    CHECK(std::string(error.what()).find("'timezone'") != std::string::npos);
    CHECK(error.line() == 3);
  }
  CHECK_THROWS_WITH(
      make_replay(dir, "plugin: replay\nfile: absent.csv\n"),
      "cannot read replay file " + dir.file("absent.csv") + "; check the dialer's `file`");
}
