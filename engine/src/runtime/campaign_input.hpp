#pragma once
// The first steps shared by `vigie run` and `vigie plan`: compile the
// campaign file, read local times given on the command line, and describe
// the campaign to the source and dialer plugins.

#include <string>

#include "common/source.hpp"
#include "common/time.hpp"
#include "ir/campaign.hpp"
#include "runtime/run.hpp"
#include "vigie/types.hpp"

namespace vigie::runtime {

// A compiled campaign file and the campaign chosen in it.
struct CompiledInput {
  common::SourceManager sources;
  ir::Module module;
  const ir::Campaign* campaign = nullptr;
};

// Compiles `options.campaign_path` and picks the campaign (`--campaign`, or
// the only one). Throws CampaignError on diagnostics, RunError otherwise.
void compile_campaign(const RunOptions& options, CompiledInput& input);

// Reads the value of `option` (YYYY-MM-DDTHH:MM) as a local time in `zone`.
// A time in a clock-change gap or overlap is resolved and logged.
common::Instant local_option_time(const std::string& option, const std::string& value,
                                  const date::time_zone* zone);

// --activate in `zone`, else now, truncated to the minute.
common::Instant activation_time(const RunOptions& options, const date::time_zone* zone);

// What the source must read, and what the dialer asks.
SourceSchema schema_of(const ir::Campaign& campaign);
ScriptInfo script_of(const ir::Campaign& campaign);

}  // namespace vigie::runtime
