// /api/campaigns: list, script, cycles, exports, check and load.

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <set>
#include <sstream>

#include "check/compiler.hpp"
#include "runtime/run.hpp"
#include "service/api.hpp"
#include "service/api_error.hpp"
#include "service/log.hpp"

namespace vigie::service {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxPath = 1024;

const char* severity_name(common::Severity severity) {
  switch (severity) {
    case common::Severity::error:
      return "error";
    case common::Severity::warning:
      return "warning";
    case common::Severity::note:
      return "note";
  }
  return "error";
}

// Diagnostics as JSON; `shown_as` replaces the server path of the checked
// file with the name the client gave.
Json diagnostics_json(const common::Diagnostics& diagnostics, const std::string& server_path,
                      const std::string& shown_as) {
  Json out = Json::array();
  for (const common::Diagnostic& diagnostic : diagnostics.sorted()) {
    out.push_back({{"file", diagnostic.file == server_path ? shown_as : diagnostic.file},
                   {"line", diagnostic.range.begin.line},
                   {"column", diagnostic.range.begin.column},
                   {"severity", severity_name(diagnostic.severity)},
                   {"message", diagnostic.message}});
  }
  return out;
}

std::string server_path(const ServiceState& state, const std::string& path) {
  const fs::path file(path);
  if (file.is_absolute()) return file.lexically_normal().string();
  return (fs::path(state.config.config_dir) / file).lexically_normal().string();
}

LivePtr campaign_or_404(const ServiceState& state, const std::string& name) {
  LivePtr campaign = state.campaigns.find(name);
  if (!campaign) {
    throw ApiError(404, "not_found",
                   "no campaign named " + name + "; GET /api/campaigns lists them");
  }
  return campaign;
}

// Splits one CSV line, honouring double quotes.
std::vector<std::string> csv_cells(const std::string& line) {
  std::vector<std::string> cells(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cells.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cells.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      cells.emplace_back();
    } else if (c != '\r') {
      cells.back() += c;
    }
  }
  return cells;
}

// The distinct contact ids of an export, in order, for its audit line.
std::vector<std::string> contact_ids_in_csv(const std::string& csv) {
  std::istringstream lines(csv);
  std::string line;
  if (!std::getline(lines, line)) return {};
  const std::vector<std::string> header = csv_cells(line);
  const auto column = std::find(header.begin(), header.end(), "contact_id");
  if (column == header.end()) return {};
  const auto index = static_cast<std::size_t>(column - header.begin());

  std::vector<std::string> ids;
  std::set<std::string> seen;
  while (std::getline(lines, line)) {
    const std::vector<std::string> cells = csv_cells(line);
    if (index < cells.size() && seen.insert(cells[index]).second) ids.push_back(cells[index]);
  }
  return ids;
}

int cycle_param(const Call& call, const runtime::LiveStatus& status) {
  if (!call.request.has_param("cycle")) {
    if (status.cycles.empty()) {
      throw ApiError(404, "not_found", "campaign " + status.campaign + " has no cycle yet");
    }
    return status.cycles.back().cycle;
  }
  const std::string text = call.request.get_param_value("cycle");
  int cycle = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), cycle);
  if (error != std::errc() || end != text.data() + text.size() || cycle < 1) {
    throw invalid_request("cycle must be a cycle number from 1, got \"" + text + "\"");
  }
  const bool exists = std::any_of(status.cycles.begin(), status.cycles.end(),
                                  [&](const runtime::CycleStatus& c) { return c.cycle == cycle; });
  if (!exists) {
    throw ApiError(404, "not_found",
                   "campaign " + status.campaign + " has no cycle " + std::to_string(cycle));
  }
  return cycle;
}

void list_campaigns(Call& call) {
  Json out = Json::array();
  for (const LivePtr& campaign : call.state.campaigns.all()) {
    out.push_back(campaign_json(campaign->status(call.now())));
  }
  reply_json(call, 200, out);
}

void export_csv(Call& call) {
  LivePtr campaign = campaign_or_404(call.state, call.match(1));
  const std::string kind_name = call.match(2);
  const runtime::ExportKind kind = kind_name == "attempts"   ? runtime::ExportKind::attempts
                                   : kind_name == "outcomes" ? runtime::ExportKind::outcomes
                                                             : runtime::ExportKind::escalations;
  const int cycle = cycle_param(call, campaign->status(call.now()));

  std::ostringstream csv;
  campaign->export_csv(kind, cycle, csv);
  std::string text = csv.str();

  call.state.record({.action = "export",
                     .user = call.who().user,
                     .remote = call.remote(),
                     .campaign = campaign->name(),
                     .cycle = cycle,
                     .contacts = contact_ids_in_csv(text),
                     .details = {{"export", kind_name}}});
  call.response.status = 200;
  call.response.set_header("Cache-Control", "no-store");
  call.response.set_header("Content-Disposition", "attachment; filename=\"" + campaign->name() +
                                                      "-cycle" + std::to_string(cycle) + "-" +
                                                      kind_name + ".csv\"");
  call.response.set_content(std::move(text), "text/csv; charset=utf-8");
}

