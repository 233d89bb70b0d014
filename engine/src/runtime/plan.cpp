#include "runtime/plan.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <map>
#include <ostream>
#include <sstream>

#include "eval/evaluator.hpp"
#include "runtime/campaign_input.hpp"
#include "runtime/plugins.hpp"
#include "runtime/roster.hpp"

namespace vigie::runtime {
namespace {

// A sink for simulations: nothing is stored or delivered.
class DiscardingSink final : public CycleSink {
 public:
  void attempt(const AttemptEvent&) override {}
  void outcome(const OutcomeEvent&) override {}
};

double rate(std::size_t part, std::size_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

// Runs the first cycle with `agents` lines, once per number of agents.
class Simulator {
 public:
  Simulator(const ir::Campaign& campaign, const eval::CompiledCampaign& compiled,
            const Roster& roster, Dialer& dialer, common::Instant start)
      : campaign_(campaign), compiled_(compiled), roster_(roster), dialer_(dialer), start_(start) {}

  const StaffingPoint& at(int agents) {
    auto it = points_.find(agents);
    if (it != points_.end()) return it->second;

    DiscardingSink sink;
    VirtualClock clock(start_);
    CycleSettings settings{1, start_, agents};
    StaffingPoint point;
    point.agents = agents;
    point.stats = run_cycle(campaign_, compiled_, roster_, dialer_, settings, clock, sink);
    if (campaign_.start_within) {
      point.start_met = point.stats.first_call_at &&
                        *point.stats.first_call_at - start_ <= *campaign_.start_within;
    }
    if (campaign_.target) {
      point.target_met = rate(point.stats.useful, point.stats.contacts) >= campaign_.target->value;
    }
    return points_.emplace(agents, point).first->second;
  }

  std::vector<StaffingPoint> curve() const {
    std::vector<StaffingPoint> curve;
    for (const auto& [agents, point] : points_) curve.push_back(point);
    return curve;
  }

 private:
  const ir::Campaign& campaign_;
  const eval::CompiledCampaign& compiled_;
  const Roster& roster_;
  Dialer& dialer_;
  common::Instant start_;
  std::map<int, StaffingPoint> points_;
};

// Returns the smallest count in [1, max_agents] that meets the plan,
// assuming more agents never hurt. `max_agents` is known to meet it.
int bisect(Simulator& simulator, int max_agents) {
  int low = 1;  // lowest count not yet ruled out
  int high = max_agents;
  while (low < high) {
    int middle = low + (high - low) / 2;
    if (simulator.at(middle).meets()) {
      high = middle;
    } else {
      low = middle + 1;
    }
  }
  return high;
}

// Adds points around the smallest staffing and across the range, so that
// operators see what one agent more or fewer changes.
void fill_curve(Simulator& simulator, std::optional<int> smallest, int max_agents) {
  std::vector<int> counts;
  if (smallest) {
    for (double factor : {0.25, 0.5, 0.75, 0.9, 1.1, 1.25, 1.5, 2.0}) {
      counts.push_back(static_cast<int>(std::lround(*smallest * factor)));
    }
    counts.push_back(*smallest - 1);
    counts.push_back(*smallest + 1);
  } else {
    for (int count = 1; count < max_agents; count *= 2) counts.push_back(count);
  }
  for (int count : counts) {
    if (count >= 1 && count <= max_agents) simulator.at(count);
  }
}

std::string percent(double value) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(1) << value * 100;
  std::string text = out.str();
  std::replace(text.begin(), text.end(), '.', ',');
  return text + " %";
}

}  // namespace

PlanReport plan_staffing(const PlanOptions& options) {
  CompiledInput input;
  compile_campaign(options.run, input);
  const ir::Campaign& campaign = *input.campaign;
  if (!campaign.start_within && !campaign.target) {
    throw RunError("campaign '" + campaign.name +
                   "' has neither `start within` nor `target useful_rate`, so no staffing can "
                   "be checked against it; add one of them");
  }
  if (options.max_agents && *options.max_agents < 1) {
    throw RunError("--max-agents must be at least 1");
  }

  const date::time_zone* zone = common::find_zone(campaign.timezone);
  if (zone == nullptr) throw RunError("unknown time zone '" + campaign.timezone + "'");
  common::Instant start = activation_time(options.run, zone);

  RunOptions run = options.run;
  if (run.dialer && *run.dialer != "simulated") {
    throw RunError("vigie plan simulates calls; --dialer must be `simulated`, not '" + *run.dialer +
                   "'");
  }
  PluginSet plugins(campaign, run, PluginNeeds::simulation);
  if (plugins.dialer_plugin() != "simulated") {
    throw RunError("vigie plan simulates calls, but the dialer in " +
                   run.config_path.value_or("the config") + " is '" + plugins.dialer_plugin() +
                   "'; add --dialer simulated, or use a config whose dialer is simulated");
  }
  try {
    eval::CompiledCampaign compiled(campaign);
    ImportResult import = plugins.source().read(schema_of(campaign));
    Roster roster(campaign, compiled, import, zone, start, 1);
    if (roster.size() == 0) {
      std::string first_reason;
      if (!roster.rejected().empty()) {
        const RejectedRow& row = roster.rejected().front();
        first_reason = "; row " + std::to_string(row.row_number) + ": " + row.reason;
      }
      throw RunError("the register " + run.roster_path.value_or("of the config's source") +
                     " has no contact to call (" + std::to_string(roster.rejected().size()) +
                     " rows rejected, " + std::to_string(roster.excluded()) +
                     " outside the audience)" + first_reason +
                     "; check the register's rows and columns");
    }
    Dialer& dialer = plugins.dialer();
    dialer.start(script_of(campaign));

    PlanReport report;
    report.campaign = campaign.name;
    report.timezone = campaign.timezone;
    report.contacts = roster.size();
    report.start_within = campaign.start_within;
    if (campaign.target) report.target_rate = campaign.target->value;
    report.handling_time = run.handling_time;
    report.max_agents = options.max_agents.value_or(static_cast<int>(
        std::min<std::size_t>(roster.size(), static_cast<std::size_t>(1'000'000))));

    Simulator simulator(campaign, compiled, roster, dialer, start);
    if (simulator.at(report.max_agents).meets()) {
      report.smallest = bisect(simulator, report.max_agents);
    }
    fill_curve(simulator, report.smallest, report.max_agents);
    report.curve = simulator.curve();
    return report;
  } catch (const RunError&) {
    throw;
  } catch (const std::exception& error) {
    // Plugin exceptions carry code from libraries that close with `plugins`.
    throw RunError(error.what());
  }
}

void print_plan(std::ostream& out, const PlanReport& report) {
  out << "Plan de charge / staffing plan : " << report.campaign << ", " << report.contacts
      << " contacts\n";
  out << "  Objectifs / goals :";
  if (report.start_within) {
    out << " premier appel sous / first call within "
        << common::format_duration(*report.start_within);
  }
  if (report.target_rate) {
    out << (report.start_within ? ";" : "")
        << " contacts utiles / useful >= " << percent(*report.target_rate);
  }
  out << '\n';
  if (report.handling_time) {
    out << "  DMT / mean handling time : " << common::format_duration(*report.handling_time)
        << '\n';
  }
  out << '\n';

  out << "  agents | 1er appel | <=4h     | <=12h    | <=24h    | utiles   | fin du cycle | ok\n";
  out << "  agents | 1st call  | <=4h     | <=12h    | <=24h    | useful   | cycle ends   |\n";
  for (const StaffingPoint& point : report.curve) {
    const CycleStats& s = point.stats;
    std::string first = s.first_call_at ? common::format_duration(*s.first_call_at - s.start) : "-";
    out << "  " << std::setw(6) << point.agents << " | " << std::setw(9) << first;
    for (std::size_t m = 0; m < CycleStats::kServiceMarks.size(); ++m) {
      out << " | " << std::setw(8) << percent(rate(s.attempted_within[m], s.contacts));
    }
    out << " | " << std::setw(8) << percent(rate(s.useful, s.contacts)) << " | " << std::setw(12)
        << common::format_duration(s.end - s.start) << " | "
        << (point.meets() ? "oui/yes" : "non/no") << '\n';
  }
  out << '\n';

  if (report.smallest) {
    out << "  Effectif minimal / smallest staffing : " << *report.smallest << " agent(s)\n";
    return;
  }

  out << "  Aucun effectif jusqu'à " << report.max_agents
      << " agent(s) n'atteint les objectifs / no staffing up to " << report.max_agents
      << " agent(s) meets the goals\n";
  // Say which goal fails at the largest staffing tried, and why.
  const StaffingPoint& largest = report.curve.back();
  if (!largest.start_met) {
    const CycleStats& s = largest.stats;
    out << "  - premier appel / first call : "
        << (s.first_call_at ? common::format_duration(*s.first_call_at - s.start) : "-")
        << " après le déclenchement / after activation, limite / limit "
        << common::format_duration(*report.start_within)
        << " (heures d'appel fermées au déclenchement ? / calling hours closed at activation?)\n";
  }
  if (!largest.target_met) {
    out << "  - contacts utiles / useful : "
        << percent(rate(largest.stats.useful, largest.stats.contacts)) << " avec / with "
        << largest.agents << " agent(s), objectif / target " << percent(*report.target_rate);
    if (largest.agents == static_cast<int>(report.contacts)) {
      out << " (plafonné par les taux de réponse et les relances / capped by answer rates and "
             "the retry policy)";
    } else {
      out << " (essayez un --max-agents plus grand / try a larger --max-agents)";
    }
    out << '\n';
  }
}

}  // namespace vigie::runtime
