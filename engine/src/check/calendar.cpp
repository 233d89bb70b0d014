// Calendars: the built-in names and user calendars flattened onto a built-in base.

#include <array>
#include <utility>

#include "check/declarations.hpp"

namespace vigie::check {
namespace {

constexpr std::array<std::pair<const char*, ir::BuiltinCalendar>, 8> kBuiltinCalendars = {{
    {"fr_metropole", ir::BuiltinCalendar::fr_metropole},
    {"fr_alsace_moselle", ir::BuiltinCalendar::fr_alsace_moselle},
    {"fr_guadeloupe", ir::BuiltinCalendar::fr_guadeloupe},
    {"fr_martinique", ir::BuiltinCalendar::fr_martinique},
    {"fr_guyane", ir::BuiltinCalendar::fr_guyane},
    {"fr_reunion", ir::BuiltinCalendar::fr_reunion},
    {"fr_mayotte", ir::BuiltinCalendar::fr_mayotte},
    {"none", ir::BuiltinCalendar::none},
}};

common::Date to_date(const ast::DateLit& date) {
  return date::sys_days(date::year(date.year) / date.month / date.day);
}

class CalendarResolver {
 public:
  CalendarResolver(GlobalScope& scope, Reporter& reporter) : scope_(scope), reporter_(reporter) {}

  void resolve_all() {
    for (const auto& [name, declared] : scope_.calendars) resolve(name);
  }

 private:
  enum class State { in_progress, done };

  const ir::Calendar& resolve(const std::string& name) {
    auto state = states_.find(name);
    if (state != states_.end()) return scope_.resolved_calendars[name];

    states_[name] = State::in_progress;
    const Declared<ast::CalendarDecl>& declared = scope_.calendars.at(name);
    ir::Calendar calendar = resolve_base(*declared.decl, declared.file);
    calendar.name = name;
    apply_entries(*declared.decl, declared.file, calendar);

    states_[name] = State::done;
    return scope_.resolved_calendars[name] = std::move(calendar);
  }

  ir::Calendar resolve_base(const ast::CalendarDecl& decl, const std::string& file) {
    ir::Calendar calendar;
    if (!decl.base) {
      reporter_.error(file, decl.name.range,
                      "calendar '" + decl.name.name +
                          "' has no base; add `base fr_metropole`, or `base none` for a "
                          "calendar without public holidays");
      return calendar;
    }

    const ast::Identifier& base = *decl.base;
    if (auto builtin = find_builtin_calendar(base.name)) {
      calendar.base = *builtin;
      return calendar;
    }
    if (scope_.calendars.count(base.name) == 0) {
      std::vector<std::string> names = builtin_calendar_names();
      for (const auto& [name, declared] : scope_.calendars) names.push_back(name);
      reporter_.error(file, base.range, unknown_message("calendar", base.name, names, "calendars"));
      return calendar;
    }
    if (states_.count(base.name) != 0 && states_[base.name] == State::in_progress) {
      reporter_.error(file, base.range,
                      "calendar '" + decl.name.name + "' is based on itself through '" + base.name +
                          "'; base one of them on a built-in calendar");
      return calendar;
    }
    return resolve(base.name);
  }

  // Adds and removals are applied on top of the base, so a calendar may
  // take back a date that its user-calendar base added or removed.
  void apply_entries(const ast::CalendarDecl& decl, const std::string& file,
                     ir::Calendar& calendar) {
    std::map<common::Date, const ast::CalendarEntry*> seen;
    for (const ast::CalendarEntry& entry : decl.entries) {
      common::Date date = to_date(entry.date);
      auto [it, inserted] = seen.emplace(date, &entry);
      if (!inserted) {
        reporter_.error(file, entry.date.range,
                        common::format_date(date) + " is already listed at " +
                            format_position(file, it->second->date.range) +
                            "; list each date once");
        continue;
      }
      if (entry.add) {
        calendar.removed.erase(date);
        calendar.added[date] = entry.label ? entry.label->value : std::string();
      } else {
        calendar.added.erase(date);
        calendar.removed.insert(date);
      }
    }
  }

  GlobalScope& scope_;
  Reporter& reporter_;
  std::map<std::string, State> states_;
};

}  // namespace

std::optional<ir::BuiltinCalendar> find_builtin_calendar(std::string_view name) {
  for (const auto& [builtin_name, calendar] : kBuiltinCalendars) {
    if (name == builtin_name) return calendar;
  }
  return std::nullopt;
}

std::vector<std::string> builtin_calendar_names() {
  std::vector<std::string> names;
  for (const auto& [name, calendar] : kBuiltinCalendars) names.emplace_back(name);
  return names;
}

void resolve_calendars(GlobalScope& scope, Reporter& reporter) {
  CalendarResolver resolver(scope, reporter);
  resolver.resolve_all();
}

}  // namespace vigie::check
