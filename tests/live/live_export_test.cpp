// Tests of the live engine's CSV exports: attempts and escalations in the
// columns of `vigie run`, and one outcome row per contact.

#include <catch2/catch.hpp>

#include "live_fixture.hpp"

using namespace vigie;
using namespace vigie::live_test;

TEST_CASE("live exports use the columns of vigie run", "[live]") {
  fs::path dir = fresh_dir("export");
  LiveOptions options = vague_options(dir);
  options.hold_timeout = std::chrono::minutes{10};
  LiveCampaign live(options);
  live.apply_alert(canicule(3), kStart);
  Handout urgent = take(live, "a1", kStart);
  Handout shared = take(live, "a2", kStart);
  live.submit("a2", submission(shared, {person("L02", "no_answer")}), kStart + kMinute);
  live.submit(
      "a1",
      submission(urgent, {person("L01", "completed", full_answers("yes", "yes", {"confusion"}))},
                 std::chrono::seconds{300}),
      kStart + 6 * kMinute);

  CHECK(export_text(live, runtime::ExportKind::attempts, 1) ==
        "cycle,contact_id,attempt,start,end,disposition\n"
        "1,L01,1,2019-06-24T10:00:00+02:00,2019-06-24T10:06:00+02:00,completed\n"
        "1,L02,1,2019-06-24T10:00:00+02:00,2019-06-24T10:01:00+02:00,no_answer\n"
        "1,L03,1,2019-06-24T10:00:00+02:00,2019-06-24T10:01:00+02:00,no_answer\n");
  CHECK(export_text(live, runtime::ExportKind::escalations, 1) ==
        "cycle,route,contact_id,due,risk\n"
        "1,urgence,L01,2019-06-24T11:06:00+02:00,11\n");
  CHECK(export_text(live, runtime::ExportKind::outcomes, 1) ==
        "cycle,contact_id,outcome,attempts,useful,decided_at,risk\n"
        "1,L01,completed,1,true,2019-06-24T10:06:00+02:00,11\n"
        "1,L02,,1,,,\n"
        "1,L03,,1,,,\n"
        "1,L04,,0,,,\n"
        "1,L05,,0,,,\n"
        "1,L06,,0,,,\n"
        "1,L07,,0,,,\n"
        "1,L08,,0,,,\n"
        "1,L09,,0,,,\n");

  std::string message;
  CHECK(error_kind([&] { export_text(live, runtime::ExportKind::attempts, 2); }, &message) ==
        LiveError::Kind::not_found);
  CHECK(message == "campaign 'vague' has no cycle 2; it has 1");
  fs::remove_all(dir);
}

TEST_CASE("live export shows times in each contact's zone", "[live]") {
  fs::path dir = fresh_dir("export-zone");
  LiveCampaign live(vague_options(dir));
  live.apply_alert(canicule(3), kStart);
  const common::Instant noumea_morning = paris("2019-06-25T00:00");
  Handout far = take(live, "a1", noumea_morning);
  REQUIRE(people(far) == std::vector<std::string>{"L09"});
  live.submit("a1", submission(far, {person("L09", "refused")}), noumea_morning + kMinute);

  CHECK(export_text(live, runtime::ExportKind::attempts, 1) ==
        "cycle,contact_id,attempt,start,end,disposition\n"
        "1,L09,1,2019-06-25T09:00:00+11:00,2019-06-25T09:01:00+11:00,refused\n");
  CHECK(live.person(1, "L09").timezone == "Pacific/Noumea");
  fs::remove_all(dir);
}
