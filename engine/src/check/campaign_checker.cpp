// Campaign clauses other than the script, the rules and the tests: source
// fields, time zone, calendar, hours, retry, dispositions, trigger, target.

#include "check/campaign_checker.hpp"

#include <array>
#include <exception>

namespace vigie::check {
namespace {

struct BuiltinDispositionInfo {
  const char* name;
  const char* label;
  bool final;
};

// Indexed like ir::BuiltinDisposition.
constexpr std::array<BuiltinDispositionInfo, ir::kBuiltinDispositionCount> kBuiltinDispositions = {{
    {"completed", "Questionnaire completed", true},
    {"partial", "Answered, questionnaire not finished", false},
    {"no_answer", "No answer", false},
    {"busy", "Line busy", false},
    {"voicemail", "Voicemail", false},
    {"failed", "Technical failure", false},
    {"callback", "Asked to be called back", false},
    {"wrong_number", "Wrong number", true},
    {"refused", "Refused", true},
    {"deceased", "Deceased", true},
    {"unreachable", "Unreachable within the attempts and window", true},
}};

constexpr std::array<std::pair<const char*, ir::FieldType>, 6> kFieldTypes = {{
    {"text", ir::FieldType::text},
    {"int", ir::FieldType::integer},
    {"decimal", ir::FieldType::decimal},
    {"bool", ir::FieldType::boolean},
    {"date", ir::FieldType::date},
    {"phone", ir::FieldType::phone},
}};

// Names every expression may read besides the campaign's own names.
constexpr std::array<const char*, 5> kReservedNames = {"outcome", "attempts", "cycle", "today",
                                                       "routes"};

std::vector<std::string> zone_names() {
  std::vector<std::string> names;
  try {
    const date::tzdb& database = date::get_tzdb();
    for (const date::time_zone& zone : database.zones) names.emplace_back(zone.name());
  } catch (const std::exception&) {
    // Without a readable tz database there is nothing to suggest; the
    // unknown-zone diagnostic itself is still reported.
  }
  return names;
}

}  // namespace

CampaignChecker::CampaignChecker(const ast::CampaignDecl& decl, const std::string& file,
                                 const GlobalScope& scope, const common::SourceManager& sources,
                                 Reporter& reporter)
    : decl_(decl), file_(file), scope_(scope), sources_(sources), reporter_(reporter) {}

ir::Campaign CampaignChecker::check() {
  campaign_.name = decl_.name.name;
  campaign_.file = file_;
  campaign_.range = decl_.range;
  if (decl_.title) campaign_.title = decl_.title->value.value;

  check_dispositions();
  check_source();
  check_timezone();
  check_calendar();
  check_hours_and_retry();
  check_clauses();

  declare_names();
  check_script();
  Scope before_calls{
      "the audience filter",
      /*answers=*/false,     0,
      /*rules=*/false,
      /*outcome=*/false,
      /*attempts=*/false,    "it runs before any call and may read roster fields, today and cycle"};
  if (decl_.audience) {
    std::optional<ir::Expr> audience = check_condition(*decl_.audience->value, before_calls);
    if (audience) campaign_.audience = std::move(*audience);
  }
  if (decl_.priority) {
    before_calls.subject = "the priority";
    std::optional<ir::Expr> priority =
        check_number(*decl_.priority->value, before_calls, "the priority");
    if (priority) campaign_.priority = std::move(*priority);
  }
  check_rules();
  check_useful();
  check_target();
  check_tests();
  return std::move(campaign_);
}

void CampaignChecker::check_dispositions() {
  for (const BuiltinDispositionInfo& builtin : kBuiltinDispositions) {
    campaign_.dispositions.push_back(
        ir::Disposition{builtin.name, builtin.label, builtin.final, /*builtin=*/true});
  }

  std::map<std::string, const ast::DispositionDecl*> custom;
  for (const ast::DispositionDecl& disposition : decl_.dispositions) {
    const std::string& name = disposition.name.name;
    if (campaign_.disposition_index(name) >= 0 && custom.count(name) == 0) {
      reporter_.error(file_, disposition.name.range,
                      "'" + name +
                          "' is a built-in disposition; remove it from `dispositions` "
                          "or choose another name");
      continue;
    }
    auto [it, inserted] = custom.emplace(name, &disposition);
    if (!inserted) {
      reporter_.error(file_, disposition.name.range,
                      "disposition '" + name + "' is already declared at " +
                          format_position(file_, it->second->name.range) + "; rename one of them");
      continue;
    }
    std::string label = disposition.label ? disposition.label->value : name;
    campaign_.dispositions.push_back(
        ir::Disposition{name, std::move(label), disposition.final, /*builtin=*/false});
  }
}

void CampaignChecker::check_source() {
  if (!decl_.source) {
    reporter_.error(file_, decl_.name.range,
                    "campaign '" + decl_.name.name +
                        "' has no source; add a `source INSTANCE { ... }` block listing the "
                        "roster fields");
    return;
  }

  const ast::SourceDecl& source = *decl_.source;
  campaign_.source_instance = source.instance.name;
  std::vector<std::string> type_names;
  for (const auto& [name, type] : kFieldTypes) type_names.emplace_back(name);

  const ast::FieldDecl* key = nullptr;
  for (const ast::FieldDecl& field : source.fields) {
    ir::Field checked{field.name.name, ir::FieldType::text, field.key, field.optional, field.range};
    bool known_type = false;
    for (const auto& [name, type] : kFieldTypes) {
      if (field.type.name == name) {
        checked.type = type;
        known_type = true;
      }
    }
    if (!known_type) {
      reporter_.error(file_, field.type.range,
                      unknown_message("field type", field.type.name, type_names, "field types"));
    }

    if (field.key && key != nullptr) {
      reporter_.error(file_, field.name.range,
                      "field '" + key->name.name + "' is already the key at " +
                          format_position(file_, key->name.range) +
                          "; a source has exactly one key field");
      checked.key = false;
    } else if (field.key) {
      key = &field;
      campaign_.key_field = static_cast<std::int32_t>(campaign_.fields.size());
      if (field.optional) {
        reporter_.error(
            file_, field.name.range,
            "key field '" + field.name.name + "' cannot be optional; every row needs its key");
      }
    }
    campaign_.fields.push_back(std::move(checked));
  }

  if (key == nullptr) {
    reporter_.error(file_, source.instance.range,
                    "source '" + source.instance.name +
                        "' has no key field; mark the field that identifies a person with "
                        "`key`, as in `id text key`");
  }
}

void CampaignChecker::check_timezone() {
  if (decl_.timezone) {
    const ast::StringLit& zone = decl_.timezone->value;
    if (common::find_zone(zone.value) == nullptr) {
      reporter_.error(file_, zone.range,
                      common::with_suggestion("unknown time zone '" + zone.value +
                                                  "'; write an IANA name such as "
                                                  "\"Europe/Paris\"",
                                              zone.value, zone_names()));
    } else {
      campaign_.timezone = zone.value;
    }
  }

  if (!decl_.timezone_from) return;
  const ast::Identifier& name = decl_.timezone_from->name;
  std::int32_t index = campaign_.field_index(name.name);
  if (index < 0) {
    std::vector<std::string> fields;
    for (const ir::Field& field : campaign_.fields) fields.push_back(field.name);
    reporter_.error(file_, name.range, unknown_message("field", name.name, fields, "fields"));
    return;
  }
  if (campaign_.fields[static_cast<std::size_t>(index)].type != ir::FieldType::text) {
    reporter_.error(file_, name.range,
                    "`timezone from` needs a text field holding IANA zone names; field '" +
                        name.name + "' is not text");
    return;
  }
  campaign_.timezone_field = index;
}

// A campaign without a `calendar` clause uses fr_metropole: the engine is
// built for French cities, and skipping public holidays by default is the
// safer mistake (no calls at holiday hours the designer did not plan for).
void CampaignChecker::check_calendar() {
  if (!decl_.calendar) {
    campaign_.calendar.name = "fr_metropole";
    campaign_.calendar.base = ir::BuiltinCalendar::fr_metropole;
    return;
  }

  const ast::Identifier& name = decl_.calendar->name;
  if (auto builtin = find_builtin_calendar(name.name)) {
    campaign_.calendar.name = name.name;
    campaign_.calendar.base = *builtin;
    return;
  }
  auto user = scope_.resolved_calendars.find(name.name);
  if (user != scope_.resolved_calendars.end()) {
    campaign_.calendar = user->second;
    return;
  }
  std::vector<std::string> names = builtin_calendar_names();
  for (const auto& [user_name, calendar] : scope_.resolved_calendars) names.push_back(user_name);
  reporter_.error(file_, name.range, unknown_message("calendar", name.name, names, "calendars"));
}

void CampaignChecker::check_hours_and_retry() {
  if (!decl_.hours) {
    reporter_.error(file_, decl_.name.range,
                    "campaign '" + decl_.name.name +
                        "' has no calling hours; add `hours NAME` or an inline `hours { ... }` "
                        "block");
  } else if (const auto* inline_hours = std::get_if<ast::HoursBlock>(&*decl_.hours)) {
    campaign_.hours = resolve_hours(*inline_hours, "", file_, reporter_);
  } else {
    const ast::Identifier& name = std::get<ast::NameClause>(*decl_.hours).name;
    auto found = scope_.resolved_hours.find(name.name);
    if (found != scope_.resolved_hours.end()) {
      campaign_.hours = found->second;
    } else {
      std::vector<std::string> names;
      for (const auto& [hours_name, hours] : scope_.resolved_hours) names.push_back(hours_name);
      reporter_.error(file_, name.range,
                      unknown_message("hours", name.name, names, "hours blocks"));
    }
  }

  if (!decl_.retry) {
    reporter_.error(file_, decl_.name.range,
                    "campaign '" + decl_.name.name +
                        "' has no retry policy; add `retry NAME` or an inline `retry { ... }` "
                        "block");
  } else if (const auto* inline_retry = std::get_if<ast::RetryBlock>(&*decl_.retry)) {
    RetrySite site{"", file_, inline_retry->range};
    campaign_.retry = resolve_retry(*inline_retry, site, &campaign_.dispositions, reporter_);
  } else {
    const ast::Identifier& name = std::get<ast::NameClause>(*decl_.retry).name;
    auto found = scope_.retries.find(name.name);
    if (found != scope_.retries.end()) {
      const ast::RetryDecl& retry = *found->second.decl;
      RetrySite site{name.name, found->second.file, retry.name.range};
      campaign_.retry = resolve_retry(retry.body, site, &campaign_.dispositions, reporter_);
    } else {
      std::vector<std::string> names;
      for (const auto& [retry_name, retry] : scope_.retries) names.push_back(retry_name);
      reporter_.error(file_, name.range,
                      unknown_message("retry policy", name.name, names, "retry policies"));
    }
  }
}

void CampaignChecker::check_clauses() {
  if (decl_.trigger) {
    const ast::Trigger& trigger = *decl_.trigger;
    if (trigger.alert.value.empty()) {
      reporter_.error(file_, trigger.alert.range,
                      "the alert name is empty; write the alert that starts this campaign, as "
                      "in \"canicule\"");
    }
    campaign_.trigger =
        ir::Trigger{trigger.alert.value, to_ir_op(trigger.comparison), trigger.level};
  }
  if (decl_.start_within) {
    const ast::DurationLit& within = decl_.start_within->value;
    if (within.seconds <= 0) {
      reporter_.error(file_, within.range,
                      "`start within` must be longer than zero, as in `start within 4h`");
    }
    campaign_.start_within = common::Seconds(within.seconds);
  }
  if (decl_.recontact) {
    const ast::DurationLit& every = decl_.recontact->every;
    if (every.seconds <= 0) {
      reporter_.error(file_, every.range,
                      "`recontact every` must be longer than zero, as in `recontact every 48h`");
    } else {
      campaign_.recontact_every = common::Seconds(every.seconds);
    }
  }
  if (decl_.pricing) campaign_.pricing_instance = decl_.pricing->name.name;
}

// Fields, questions (say steps included), lets, scores and routes share one
// namespace: an expression names any of them by its bare name, so a clash
// would make a reference ambiguous.
void CampaignChecker::declare_names() {
  for (std::size_t i = 0; decl_.source && i < decl_.source->fields.size(); ++i) {
    declare_name(decl_.source->fields[i].name, NameEntry::Kind::field,
                 static_cast<std::int32_t>(i));
  }
  if (decl_.script) {
    for (std::size_t i = 0; i < decl_.script->steps.size(); ++i) {
      const ast::Identifier& id =
          std::visit([](const auto& step) -> const ast::Identifier& { return step.id; },
                     decl_.script->steps[i]);
      declare_name(id, NameEntry::Kind::question, static_cast<std::int32_t>(i));
    }
  }
  for (std::size_t i = 0; i < decl_.lets.size(); ++i) {
    declare_name(decl_.lets[i].name, NameEntry::Kind::let, static_cast<std::int32_t>(i));
  }
  for (std::size_t i = 0; i < decl_.scores.size(); ++i) {
    declare_name(decl_.scores[i].name, NameEntry::Kind::score, static_cast<std::int32_t>(i));
  }
  for (std::size_t i = 0; i < decl_.routes.size(); ++i) {
    declare_name(decl_.routes[i].name, NameEntry::Kind::route, static_cast<std::int32_t>(i));
  }
}

void CampaignChecker::declare_name(const ast::Identifier& name, NameEntry::Kind kind,
                                   std::int32_t index) {
  static constexpr std::array<const char*, 5> kKindNames = {"a field", "a question", "a let",
                                                            "a score", "a route"};
  for (const char* reserved : kReservedNames) {
    if (name.name == reserved) {
      reporter_.error(file_, name.range,
                      "'" + name.name +
                          "' is a built-in name in expressions; choose another "
                          "name");
      return;
    }
  }

  auto [it, inserted] = names_.emplace(name.name, NameEntry{kind, index, name.range});
  if (inserted) return;
  reporter_.error(file_, name.range,
                  "'" + name.name + "' is already declared as " +
                      kKindNames[static_cast<std::size_t>(it->second.kind)] + " at " +
                      format_position(file_, it->second.range) +
                      "; fields, questions, lets, scores and routes need distinct names");
}

void CampaignChecker::check_target() {
  if (!decl_.target) return;
  const ast::Target& target = *decl_.target;
  if (target.metric.name != "useful_rate") {
    reporter_.error(file_, target.metric.range,
                    common::with_suggestion("unknown target metric '" + target.metric.name +
                                                "'; the only metric is useful_rate",
                                            target.metric.name, {"useful_rate"}));
    return;
  }

  const auto* percent =
      target.value ? std::get_if<ast::PercentLiteral>(&target.value->node) : nullptr;
  if (percent == nullptr) {
    reporter_.error(file_, target.value ? target.value->range : target.range,
                    "write the target as a percentage, as in `target useful_rate 65%`");
    return;
  }
  if (percent->value < 0 || percent->value > 1) {
    reporter_.error(file_, target.value->range, "a target rate must be between 0% and 100%");
    return;
  }
  campaign_.target = ir::Target{target.metric.name, percent->value};
}

std::string_view CampaignChecker::intern(std::string text) {
  campaign_.text_storage->push_back(std::make_unique<std::string>(std::move(text)));
  return *campaign_.text_storage->back();
}

// Columns count code points, so the slice walks UTF-8 sequences.
std::string CampaignChecker::source_text(common::SourceRange range) const {
  std::string text;
  for (std::uint32_t line = range.begin.line; line <= range.end.line && line > 0; ++line) {
    std::string_view content = sources_.line_text(file_, line);
    std::uint32_t first = line == range.begin.line ? range.begin.column : 1;
    std::uint32_t last =
        line == range.end.line ? range.end.column : std::numeric_limits<std::uint32_t>::max();
    std::uint32_t column = 1;
    for (std::size_t i = 0; i < content.size(); ++column) {
      std::size_t length = 1;
      while (i + length < content.size() &&
             (static_cast<unsigned char>(content[i + length]) & 0xC0) == 0x80) {
        ++length;
      }
      if (column >= first && column < last) text.append(content.substr(i, length));
      i += length;
    }
    if (line != range.end.line) text += '\n';
  }
  return text;
}

}  // namespace vigie::check
