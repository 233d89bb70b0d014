#pragma once
// Staffing plans: how many agents a campaign needs to meet its start
// deadline and its useful-contact target within the retry window, found by
// simulating the first cycle on the register with the seeded simulated
// dialer (nothing is stored, no alert is sent).

#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "runtime/cycle.hpp"
#include "runtime/run.hpp"

namespace vigie::runtime {

struct PlanOptions {
  // Campaign, --campaign, --config, --roster, --seed, --activate and the
  // handling time (--dmt) are used; the dialer must be the simulated one.
  RunOptions run;
  // The maximum number of agents tried; default: one per contact.
  std::optional<int> max_agents;
};

// One simulated cycle with a given number of agents.
struct StaffingPoint {
  int agents = 0;
  CycleStats stats;
  bool start_met = true;   // first call within `start within`, when the campaign has it
  bool target_met = true;  // useful rate at least the target, when the campaign has it
  bool meets() const { return start_met && target_met; }
};

struct PlanReport {
  std::string campaign;
  std::string timezone;
  std::size_t contacts = 0;
  std::optional<common::Seconds> start_within;
  std::optional<double> target_rate;
  std::optional<common::Seconds> handling_time;
  int max_agents = 0;
  // The smallest number of agents found that meets both, by bisection over
  // simulations; nullopt when even `max_agents` does not.
  std::optional<int> smallest;
  // Every simulated point, by number of agents: the staffing curve.
  std::vector<StaffingPoint> curve;
};

// Throws CampaignError when the campaign does not compile and RunError when
// it cannot be simulated (no register, a dialer other than `simulated`, no
// `start within` and no `target` to plan for).
PlanReport plan_staffing(const PlanOptions& options);

// The plan as a French/English table for the terminal.
void print_plan(std::ostream& out, const PlanReport& report);

}  // namespace vigie::runtime
