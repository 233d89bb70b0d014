#include "runtime/roster.hpp"

#include <algorithm>
#include <unordered_map>

#include "common/time.hpp"

namespace vigie::runtime {

std::int64_t days_from_civil(const CivilDate& civil) {
  date::year_month_day ymd{date::year{civil.year}, date::month{static_cast<unsigned>(civil.month)},
                           date::day{static_cast<unsigned>(civil.day)}};
  return date::sys_days{ymd}.time_since_epoch().count();
}

common::Value local_today(common::Instant t, const date::time_zone* zone) {
  auto local = zone->to_local(t);
  return common::Value::of_date(date::floor<date::days>(local).time_since_epoch().count());
}

std::string_view Roster::TextArena::store(std::string_view text) {
  // Large enough that chunk headers cost nothing, small enough that the
  // last, partly used chunk wastes little.
  constexpr std::size_t kChunkSize = 64 * 1024;
  if (text.empty()) return {};

  if (text.size() > kChunkSize / 4) {
    chunks_.push_back(std::make_unique<char[]>(text.size()));
    std::copy(text.begin(), text.end(), chunks_.back().get());
    return {chunks_.back().get(), text.size()};
  }

  if (capacity_ - used_ < text.size()) {
    chunks_.push_back(std::make_unique<char[]>(kChunkSize));
    current_ = chunks_.back().get();
    used_ = 0;
    capacity_ = kChunkSize;
  }
  char* start = current_ + used_;
  std::copy(text.begin(), text.end(), start);
  used_ += text.size();
  return {start, text.size()};
}

common::Value Roster::to_value(const FieldValue& value) {
  struct Visitor {
    Roster* roster;
    common::Value operator()(std::monostate) const { return common::Value::missing(); }
    common::Value operator()(const std::string& text) const {
      return common::Value::of_text(roster->texts_.store(text));
    }
    common::Value operator()(std::int64_t i) const { return common::Value::of_int(i); }
    common::Value operator()(double d) const { return common::Value::of_decimal(d); }
    common::Value operator()(bool b) const { return common::Value::of_bool(b); }
    common::Value operator()(const CivilDate& d) const {
      return common::Value::of_date(days_from_civil(d));
    }
  };
  return std::visit(Visitor{this}, value);
}

Roster::Roster(const ir::Campaign& campaign, const eval::CompiledCampaign& compiled,
               const ImportResult& import, const date::time_zone* zone, common::Instant cycle_start,
               int cycle, const std::unordered_set<std::string>& deceased)
    : campaign_(&campaign), field_count_(campaign.fields.size()), rejected_(import.rejected) {
  std::int32_t phone_field = -1;
  for (std::size_t f = 0; f < campaign.fields.size(); ++f) {
    if (campaign.fields[f].type == ir::FieldType::phone) {
      phone_field = static_cast<std::int32_t>(f);
      break;
    }
  }

  // Reserving for every row avoids the copies of repeated growth, which at
  // a million rows briefly hold the old and the new buffer together.
  contacts_.reserve(import.rows.size());
  values_.reserve(import.rows.size() * field_count_);
  std::unordered_map<std::string, std::size_t> first_row_of_key;
  first_row_of_key.reserve(import.rows.size());
  std::vector<common::Value> row_values(field_count_);
  // `today` depends only on the zone, and nearly every contact has the
  // campaign's zone: convert once per run of equal zones.
  const date::time_zone* today_zone = nullptr;
  common::Value today;
  for (const Row& row : import.rows) {
    if (row.values.size() != field_count_) {
      rejected_.push_back(
          {row.row_number, "", "", "the source returned a row with the wrong number of fields"});
      continue;
    }

    for (std::size_t f = 0; f < field_count_; ++f) row_values[f] = to_value(row.values[f]);
    // The key may be of any field type; its text form identifies the contact.
    std::string key = value_text(row_values[static_cast<std::size_t>(campaign.key_field)]);
    auto [it, inserted] = first_row_of_key.emplace(key, row.row_number);
    if (!inserted) {
      rejected_.push_back({row.row_number,
                           campaign.fields[static_cast<std::size_t>(campaign.key_field)].name, key,
                           "duplicate key '" + key + "': row " + std::to_string(it->second) +
                               " already has it; give each person a unique identifier"});
      continue;
    }

    if (!deceased.empty() && deceased.count(key) != 0) {
      ++skipped_deceased_;
      continue;
    }

    Contact contact;
    contact.id = key;
    contact.row_number = row.row_number;
    contact.zone = zone;
    if (phone_field >= 0) {
      const auto& phone = row.values[static_cast<std::size_t>(phone_field)];
      if (std::holds_alternative<std::string>(phone)) contact.phone = std::get<std::string>(phone);
    }
    if (campaign.timezone_field >= 0) {
      const common::Value& tz = row_values[static_cast<std::size_t>(campaign.timezone_field)];
      if (tz.kind == common::ValueKind::text && !tz.text.empty()) {
        const date::time_zone* own = common::find_zone(tz.text);
        if (own != nullptr) {
          contact.zone = own;
        } else {
          ++unknown_zones_;
        }
      }
    }

    eval::Context context;
    context.fields = row_values;
    context.cycle = cycle;
    if (contact.zone != today_zone) {
      today_zone = contact.zone;
      today = local_today(cycle_start, today_zone);
    }
    context.today = today;
    if (!compiled.in_audience(context)) {
      ++excluded_;
      continue;
    }
    contact.priority = compiled.priority(context);

    contacts_.push_back(std::move(contact));
    values_.insert(values_.end(), row_values.begin(), row_values.end());
  }
}

NumberGroups group_by_number(const Roster& roster) {
  NumberGroups groups;
  groups.group_of.assign(roster.size(), NumberGroups::kNoGroup);
  std::unordered_map<std::string_view, std::size_t> first_with;
  first_with.reserve(roster.size());
  for (std::size_t i = 0; i < roster.size(); ++i) {
    auto [it, inserted] = first_with.try_emplace(roster.contact(i).phone, i);
    if (inserted) continue;

    std::size_t first = it->second;
    if (groups.group_of[first] == NumberGroups::kNoGroup) {
      groups.group_of[first] = static_cast<std::uint32_t>(groups.members.size());
      groups.members.push_back({first});
    }
    groups.group_of[i] = groups.group_of[first];
    groups.members[groups.group_of[i]].push_back(i);
  }
  return groups;
}

std::string Roster::field_text(std::size_t i, std::size_t field) const {
  return value_text(values_[i * field_count_ + field]);
}

std::string value_text(const common::Value& v) {
  switch (v.kind) {
    case common::ValueKind::missing:
      return "";
    case common::ValueKind::boolean:
      return v.boolean ? "true" : "false";
    case common::ValueKind::integer:
      return std::to_string(v.integer);
    case common::ValueKind::decimal: {
      std::string text = std::to_string(v.decimal);
      while (text.size() > 1 && text.back() == '0') text.pop_back();
      if (!text.empty() && text.back() == '.') text.pop_back();
      return text;
    }
    case common::ValueKind::text:
      return std::string(v.text);
    case common::ValueKind::date:
      return common::format_date(common::Date{date::days{v.days}});
    default:
      return "";
  }
}

}  // namespace vigie::runtime
