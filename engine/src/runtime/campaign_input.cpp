#include "runtime/campaign_input.hpp"

#include <filesystem>

#include <spdlog/spdlog.h>

#include "check/compiler.hpp"
#include "common/diagnostic.hpp"

namespace vigie::runtime {
namespace fs = std::filesystem;
namespace {

std::vector<std::string> campaign_names(const std::vector<ir::Campaign>& campaigns) {
  std::vector<std::string> names;
  for (const ir::Campaign& c : campaigns) names.push_back(c.name);
  return names;
}

std::string join(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

}  // namespace

void compile_campaign(const RunOptions& options, CompiledInput& input) {
  if (!fs::exists(options.campaign_path)) {
    throw RunError("campaign file not found: " + options.campaign_path +
                   "; check the path (campaigns are .vigie files)");
  }

  common::Diagnostics diagnostics;
  input.module = check::compile_file(options.campaign_path, input.sources, diagnostics);
  if (diagnostics.has_errors())
    throw CampaignError(std::move(diagnostics), std::move(input.sources));

  const auto& campaigns = input.module.campaigns;
  if (campaigns.empty()) {
    throw RunError(options.campaign_path +
                   " declares no campaign; add a `campaign NAME { ... }` block");
  }
  if (options.campaign_name) {
    for (const ir::Campaign& c : campaigns) {
      if (c.name == *options.campaign_name) input.campaign = &c;
    }
    if (input.campaign == nullptr) {
      std::vector<std::string> names = campaign_names(campaigns);
      std::string suggestion = common::nearest_name(*options.campaign_name, names);
      throw RunError("no campaign named '" + *options.campaign_name + "' in " +
                     options.campaign_path + " (it declares " + join(names) + ")" +
                     (suggestion.empty() ? "" : "; did you mean '" + suggestion + "'?"));
    }
    return;
  }
  if (campaigns.size() > 1) {
    throw RunError(options.campaign_path + " declares several campaigns (" +
                   join(campaign_names(campaigns)) + "); choose one with --campaign NAME");
  }
  input.campaign = &campaigns.front();
}

// Reads an option's local date and time in the campaign's zone.
common::Instant local_option_time(const std::string& option, const std::string& value,
                                  const date::time_zone* zone) {
  auto local = common::parse_local_datetime(value);
  if (!local) {
    throw RunError("invalid " + option + " value '" + value +
                   "'; write a local date and time such as 2019-06-24T10:00");
  }
  auto day = date::year_month_day{date::floor<date::days>(*local)};
  if (day.year() < date::year{2000} || day.year() > date::year{2199}) {
    throw RunError(option + " " + value + " is outside the years 2000 to 2199; check the date");
  }

  // Gaps and repeated hours happen on clock changes; say which instant is used.
  date::local_info info = zone->get_info(*local);
  common::Instant instant = common::to_instant(*local, zone);
  if (info.result != date::local_info::unique) {
    spdlog::warn("{} {} {} in {}; using {}", option, value,
                 info.result == date::local_info::nonexistent ? "does not exist" : "occurs twice",
                 zone->name(), common::format_local_iso(instant, zone));
  }
  return instant;
}

common::Instant activation_time(const RunOptions& options, const date::time_zone* zone) {
  if (!options.activate) {
    auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    return date::floor<std::chrono::minutes>(now);
  }
  return local_option_time("--activate", *options.activate, zone);
}

SourceSchema schema_of(const ir::Campaign& campaign) {
  SourceSchema schema;
  schema.campaign = campaign.name;
  for (const ir::Field& field : campaign.fields) {
    schema.fields.push_back(
        {field.name, static_cast<FieldType>(field.type), field.key, field.optional});
  }
  return schema;
}

ScriptInfo script_of(const ir::Campaign& campaign) {
  ScriptInfo script;
  script.campaign = campaign.name;
  for (const ir::Question& q : campaign.questions) {
    QuestionInfo info;
    info.id = q.id;
    info.type = static_cast<QuestionType>(q.kind);
    if (q.kind == ir::StepKind::yes_no) info.options = {"yes", "no"};
    for (const ir::Option& option : q.options) info.options.push_back(option.id);
    info.min = q.min;
    info.max = q.max;
    info.integer = q.integer;
    info.optional = q.optional;
    info.conditional = q.condition.has_value();
    script.questions.push_back(std::move(info));
  }
  for (const ir::Disposition& d : campaign.dispositions) {
    if (d.name != "unreachable") script.dispositions.push_back(d.name);
  }
  return script;
}

}  // namespace vigie::runtime
