#include "property/engine_run.hpp"

#include <sstream>

#include "check/compiler.hpp"
#include "common/diagnostic.hpp"
#include "runtime/cycle.hpp"
#include "runtime/roster.hpp"

namespace vigie::property {
namespace {

// Replays the scenario: the result of attempt N of a contact is the N-th
// scripted attempt, whatever the time the engine chose for it.
class ReplayDialer final : public Dialer {
 public:
  ReplayDialer(const Scenario& scenario, EngineRun& run) : scenario_(scenario), run_(run) {}

  CallResult call(const CallRequest& request) override {
    CallResult result;
    result.duration = std::chrono::seconds{1};
    const ScriptedAttempt* primary = scripted(request.contact_id, request.attempt);
    if (primary == nullptr) {
      result.disposition = "no_answer";
      return result;
    }
    result.disposition = primary->disposition;
    result.duration = primary->duration;
    if (answered(*primary)) result.talk = primary->duration;
    result.callback_at = callback_time(*primary, request.start);

    // When nobody picks up, the primary's disposition applies to the whole
    // household; otherwise each member reports their own scripted attempt,
    // and the call lasts as long as its longest part.
    if (request.household.empty() || !answered(*primary)) return result;
    for (const HouseholdMember& member : request.household) {
      PersonResult person;
      person.contact_id = member.contact_id;
      person.disposition = "no_answer";
      if (const ScriptedAttempt* own = scripted(member.contact_id, member.attempt)) {
        person.disposition = own->disposition;
        if (answered(*own)) person.talk = own->duration;
        person.callback_at = callback_time(*own, request.start);
        result.duration = std::max(result.duration, own->duration);
      }
      result.household.push_back(person);
    }
    return result;
  }

 private:
  // The scripted attempt, or nullptr (recorded) for an unknown contact or an
  // attempt number past the script.
  const ScriptedAttempt* scripted(const std::string& contact_id, int attempt) {
    for (const ScenarioContact& contact : scenario_.contacts) {
      if (contact.id != contact_id) continue;
      if (attempt >= 1 && static_cast<std::size_t>(attempt) <= contact.script.size()) {
        return &contact.script[static_cast<std::size_t>(attempt - 1)];
      }
    }
    run_.unscripted_requests.push_back(contact_id + " attempt " + std::to_string(attempt));
    return nullptr;
  }

  static bool answered(const ScriptedAttempt& attempt) {
    return attempt.disposition != "no_answer" && attempt.disposition != "busy" &&
           attempt.disposition != "voicemail" && attempt.disposition != "failed" &&
           attempt.disposition != "wrong_number";
  }

  // The scripted callback time, counted from the call's end.
  static std::optional<Instant> callback_time(const ScriptedAttempt& attempt, Instant start) {
    if (!attempt.callback_after) return std::nullopt;
    return start + attempt.duration + *attempt.callback_after;
  }

  const Scenario& scenario_;
  EngineRun& run_;
};

class RecordingSink final : public runtime::CycleSink {
 public:
  RecordingSink(const ir::Campaign& campaign, const runtime::Roster& roster, EngineRun& run)
      : campaign_(campaign), roster_(roster), run_(run) {}

  void attempt(const runtime::AttemptEvent& event) override {
    EngineAttempt attempt;
    attempt.contact = roster_.contact(event.contact).id;
    attempt.attempt = event.attempt;
    attempt.start = event.start;
    attempt.end = event.end;
    attempt.disposition = name_of(event.disposition);
    attempt.callback_at = event.callback_at;
    run_.attempts.push_back(attempt);
  }

  void outcome(const runtime::OutcomeEvent& event) override {
    run_.outcomes[roster_.contact(event.contact).id].push_back(
        {name_of(event.outcome), event.attempts});
  }

 private:
  std::string name_of(std::int32_t disposition) const {
    if (disposition < 0 || static_cast<std::size_t>(disposition) >= campaign_.dispositions.size()) {
      return "<disposition index " + std::to_string(disposition) + ">";
    }
    return campaign_.dispositions[static_cast<std::size_t>(disposition)].name;
  }

  const ir::Campaign& campaign_;
  const runtime::Roster& roster_;
  EngineRun& run_;
};

ImportResult rows_of(const Scenario& scenario) {
  ImportResult import;
  std::size_t row_number = 2;
  for (const ScenarioContact& contact : scenario.contacts) {
    Row row;
    row.row_number = row_number++;
    FieldValue zone;
    if (!contact.zone_field.empty()) zone = contact.zone_field;
    row.values = {contact.id, contact.phone, zone};
    import.rows.push_back(row);
  }
  return import;
}

}  // namespace

EngineRun run_engine(const Scenario& scenario) {
  EngineRun run;
  common::SourceManager sources;
  common::Diagnostics diagnostics;
  ir::Module module =
      check::compile_text("property.vigie", campaign_source(scenario), sources, diagnostics);
  if (diagnostics.has_errors() || module.campaigns.size() != 1) {
    std::ostringstream out;
    out << "the generated campaign does not compile:\n";
    common::print_diagnostics(out, diagnostics, sources);
    run.error = out.str();
    return run;
  }

  const ir::Campaign& campaign = module.campaigns.front();
  eval::CompiledCampaign compiled(campaign);
  const date::time_zone* zone = common::find_zone(campaign.timezone);
  runtime::Roster roster(campaign, compiled, rows_of(scenario), zone, scenario.start, 1);
  if (roster.size() != scenario.contacts.size()) {
    run.error = "the roster kept " + std::to_string(roster.size()) + " of " +
                std::to_string(scenario.contacts.size()) + " contacts";
    return run;
  }

  ReplayDialer dialer(scenario, run);
  RecordingSink sink(campaign, roster, run);
  runtime::VirtualClock clock(scenario.start);
  runtime::CycleSettings settings;
  settings.cycle = 1;
  settings.start = scenario.start;
  settings.lines = scenario.lines;
  try {
    runtime::run_cycle(campaign, compiled, roster, dialer, settings, clock, sink);
  } catch (const std::exception& error) {
    run.error = std::string("run_cycle threw: ") + error.what();
  }
  return run;
}

}  // namespace vigie::property
