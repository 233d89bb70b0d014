// One namespace per kind of top-level declaration across a file and its imports.

#include "check/declarations.hpp"

namespace vigie::check {
namespace {

template <typename Decl>
bool declare(std::map<std::string, Declared<Decl>>& names, const char* kind, const Decl& decl,
             const std::string& file, Reporter& reporter) {
  auto [it, inserted] = names.emplace(decl.name.name, Declared<Decl>{&decl, file});
  if (inserted) return true;
  reporter.error(file, decl.name.range,
                 std::string(kind) + " '" + decl.name.name + "' is already declared at " +
                     format_position(it->second.file, it->second.decl->name.range) +
                     "; rename one of them");
  return false;
}

}  // namespace

GlobalScope collect_declarations(const std::vector<LoadedFile>& files, Reporter& reporter) {
  GlobalScope scope;
  std::map<std::string, Declared<ast::CampaignDecl>> campaign_names;
  for (const LoadedFile& file : files) {
    for (const ast::HoursDecl& decl : file.ast.hours) {
      declare(scope.hours, "hours", decl, file.path, reporter);
    }
    for (const ast::RetryDecl& decl : file.ast.retries) {
      declare(scope.retries, "retry", decl, file.path, reporter);
    }
    for (const ast::CalendarDecl& decl : file.ast.calendars) {
      if (find_builtin_calendar(decl.name.name)) {
        reporter.error(file.path, decl.name.range,
                       "'" + decl.name.name +
                           "' is a built-in calendar; give this calendar another name and "
                           "write `base " +
                           decl.name.name + "` in it");
        continue;
      }
      declare(scope.calendars, "calendar", decl, file.path, reporter);
    }
    for (const ast::CampaignDecl& decl : file.ast.campaigns) {
      if (declare(campaign_names, "campaign", decl, file.path, reporter)) {
        scope.campaigns.push_back(Declared<ast::CampaignDecl>{&decl, file.path});
      }
    }
  }

  for (const auto& [name, declared] : scope.hours) {
    scope.resolved_hours[name] = resolve_hours(declared.decl->body, name, declared.file, reporter);
  }
  resolve_calendars(scope, reporter);
  return scope;
}

}  // namespace vigie::check
