#pragma once
// Text-to-value conversions shared by source plugins: phones, dates,
// numbers and booleans as they appear in registers exported from office
// software. Every function returns either a value or a reason that gives
// the expected form; none of them throws on user input. Reasons never
// repeat the value, because callers report it beside them and some values
// (phone numbers) must stay out of logs.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "vigie/types.hpp"

namespace vigie {

// The outcome of one conversion: `value` when `error` is empty.
template <typename T>
struct Converted {
  std::optional<T> value;
  std::string error;

  bool ok() const { return error.empty(); }
  static Converted success(T v) { return Converted{std::move(v), {}}; }
  static Converted failure(std::string reason) {
    return Converted{std::nullopt, std::move(reason)};
  }
};

// The layout of date fields in a file.
enum class DateFormat : std::uint8_t {
  automatic,  // dd/mm/yyyy or yyyy-mm-dd, distinguished by the separator
  day_month_year,
  iso,
};

struct ConvertOptions {
  std::string phone_region = "FR";  // ISO 3166 region for national numbers
  DateFormat date_format = DateFormat::automatic;
};

// Removes ASCII spaces, tabs and carriage returns at both ends.
std::string_view trim(std::string_view text);

// Normalises a phone number to E.164 with libphonenumber. National forms
// ("01 42 76 40 40", "06.12.34.56.78"), international forms ("+33 (0)6 …",
// "0033 1 …") and numbers of other countries are accepted; a number that
// libphonenumber does not consider valid is rejected.
Converted<std::string> normalize_phone(std::string_view text, const std::string& region);

// True when libphonenumber has metadata for `region` ("FR", "BE", "GP").
bool is_phone_region(const std::string& region);

// Parses a real calendar date (29 February only in leap years), years
// 1000..9999. `dd/mm/yyyy` accepts one-digit day and month.
Converted<CivilDate> parse_date(std::string_view text, DateFormat format = DateFormat::automatic);

// Parses a signed 64-bit integer; spaces between digit groups ("10 500")
// are accepted.
Converted<std::int64_t> parse_integer(std::string_view text);

// Parses a decimal written with a point ("3.5") or a French decimal comma
// ("3,5"). Thousands separators are rejected because "1,500" would be
// ambiguous.
Converted<double> parse_decimal(std::string_view text);

// Parses oui/non, yes/no, true/false, vrai/faux, o/n, y/n and 1/0, in any
// letter case.
Converted<bool> parse_bool(std::string_view text);

// Converts one field of a register row. Surrounding spaces are ignored.
// Empty text gives std::monostate for an optional field and the error
// "missing required field 'NAME'" otherwise.
Converted<FieldValue> convert_field(const FieldSpec& field, std::string_view text,
                                    const ConvertOptions& options);
Converted<FieldValue> convert_field(const FieldSpec& field, std::string_view text,
                                    const std::string& region);

// Formats a date as yyyy-mm-dd.
std::string format_date(const CivilDate& date);

// The name of a field type as the campaign language writes it ("int").
const char* field_type_name(FieldType type);

}  // namespace vigie
