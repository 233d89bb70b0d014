#pragma once
// JSON forms of the live engine's types for the HTTP API, and the parsing
// of request bodies. Instants are ISO 8601 UTC, durations are seconds in
// keys ending with _s. Objects keep their keys in the order written here.
//
// Included only by the service's own .cpp files (nlohmann_json is slow to
// compile).

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ir/campaign.hpp"
#include "runtime/live.hpp"
#include "service/alerts.hpp"

namespace vigie::service {

using Json = nlohmann::ordered_json;

std::string iso(common::Instant at);
Json iso_or_null(const std::optional<common::Instant>& at);

Json to_json(const runtime::PersonRecord& person);
Json to_json(const runtime::Handout& handout);
Json to_json(const runtime::CycleStatus& cycle);
Json to_json(const runtime::LiveStatus& status);
// A desk alert without its person; the caller adds "person".
Json to_json(const runtime::DeskAlert& alert);
Json to_json(const runtime::SettleResult& settled);
Json to_json(const runtime::PersonDecision& decision);
Json to_json(const Answer& answer);
Json to_json(const AlertRecord& alert);

// GET /api/campaigns: one campaign's settings and status.
Json campaign_json(const runtime::LiveStatus& status);
// GET /api/campaigns/{name}/script.
Json script_json(const ir::Campaign& campaign);

const char* desk_state_name(runtime::DeskState state);

// Request bodies. Each throws ApiError 400 naming the member at fault.
std::string text_member(const Json& body, const std::string& key, std::size_t max_size = 256);
std::vector<Answer> parse_answers(const Json& body, const std::string& where);
runtime::Submission parse_submission(const Json& body);

// Parses a request body that must be a JSON object; an empty body reads as {}.
Json parse_body(const std::string& text);

}  // namespace vigie::service
