#pragma once
// Internal to check/: the top-level declarations of a file and its imports
// (one namespace per kind), and their resolution into IR.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ast/ast.hpp"
#include "check/loader.hpp"
#include "check/reporter.hpp"
#include "ir/campaign.hpp"

namespace vigie::check {

template <typename Decl>
struct Declared {
  const Decl* decl = nullptr;
  std::string file;
};

// Every named hours, retry, calendar and campaign across the loaded files.
// Hours and calendars do not depend on a campaign, so they are resolved
// once here. Retry policies are resolved per campaign because `on` lines
// name the campaign's own dispositions.
struct GlobalScope {
  std::map<std::string, Declared<ast::HoursDecl>> hours;
  std::map<std::string, Declared<ast::RetryDecl>> retries;
  std::map<std::string, Declared<ast::CalendarDecl>> calendars;
  std::vector<Declared<ast::CampaignDecl>> campaigns;  // in load order

  std::map<std::string, ir::Hours> resolved_hours;
  std::map<std::string, ir::Calendar> resolved_calendars;  // user calendars, flattened
};

// Collects the declarations of `files` into one namespace per kind,
// reporting duplicates with both positions, then resolves hours and
// calendars.
GlobalScope collect_declarations(const std::vector<LoadedFile>& files, Reporter& reporter);

// Resolves one hours block. Lines that fail a check are left out.
ir::Hours resolve_hours(const ast::HoursBlock& block, const std::string& name,
                        const std::string& file, Reporter& reporter);

// Built-in calendars by name: fr_metropole, fr_alsace_moselle, fr_guadeloupe,
// fr_martinique, fr_guyane, fr_reunion, fr_mayotte, none.
std::optional<ir::BuiltinCalendar> find_builtin_calendar(std::string_view name);
std::vector<std::string> builtin_calendar_names();

// Resolves every user calendar of `scope` into resolved_calendars,
// flattening calendars based on other user calendars.
void resolve_calendars(GlobalScope& scope, Reporter& reporter);

// The origin of a retry block, for messages.
struct RetrySite {
  std::string name;  // empty for an inline block
  std::string file;
  common::SourceRange range;  // the name, or the inline block's start
};

// Resolves one retry block. With `dispositions` null (a named policy no
// campaign uses) only the checks that need no disposition list run.
ir::RetryPolicy resolve_retry(const ast::RetryBlock& block, const RetrySite& site,
                              const std::vector<ir::Disposition>* dispositions, Reporter& reporter);

}  // namespace vigie::check