void check_campaign(Call& call) {
  const Json body = call.body();
  const std::string file = text_member(body, "file", kMaxPath);
  const auto source = body.find("source");
  if (source == body.end() || !source->is_string()) {
    throw invalid_request("\"source\" is missing or not text; send the campaign's text");
  }

  // Imports resolve from the file's folder on the server, when it exists.
  const std::string path = server_path(call.state, file);
  common::SourceManager sources;
  common::Diagnostics diagnostics;
  check::compile_text(path, source->get<std::string>(), sources, diagnostics);
  reply_json(call, 200,
             {{"ok", !diagnostics.has_errors()},
              {"diagnostics", diagnostics_json(diagnostics, path, file)}});
}

void load_campaign(Call& call) {
  ServiceState& state = call.state;
  const Json body = call.body();
  CampaignEntry entry;
  entry.file = server_path(state, text_member(body, "file", kMaxPath));
  if (const auto roster = body.find("roster"); roster != body.end() && !roster->is_null()) {
    entry.roster = server_path(state, text_member(body, "roster", kMaxPath));
  }
  // The file is checked before anything reads it, because a syntax error
  // quotes the start of the file (the first word of /etc/passwd, say).
  if (fs::path(entry.file).extension() != ".vigie") {
    throw invalid_request("campaign file " + entry.file +
                          " does not end in .vigie; give the path of a campaign file");
  }
  std::error_code error;
  if (!fs::is_regular_file(entry.file, error)) {
    throw invalid_request("campaign file " + entry.file +
                          " not found on the server, or not a regular file");
  }
  if (entry.roster && !fs::is_regular_file(*entry.roster, error)) {
    throw invalid_request("roster " + *entry.roster + " not found on the server");
  }

  LivePtr campaign;
  try {
    const std::string name = campaign_name_of(state.config, entry);
    if (state.campaigns.find(name)) {
      throw ApiError(409, "conflict", "a campaign named " + name + " is already running");
    }
    campaign = open_campaign(state.config, entry, name);
  } catch (const runtime::CampaignError& failure) {
    Json out = {{"error", {{"code", "invalid"}, {"message", "the campaign has errors"}}},
                {"diagnostics", diagnostics_json(failure.diagnostics(), entry.file, entry.file)}};
    reply_json(call, 400, out);
    return;
  } catch (const runtime::RunError& failure) {
    throw invalid_request(failure.what());
  }
  state.campaigns.add(campaign);

  // The alerts under way apply to the new campaign as to the others.
  {
    std::lock_guard lock(state.alert_changes);
    for (const AlertRecord& alert : state.alerts.list()) {
      // The campaign keeps the alert and its ticker retries the cycle start.
      try {
        campaign->apply_alert(alert_level(alert), call.now());
      } catch (const runtime::RunError& failure) {
        log_error(
            "cycle start failed",
            {{"campaign", campaign->name()}, {"alert", alert.name}, {"error", failure.what()}});
      }
    }
  }
  state.record({.action = "campaign_load",
                .user = call.who().user,
                .remote = call.remote(),
                .campaign = campaign->name()});
  log_info("campaign loaded", {{"campaign", campaign->name()}});
  reply_json(call, 201, campaign_json(campaign->status(call.now())));
}

}  // namespace

void add_campaign_routes(Router& router) {
  router.get("/api/campaigns", "/api/campaigns", Access::supervisor, list_campaigns);
  router.get("/api/campaigns/([^/]+)/script", "/api/campaigns/{name}/script", Access::logged_in,
             [](Call& call) {
               LivePtr campaign = campaign_or_404(call.state, call.match(1));
               reply_json(call, 200, script_json(campaign->campaign()));
             });
  router.get("/api/campaigns/([^/]+)/cycles", "/api/campaigns/{name}/cycles", Access::supervisor,
             [](Call& call) {
               LivePtr campaign = campaign_or_404(call.state, call.match(1));
               Json out = Json::array();
               for (const runtime::CycleStatus& cycle : campaign->status(call.now()).cycles) {
                 out.push_back(to_json(cycle));
               }
               reply_json(call, 200, out);
             });
  router.get("/api/campaigns/([^/]+)/export/(attempts|outcomes|escalations)\\.csv",
             "/api/campaigns/{name}/export/{kind}.csv", Access::supervisor, export_csv);
  router.post("/api/campaigns/check", "/api/campaigns/check", Access::admin, check_campaign);
  router.post("/api/campaigns", "/api/campaigns", Access::admin, load_campaign);
}

}  // namespace vigie::service
