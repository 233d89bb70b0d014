#include "runtime/report.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <ostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "vigie/csv.hpp"

namespace vigie::runtime {
namespace {

using nlohmann::ordered_json;

const date::time_zone* zone_of(const RunReport& report) {
  const date::time_zone* zone = common::find_zone(report.timezone);
  return zone != nullptr ? zone : date::locate_zone("UTC");
}

double rate(std::size_t part, std::size_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

// Rounds a ratio for JSON to 4 decimals so that files compare across runs.
double rounded(double value, double scale = 10000.0) {
  return std::round(value * scale) / scale;
}

struct Totals {
  std::size_t contacts = 0;
  std::size_t rejected_rows = 0;
  std::size_t excluded = 0;
  std::size_t attempts = 0;
  std::map<std::string, std::size_t> outcomes;
  std::size_t useful = 0;
  std::map<std::string, std::size_t> routes;
  std::size_t answered_attempts = 0;
  std::int64_t talk_seconds = 0;
  std::optional<common::Instant> first_call_at;
};

Totals add_up(const RunReport& report) {
  Totals totals;
  for (const CycleReport& cycle : report.cycles) {
    const CycleStats& s = cycle.stats;
    totals.contacts += s.contacts;
    // Every cycle reads the same import: its rejected rows count once.
    totals.rejected_rows = std::max(totals.rejected_rows, cycle.rejected_rows);
    totals.excluded += cycle.excluded;
    totals.attempts += s.attempts;
    for (const auto& [name, count] : s.outcomes) totals.outcomes[name] += count;
    totals.useful += s.useful;
    for (const auto& [name, count] : s.routes) totals.routes[name] += count;
    totals.answered_attempts += s.answered_attempts;
    totals.talk_seconds += s.talk_seconds;
    if (s.first_call_at && !totals.first_call_at) totals.first_call_at = s.first_call_at;
  }
  return totals;
}

ordered_json counts_json(const Totals& t, const date::time_zone* zone) {
  ordered_json j;
  j["contacts"] = t.contacts;
  j["rejected_rows"] = t.rejected_rows;
  j["excluded_by_audience"] = t.excluded;
  j["attempts"] = t.attempts;
  j["outcomes"] = t.outcomes;
  j["useful"] = t.useful;
  j["useful_rate"] = rounded(rate(t.useful, t.contacts));
  j["routes"] = t.routes;
  j["first_call_at"] = t.first_call_at
                           ? ordered_json(common::format_local_iso(*t.first_call_at, zone))
                           : ordered_json(nullptr);
  j["average_handling_time_s"] =
      t.answered_attempts == 0
          ? 0.0
          : rounded(static_cast<double>(t.talk_seconds) / static_cast<double>(t.answered_attempts),
                    10.0);
  return j;
}

std::string hours_label(common::Seconds mark) {
  return std::to_string(std::chrono::duration_cast<std::chrono::hours>(mark).count()) + "h";
}

// How soon people were first called: the staffing question.
ordered_json service_level_json(const CycleStats& s) {
  ordered_json j;
  j["time_to_first_call_s"] =
      s.first_call_at ? ordered_json((*s.first_call_at - s.start).count()) : ordered_json(nullptr);
  j["attempted"] = s.attempted;
  j["attempted_rate"] = rounded(rate(s.attempted, s.contacts));
  for (std::size_t m = 0; m < CycleStats::kServiceMarks.size(); ++m) {
    j["attempted_within_" + hours_label(CycleStats::kServiceMarks[m]) + "_rate"] =
        rounded(rate(s.attempted_within[m], s.contacts));
  }
  return j;
}

ordered_json cycle_json(const RunReport& report, const CycleReport& cycle,
                        const date::time_zone* zone) {
  const CycleStats& s = cycle.stats;
  Totals t;
  t.contacts = s.contacts;
  t.rejected_rows = cycle.rejected_rows;
  t.excluded = cycle.excluded;
  t.attempts = s.attempts;
  t.outcomes = s.outcomes;
  t.useful = s.useful;
  t.routes = s.routes;
  t.answered_attempts = s.answered_attempts;
  t.talk_seconds = s.talk_seconds;
  t.first_call_at = s.first_call_at;

  ordered_json j;
  j["cycle"] = s.cycle;
  j["start"] = common::format_local_iso(s.start, zone);
  j.update(counts_json(t, zone));
  j["window_end"] = common::format_local_iso(s.window_end, zone);
  j["end"] = common::format_local_iso(s.end, zone);

  if (report.start_within) {
    ordered_json service;
    service["limit_s"] = report.start_within->count();
    if (s.first_call_at) {
      auto delay = (*s.first_call_at - s.start).count();
      service["first_call_delay_s"] = delay;
      service["met"] = delay <= report.start_within->count();
    } else {
      service["first_call_delay_s"] = nullptr;
      service["met"] = false;
    }
    j["start_within"] = service;
  }
  if (report.target_rate) {
    j["target"] = {{"useful_rate", *report.target_rate},
                   {"met", rate(s.useful, s.contacts) >= *report.target_rate}};
  }
  j["service_level"] = service_level_json(s);
  if (s.shared_calls > 0) j["shared_number_calls"] = s.shared_calls;
  if (cycle.undelivered_alerts > 0) j["undelivered_alerts"] = cycle.undelivered_alerts;
  if (cycle.unknown_timezones > 0) j["unknown_timezones"] = cycle.unknown_timezones;
  if (cycle.skipped_deceased > 0) j["skipped_deceased"] = cycle.skipped_deceased;
  if (s.ignored_answers > 0) j["ignored_answers"] = s.ignored_answers;
  if (s.downgraded_completions > 0) j["completed_downgraded_to_partial"] = s.downgraded_completions;
  return j;
}

ordered_json cost_json(const RunReport& report) {
  ordered_json j = ordered_json::object();
  if (!report.cost) {
    j["note"] = report.cost_note;
    return j;
  }

  const CostBreakdown& cost = *report.cost;
  j["currency"] = cost.currency;
  ordered_json lines = ordered_json::array();
  for (const CostLine& line : cost.lines) {
    lines.push_back({{"item", line.item},
                     {"quantity", rounded(line.quantity, 100.0)},
                     {"unit", line.unit},
                     {"unit_price", line.unit_price},
                     {"amount", rounded(line.amount, 100.0)}});
  }
  j["lines"] = lines;
  j["total"] = rounded(cost.total, 100.0);
  if (!cost.details.empty()) j["details"] = cost.details;
  return j;
}

std::string french_number(double value, int decimals) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(decimals) << value;
  std::string text = out.str();
  for (char& c : text) {
    if (c == '.') c = ',';
  }
  return text;
}

}  // namespace

std::string csv_field(const std::string& text) {
  return csv_escape(spreadsheet_safe(text));
}

std::string attempts_csv_row(const store::AttemptRecord& attempt, const date::time_zone* zone) {
  return std::to_string(attempt.cycle) + ',' + csv_field(attempt.contact_id) + ',' +
         std::to_string(attempt.attempt) + ',' + common::format_local_iso(attempt.start, zone) +
         ',' + common::format_local_iso(attempt.end, zone) + ',' + attempt.disposition;
}

std::string escalations_csv_header(const ir::Campaign& campaign) {
  std::string header = "cycle,route,contact_id,due";
  for (const ir::Score& score : campaign.scores) header += ',' + csv_field(score.name);
  return header;
}

std::string escalations_csv_row(int cycle, const std::string& route, const std::string& contact_id,
                                const std::string& due_local,
                                const std::vector<std::pair<std::string, double>>& scores) {
  std::string row = std::to_string(cycle) + ',' + csv_field(route) + ',' + csv_field(contact_id) +
                    ',' + due_local;
  for (const auto& score : scores) {
    std::ostringstream value;
    value << score.second;
    row += ',' + value.str();
  }
  return row;
}

void write_summary_json(const RunReport& report, const std::string& path) {
  const date::time_zone* zone = zone_of(report);

  ordered_json j;
  j["campaign"] = report.campaign;
  j["title"] = report.title;
  j["timezone"] = report.timezone;
  j["lines"] = report.lines ? ordered_json(*report.lines) : ordered_json("unlimited");
  if (report.alert_end || report.alert_level) {
    ordered_json alert;
    alert["level"] = report.alert_level ? ordered_json(*report.alert_level) : ordered_json(nullptr);
    alert["until"] = report.alert_end
                         ? ordered_json(common::format_local_iso(*report.alert_end, zone))
                         : ordered_json(nullptr);
    j["alert"] = alert;
  }
  j["cycles"] = ordered_json::array();
  for (const CycleReport& cycle : report.cycles)
    j["cycles"].push_back(cycle_json(report, cycle, zone));
  j["totals"] = counts_json(add_up(report), zone);
  j["cost"] = cost_json(report);

  std::ofstream out(path);
  if (!out) throw RunError("cannot write " + path + "; check that the output folder is writable");
  out << j.dump(2) << '\n';
}

void print_summary(std::ostream& out, const RunReport& report) {
  const date::time_zone* zone = zone_of(report);
  Totals totals = add_up(report);

  out << "Campagne " << report.campaign;
  if (!report.title.empty()) out << " — " << report.title;
  out << '\n';
  if (report.resumed) {
    out << "  Reprise / resumed : " << report.replayed_records
        << " résultats déjà enregistrés / results already stored\n";
  }
  if (report.alert_end) {
    out << "  Alerte jusqu'au / alert until " << common::format_local_iso(*report.alert_end, zone)
        << " : " << report.cycles.size() << " cycle(s)\n";
  }

  for (const CycleReport& cycle : report.cycles) {
    const CycleStats& s = cycle.stats;
    double useful_rate = rate(s.useful, s.contacts);
    out << "  Cycle " << s.cycle << " (début " << common::format_local_iso(s.start, zone) << ")\n";
    out << "    personnes appelées / contacts : " << s.contacts
        << "   lignes rejetées / rejected rows : " << cycle.rejected_rows
        << "   hors public / excluded : " << cycle.excluded << '\n';
    out << "    appels / attempts : " << s.attempts << "   premier appel / first call : "
        << (s.first_call_at ? common::format_local_iso(*s.first_call_at, zone) : "-");
    if (report.start_within && s.first_call_at) {
      bool met = *s.first_call_at - s.start <= *report.start_within;
      out << (met ? "  (délai respecté / within deadline)" : "  (DÉLAI DÉPASSÉ / deadline missed)");
    }
    out << '\n';
    out << "    premier appel de chacun / first attempt within :";
    for (std::size_t m = 0; m < CycleStats::kServiceMarks.size(); ++m) {
      out << ' ' << hours_label(CycleStats::kServiceMarks[m]) << ' '
          << french_number(rate(s.attempted_within[m], s.contacts) * 100, 1) << " %";
    }
    out << '\n';
    out << "    contacts utiles / useful : " << s.useful << " ("
        << french_number(useful_rate * 100, 1) << " %)";
    if (report.target_rate) {
      out << "   objectif / target " << french_number(*report.target_rate * 100, 0) << " % : "
          << (useful_rate >= *report.target_rate ? "atteint / met" : "NON ATTEINT / missed");
    }
    out << '\n';
    out << "    issues / outcomes :";
    for (const auto& [name, count] : s.outcomes) out << ' ' << name << '=' << count;
    out << '\n';
    out << "    alertes / routes :";
    if (s.routes.empty()) out << " aucune / none";
    for (const auto& [name, count] : s.routes) out << ' ' << name << '=' << count;
    out << '\n';
    if (cycle.undelivered_alerts > 0) {
      out << "    ALERTES NON TRANSMISES / UNDELIVERED ALERTS : " << cycle.undelivered_alerts
          << " (gardées en attente ; relancez la même commande / kept in the outbox; run the "
             "same command again)\n";
    }
  }

  if (report.cost) {
    out << "  Coût / cost : " << french_number(report.cost->total, 2) << ' '
        << report.cost->currency << '\n';
    for (const CostLine& line : report.cost->lines) {
      out << "    " << line.item << " : " << french_number(line.amount, 2) << '\n';
    }
  } else if (!report.cost_note.empty()) {
    out << "  Coût / cost : " << report.cost_note << '\n';
  }

  if (report.cycles.size() > 1) {
    out << "  Total : " << totals.contacts << " contacts, " << totals.attempts << " appels, "
        << totals.useful << " utiles\n";
  }
  out << "  Résultats / outputs : " << report.out_dir << '/';
  for (std::size_t i = 0; i < report.files.size(); ++i) {
    out << (i == 0 ? " " : ", ") << report.files[i];
  }
  out << '\n';
}

}  // namespace vigie::runtime
