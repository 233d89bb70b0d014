#pragma once
// The contacts of a cycle: typed rows from the source, with duplicate keys
// rejected, time zones resolved and the audience filter applied.

#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "common/value.hpp"
#include "eval/evaluator.hpp"
#include "ir/campaign.hpp"
#include "vigie/types.hpp"

namespace vigie::runtime {

struct Contact {
  std::string id;
  std::string phone;  // E.164, from the first phone field
  std::size_t row_number = 0;
  const date::time_zone* zone = nullptr;
  double priority = 0;
};

class Roster {
 public:
  // Builds the roster from an import. Rows whose key was already seen are
  // rejected (naming both rows); rows outside the audience are counted in
  // `excluded()`. `zone` is the campaign's time zone; `cycle_start` gives
  // `today` (in each contact's zone) for the audience and priority.
  // Contacts whose key is in `deceased` (reported dead in an earlier cycle)
  // are left out and counted in `skipped_deceased()`.
  Roster(const ir::Campaign& campaign, const eval::CompiledCampaign& compiled,
         const ImportResult& import, const date::time_zone* zone, common::Instant cycle_start,
         int cycle, const std::unordered_set<std::string>& deceased = {});

  std::size_t size() const { return contacts_.size(); }
  const Contact& contact(std::size_t i) const { return contacts_[i]; }
  std::span<const common::Value> fields(std::size_t i) const {
    return {values_.data() + i * field_count_, field_count_};
  }
  // The text form of field `field` of contact `i`, for the store and reports.
  std::string field_text(std::size_t i, std::size_t field) const;

  const std::vector<RejectedRow>& rejected() const { return rejected_; }
  std::size_t excluded() const { return excluded_; }
  std::size_t skipped_deceased() const { return skipped_deceased_; }
  // Contacts whose `timezone from` field named an unknown zone; the
  // campaign's zone was used for them.
  std::size_t unknown_zones() const { return unknown_zones_; }

 private:
  // Append-only storage for the text of field values. Chunks never move,
  // so the views in `values_` stay valid; one std::string per value would
  // take 32 bytes before any character.
  class TextArena {
   public:
    std::string_view store(std::string_view text);

   private:
    std::vector<std::unique_ptr<char[]>> chunks_;
    char* current_ = nullptr;  // the chunk short texts go to
    std::size_t used_ = 0;
    std::size_t capacity_ = 0;
  };

  common::Value to_value(const FieldValue& value);

  const ir::Campaign* campaign_;
  std::size_t field_count_ = 0;
  std::vector<Contact> contacts_;
  std::vector<common::Value> values_;  // contacts x fields
  TextArena texts_;
  std::vector<RejectedRow> rejected_;
  std::size_t excluded_ = 0;
  std::size_t skipped_deceased_ = 0;
  std::size_t unknown_zones_ = 0;
};

// Contacts whose normalised phone numbers are equal. Most numbers are
// unique, so only shared ones get a group.
struct NumberGroups {
  static constexpr std::uint32_t kNoGroup = std::numeric_limits<std::uint32_t>::max();
  std::vector<std::uint32_t> group_of;            // per contact: its group, or kNoGroup
  std::vector<std::vector<std::size_t>> members;  // per group, in roster order
};
NumberGroups group_by_number(const Roster& roster);

// Days since 1970-01-01 of a civil date.
std::int64_t days_from_civil(const CivilDate& date);

// The text form of a field value: dates as YYYY-MM-DD, booleans as
// true/false, numbers without trailing zeros; empty when missing.
std::string value_text(const common::Value& value);

// The local date of `t` in `zone`, as a date Value (the language's `today`).
common::Value local_today(common::Instant t, const date::time_zone* zone);

}  // namespace vigie::runtime
