#include "runtime/run.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>
#include <unordered_set>

#include <spdlog/spdlog.h>

#include "check/compiler.hpp"
#include "config/config.hpp"
#include "eval/evaluator.hpp"
#include "runtime/answers.hpp"
#include "runtime/plugins.hpp"
#include "runtime/report.hpp"
#include "store/store.hpp"

namespace vigie::runtime {
namespace fs = std::filesystem;

CampaignError::CampaignError(common::Diagnostics diagnostics, common::SourceManager sources)
    : std::runtime_error("the campaign has errors"),
      diagnostics_(std::move(diagnostics)),
      sources_(std::move(sources)) {}

namespace {

struct CompiledInput {
  common::SourceManager sources;
  ir::Module module;
  const ir::Campaign* campaign = nullptr;
};

std::vector<std::string> campaign_names(const std::vector<ir::Campaign>& campaigns) {
  std::vector<std::string> names;
  for (const ir::Campaign& c : campaigns) names.push_back(c.name);
  return names;
}

std::string join(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

void compile_campaign(const RunOptions& options, CompiledInput& input) {
  if (!fs::exists(options.campaign_path)) {
    throw RunError("campaign file not found: " + options.campaign_path +
                   "; check the path (campaigns are .vigie files)");
  }

  common::Diagnostics diagnostics;
  input.module = check::compile_file(options.campaign_path, input.sources, diagnostics);
  if (diagnostics.has_errors())
    throw CampaignError(std::move(diagnostics), std::move(input.sources));

  const auto& campaigns = input.module.campaigns;
  if (campaigns.empty()) {
    throw RunError(options.campaign_path +
                   " declares no campaign; add a `campaign NAME { ... }` block");
  }
  if (options.campaign_name) {
    for (const ir::Campaign& c : campaigns) {
      if (c.name == *options.campaign_name) input.campaign = &c;
    }
    if (input.campaign == nullptr) {
      std::vector<std::string> names = campaign_names(campaigns);
      std::string suggestion = common::nearest_name(*options.campaign_name, names);
      throw RunError("no campaign named '" + *options.campaign_name + "' in " +
                     options.campaign_path + " (it declares " + join(names) + ")" +
                     (suggestion.empty() ? "" : "; did you mean '" + suggestion + "'?"));
    }
    return;
  }
  if (campaigns.size() > 1) {
    throw RunError(options.campaign_path + " declares several campaigns (" +
                   join(campaign_names(campaigns)) + "); choose one with --campaign NAME");
  }
  input.campaign = &campaigns.front();
}

// Local activation time: --activate, else now in the campaign's zone,
// truncated to the minute.
common::Instant activation_time(const RunOptions& options, const date::time_zone* zone) {
  if (!options.activate) {
    auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    return date::floor<std::chrono::minutes>(now);
  }
  auto local = common::parse_local_datetime(*options.activate);
  if (!local) {
    throw RunError("invalid --activate value '" + *options.activate +
                   "'; write a local date and time such as 2019-06-24T10:00");
  }
  auto day = date::year_month_day{date::floor<date::days>(*local)};
  if (day.year() < date::year{2000} || day.year() > date::year{2199}) {
    throw RunError("--activate " + *options.activate +
                   " is outside the years 2000 to 2199; check the date");
  }

  // Gaps and repeated hours happen on clock changes; say which instant is used.
  date::local_info info = zone->get_info(*local);
  common::Instant instant = common::to_instant(*local, zone);
  if (info.result != date::local_info::unique) {
    spdlog::warn("--activate {} {} in {}; using {}", *options.activate,
                 info.result == date::local_info::nonexistent ? "does not exist" : "occurs twice",
                 zone->name(), common::format_local_iso(instant, zone));
  }
  return instant;
}

SourceSchema schema_of(const ir::Campaign& campaign) {
  SourceSchema schema;
  schema.campaign = campaign.name;
  for (const ir::Field& field : campaign.fields) {
    schema.fields.push_back(
        {field.name, static_cast<FieldType>(field.type), field.key, field.optional});
  }
  return schema;
}

ScriptInfo script_of(const ir::Campaign& campaign) {
  ScriptInfo script;
  script.campaign = campaign.name;
  for (const ir::Question& q : campaign.questions) {
    QuestionInfo info;
    info.id = q.id;
    info.type = static_cast<QuestionType>(q.kind);
    if (q.kind == ir::StepKind::yes_no) info.options = {"yes", "no"};
    for (const ir::Option& option : q.options) info.options.push_back(option.id);
    info.min = q.min;
    info.max = q.max;
    info.integer = q.integer;
    info.optional = q.optional;
    info.conditional = q.condition.has_value();
    script.questions.push_back(std::move(info));
  }
  for (const ir::Disposition& d : campaign.dispositions) {
    if (d.name != "unreachable") script.dispositions.push_back(d.name);
  }
  return script;
}

ScriptComplexity complexity_of(const ir::Campaign& campaign) {
  ScriptComplexity complexity;
  for (const ir::Question& q : campaign.questions) {
    if (q.kind == ir::StepKind::say) continue;
    ++complexity.questions;
    if (q.condition) ++complexity.conditional_questions;
    complexity.choice_options += static_cast<int>(q.options.size());
  }
  for (const ir::Score& score : campaign.scores)
    complexity.score_rules += static_cast<int>(score.rules.size());
  complexity.routes = static_cast<int>(campaign.routes.size());
  return complexity;
}

// Persists and delivers what a cycle produces, and keeps the rows of
// attempts.csv and escalations.csv.
class RunSink final : public CycleSink {
 public:
  RunSink(const ir::Campaign& campaign, store::Store& store, PluginSet& plugins,
          const RunOptions& options)
      : campaign_(campaign), store_(store), plugins_(plugins), options_(options) {}

  // Points the sink at the roster of the cycle about to run.
  void begin_cycle(int cycle, const Roster& roster) {
    cycle_ = cycle;
    roster_ = &roster;
  }

  void attempt(const AttemptEvent& event) override {
    const Contact& contact = roster_->contact(event.contact);
    store::AttemptRecord record;
    record.cycle = event.cycle;
    record.contact_id = contact.id;
    record.attempt = event.attempt;
    record.start = event.start;
    record.end = event.end;
    record.disposition = campaign_.dispositions[static_cast<std::size_t>(event.disposition)].name;
    record.talk_seconds = event.talk_seconds;
    record.callback_at = event.callback_at;
    for (std::size_t q = 0; q < campaign_.questions.size(); ++q) {
      if (event.answers[q].is_missing()) continue;
      record.answers.emplace_back(campaign_.questions[q].id,
                                  answer_text(campaign_.questions[q], event.answers[q]));
    }
    store_.record_attempt(record);

    attempt_rows_.push_back({event.start, event.cycle, contact.id, event.attempt,
                             std::to_string(event.cycle) + ',' + csv_field(contact.id) + ',' +
                                 std::to_string(event.attempt) + ',' +
                                 common::format_local_iso(event.start, contact.zone) + ',' +
                                 common::format_local_iso(event.end, contact.zone) + ',' +
                                 record.disposition});
  }

  void outcome(const OutcomeEvent& event) override {
    const Contact& contact = roster_->contact(event.contact);
    const eval::Results& results = *event.results;

    store::OutcomeRecord record;
    record.cycle = event.cycle;
    record.contact_id = contact.id;
    record.outcome = campaign_.dispositions[static_cast<std::size_t>(event.outcome)].name;
    record.useful = results.useful;
    record.attempts = event.attempts;
    std::vector<std::pair<std::string, double>> scores;
    for (std::size_t s = 0; s < campaign_.scores.size(); ++s) {
      scores.emplace_back(campaign_.scores[s].name, number_of(results.scores[s]));
    }
    record.scores = scores;
    for (const FiredRouteEvent& fired : event.routes) {
      const ir::Route& route = campaign_.routes[static_cast<std::size_t>(fired.route)];
      record.routes.push_back({route.name, route.notifier, fired.due});
    }
    // The outcome, its scores and routes are committed before any alert leaves.
    store_.record_outcome(record);
    if (event.outcome == ir::kDeceased) deceased_.insert(contact.id);

    for (const FiredRouteEvent& fired : event.routes) {
      deliver(event, contact, campaign_.routes[static_cast<std::size_t>(fired.route)], fired.due,
              scores);
    }
  }

  // Contacts reported deceased so far; later cycles do not call them.
  const std::unordered_set<std::string>& deceased() const { return deceased_; }

  void progress(std::size_t done, std::size_t total, common::Instant now) override {
    if (options_.on_progress) options_.on_progress(cycle_, done, total, now);
  }

  // Writes attempts.csv, ordered by start time then contact and attempt.
  void write_attempts(const std::string& path) {
    std::sort(attempt_rows_.begin(), attempt_rows_.end());
    std::ofstream out(path);
    if (!out) throw RunError("cannot write " + path + "; check that the output folder is writable");
    out << "cycle,contact_id,attempt,start,end,disposition\n";
    for (const AttemptRow& row : attempt_rows_) out << row.line << '\n';
  }

  void write_escalations(const std::string& path) {
    std::sort(escalation_rows_.begin(), escalation_rows_.end());
    std::ofstream out(path);
    if (!out) throw RunError("cannot write " + path + "; check that the output folder is writable");
    out << "cycle,route,contact_id,due";
    for (const ir::Score& score : campaign_.scores) out << ',' << csv_field(score.name);
    out << '\n';
    for (const EscalationRow& row : escalation_rows_) out << row.line << '\n';
  }

 private:
  struct AttemptRow {
    common::Instant start;
    int cycle;
    std::string contact_id;
    int attempt;
    std::string line;
    bool operator<(const AttemptRow& o) const {
      return std::tie(cycle, start, contact_id, attempt) <
             std::tie(o.cycle, o.start, o.contact_id, o.attempt);
    }
  };
  struct EscalationRow {
    int cycle;
    common::Instant due;
    std::string route;
    std::string contact_id;
    std::string line;
    bool operator<(const EscalationRow& o) const {
      return std::tie(cycle, due, route, contact_id) <
             std::tie(o.cycle, o.due, o.route, o.contact_id);
    }
  };

  static double number_of(const common::Value& value) {
    if (value.kind == common::ValueKind::integer) return static_cast<double>(value.integer);
    if (value.kind == common::ValueKind::decimal) return value.decimal;
    return 0;
  }

  static std::string score_text(double value) {
    std::ostringstream out;
    out << value;
    return out.str();
  }

  void deliver(const OutcomeEvent& event, const Contact& contact, const ir::Route& route,
               common::Instant due, const std::vector<std::pair<std::string, double>>& scores) {
    Alert alert;
    alert.cycle = event.cycle;
    alert.route = route.name;
    alert.route_title = route.title;
    alert.notifier = route.notifier;
    alert.contact_id = contact.id;
    alert.fired_at = event.decided_at;
    alert.due = due;
    alert.due_local = common::format_local_iso(due, contact.zone);
    alert.scores = scores;
    plugins_.notifier(route.notifier).notify(alert);

    std::string line = std::to_string(event.cycle) + ',' + csv_field(route.name) + ',' +
                       csv_field(contact.id) + ',' + alert.due_local;
    for (const auto& score : scores) line += ',' + score_text(score.second);
    escalation_rows_.push_back({event.cycle, due, route.name, contact.id, std::move(line)});
  }

  const ir::Campaign& campaign_;
  const Roster* roster_ = nullptr;
  store::Store& store_;
  PluginSet& plugins_;
  const RunOptions& options_;
  int cycle_ = 1;
  std::unordered_set<std::string> deceased_;
  std::vector<AttemptRow> attempt_rows_;
  std::vector<EscalationRow> escalation_rows_;
};

void write_rejected(const std::string& path, const std::vector<std::pair<int, RejectedRow>>& rows) {
  std::ofstream out(path);
  if (!out) throw RunError("cannot write " + path + "; check that the output folder is writable");
  out << "cycle,row,field,value,reason\n";
  for (const auto& [cycle, row] : rows) {
    out << cycle << ',' << row.row_number << ',' << csv_field(row.field) << ','
        << csv_field(row.value) << ',' << csv_field(row.reason) << '\n';
  }
}

// Prices the whole run with the campaign's pricing instance, if any.
void price(const ir::Campaign& campaign, PluginSet& plugins, RunReport& report) {
  if (campaign.pricing_instance.empty()) {
    report.cost_note = "the campaign names no pricing instance";
    return;
  }

  CampaignStats stats;
  stats.campaign = campaign.name;
  stats.cycles = static_cast<int>(report.cycles.size());
  std::size_t answered = 0;
  for (const CycleReport& cycle : report.cycles) {
    stats.contacts += static_cast<std::int64_t>(cycle.stats.contacts);
    stats.attempts += static_cast<std::int64_t>(cycle.stats.attempts);
    stats.useful += static_cast<std::int64_t>(cycle.stats.useful);
    stats.total_talk_s += static_cast<double>(cycle.stats.talk_seconds);
    answered += cycle.stats.answered_attempts;
  }
  stats.average_handling_time_s =
      answered == 0 ? 0.0 : stats.total_talk_s / static_cast<double>(answered);
  stats.complexity = complexity_of(campaign);
  report.cost = plugins.pricing().price(stats);
}

// Runs every cycle with the plugins already built, then writes the outputs.
RunReport run_with_plugins(const RunOptions& options, const ir::Campaign& campaign,
                           const date::time_zone* zone, common::Instant activation,
                           PluginSet& plugins) {
  eval::CompiledCampaign compiled(campaign);
  std::unique_ptr<store::Store> store = store::Store::open(plugins.store_url());

  ImportResult import = plugins.source().read(schema_of(campaign));
  for (const std::string& note : import.notes) {
    spdlog::info("source {}: {}", campaign.source_instance, note);
  }
  Dialer& dialer = plugins.dialer();
  dialer.start(script_of(campaign));

  RunReport report;
  report.campaign = campaign.name;
  report.title = campaign.title;
  report.timezone = campaign.timezone;
  report.out_dir = options.out_dir;
  report.lines = plugins.lines();
  if (campaign.target) report.target_rate = campaign.target->value;
  report.start_within = campaign.start_within;

  common::Seconds every = campaign.recontact_every.value_or(campaign.retry.within);
  std::vector<std::pair<int, RejectedRow>> rejected;
  RunSink sink(campaign, *store, plugins, options);
  VirtualClock clock(activation);
  for (int cycle = 1; cycle <= options.cycles; ++cycle) {
    common::Instant start = activation + every * (cycle - 1);
    Roster roster(campaign, compiled, import, zone, start, cycle, sink.deceased());
    spdlog::info("cycle {} of campaign {} started: {} contacts, {} rejected rows", cycle,
                 campaign.name, roster.size(), roster.rejected().size());

    store->begin_cycle(campaign.name, cycle, start);
    std::vector<store::ContactRecord> contacts;
    contacts.reserve(roster.size());
    for (std::size_t i = 0; i < roster.size(); ++i) {
      store::ContactRecord record{
          roster.contact(i).id, roster.contact(i).row_number, roster.contact(i).phone, {}};
      for (std::size_t f = 0; f < campaign.fields.size(); ++f) {
        record.fields.emplace_back(campaign.fields[f].name, roster.field_text(i, f));
      }
      contacts.push_back(std::move(record));
    }
    store->save_contacts(cycle, contacts);
    std::vector<store::RejectedRecord> rejected_records;
    for (const RejectedRow& row : roster.rejected()) {
      rejected_records.push_back({row.row_number, row.field, row.value, row.reason});
      rejected.emplace_back(cycle, row);
    }
    store->save_rejected(cycle, rejected_records);

    sink.begin_cycle(cycle, roster);
    CycleSettings settings{cycle, start, plugins.lines()};
    CycleStats stats = run_cycle(campaign, compiled, roster, dialer, settings, clock, sink);
    store->end_cycle(cycle, stats.end);
    spdlog::info("cycle {} of campaign {} ended: {} attempts, {} useful contacts", cycle,
                 campaign.name, stats.attempts, stats.useful);

    if (roster.unknown_zones() > 0) {
      spdlog::warn(
          "cycle {}: {} contacts name an unknown time zone; the campaign's zone {} was used", cycle,
          roster.unknown_zones(), campaign.timezone);
    }
    report.cycles.push_back({stats, roster.rejected().size(), roster.excluded(),
                             roster.unknown_zones(), roster.skipped_deceased()});
  }
  plugins.flush_notifiers();

  price(campaign, plugins, report);
  fs::path out = options.out_dir;
  sink.write_attempts((out / "attempts.csv").string());
  sink.write_escalations((out / "escalations.csv").string());
  write_rejected((out / "rejected_rows.csv").string(), rejected);
  write_summary_json(report, (out / "summary.json").string());
  report.files = {"summary.json", "attempts.csv", "escalations.csv", "rejected_rows.csv"};
  for (const std::string& file : plugins.output_files()) report.files.push_back(file);
  return report;
}

}  // namespace

RunReport run_campaign(const RunOptions& options) {
  CompiledInput input;
  compile_campaign(options, input);
  const ir::Campaign& campaign = *input.campaign;
  if (options.cycles < 1) throw RunError("--cycles must be at least 1");

  const date::time_zone* zone = common::find_zone(campaign.timezone);
  if (zone == nullptr) throw RunError("unknown time zone '" + campaign.timezone + "'");
  common::Instant activation = activation_time(options, zone);

  std::error_code ec;
  fs::create_directories(options.out_dir, ec);
  if (ec) {
    throw RunError("cannot create the output folder " + options.out_dir + ": " + ec.message());
  }

  PluginSet plugins(campaign, options);
  try {
    return run_with_plugins(options, campaign, zone, activation, plugins);
  } catch (const RunError&) {
    throw;
  } catch (const std::exception& error) {
    // An exception thrown by a plugin has its type and message code in the
    // plugin's library, which closes when `plugins` goes out of scope: copy
    // the message into an engine-owned error while the library is loaded.
    throw RunError(error.what());
  }
}

}  // namespace vigie::runtime
