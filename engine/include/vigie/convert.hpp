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
#include <vector>

#include "vigie/types.hpp"

namespace vigie {

// The outcome of one conversion: `value` when `error` is empty. A value
// may come with a `warning`: it is accepted, but the row is listed as
// suspicious in the import report.
template <typename T>
struct Converted {
  std::optional<T> value;
  std::string error;
  std::string warning;

  bool ok() const { return error.empty(); }
  static Converted success(T v) { return Converted{std::move(v), {}, {}}; }
  static Converted suspicious(T v, std::string reason) {
    return Converted{std::move(v), {}, std::move(reason)};
  }
  static Converted failure(std::string reason) {
    return Converted{std::nullopt, std::move(reason), {}};
  }
};

// The layout of date fields in a file.
enum class DateFormat : std::uint8_t {
  automatic,       // dd/mm/yyyy, dd/mm/yy or yyyy-mm-dd, chosen by the separator
  day_month_year,  // dd/mm/yyyy or dd/mm/yy
  iso,
};

// How long before the reference date a two-digit year may place a date.
inline constexpr int kMaxYearsBack = 120;

struct ConvertOptions {
  std::string phone_region = "FR";  // ISO 3166 region for national numbers
  DateFormat date_format = DateFormat::automatic;
  // The reference date for two-digit years (see parse_date); without it a
  // two-digit year is rejected.
  std::optional<CivilDate> today;
};

// Finds the column named `wanted` among `names` (a CSV header, or the
// columns of a query result). An exact match ignoring surrounding spaces
// wins. Otherwise letter case, the accents of Latin-1 letters and the
// difference between spaces, dashes and underscores are ignored, so
// "Date de naissance" matches date_de_naissance. Nullopt when none matches.
std::optional<std::size_t> find_column(const std::vector<std::string>& names,
                                       std::string_view wanted);

// Removes ASCII spaces, tabs and carriage returns at both ends.
std::string_view trim(std::string_view text);

// Normalises a phone number to E.164 with libphonenumber. National forms
// ("01 42 76 40 40", "06.12.34.56.78") and international forms ("+33 (0)6 …",
// "0033 1 …") are accepted; a number that libphonenumber does not consider
// valid is rejected. A valid number of another country is accepted with a
// warning. A number is domestic when libphonenumber places it in `region`.
// With region FR, the overseas departments and collectivities that have
// their own region codes (GP, MQ, GF, RE, YT, PM, BL, MF, NC, PF, WF) are
// domestic too.
Converted<std::string> normalize_phone(std::string_view text, const std::string& region);

// True when libphonenumber has metadata for `region` ("FR", "BE", "GP").
bool is_phone_region(const std::string& region);

// Parses a real calendar date (29 February only in leap years), years
// 1000..9999. `dd/mm/yyyy` accepts one-digit day and month.
Converted<CivilDate> parse_date(std::string_view text, DateFormat format = DateFormat::automatic);

// Parses like parse_date(text, format), and also reads dd/mm/yy when
// `options.today` is set. A two-digit year is tried in every century. A
// candidate is plausible when it is a real date, not after `today` and not
// more than kMaxYearsBack years before it. Exactly one plausible century is
// accepted. None, or two (for a birth date, a baby or a centenarian), is
// rejected, and the reason names the centuries.
Converted<CivilDate> parse_date(std::string_view text, const ConvertOptions& options);

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
// "missing required field 'NAME'" otherwise. Dates follow
// parse_date(text, options).
Converted<FieldValue> convert_field(const FieldSpec& field, std::string_view text,
                                    const ConvertOptions& options);
Converted<FieldValue> convert_field(const FieldSpec& field, std::string_view text,
                                    const std::string& region);

// Converts one register row and appends it to `result`: to `rows` when
// every field converts, else to `rejected`, naming the first field at fault
// with its text. Warnings of an accepted row go to `result.suspicious`, one
// per field. `texts` is indexed like `schema.fields`; nullopt means the
// source has no column for that field (read as empty). Sources share this
// so that a register is validated the same way whatever it comes from.
void convert_row(const SourceSchema& schema, std::size_t row_number,
                 const std::vector<std::optional<std::string_view>>& texts,
                 const ConvertOptions& options, ImportResult& result);

// The reference date for ConvertOptions::today: `schema.today` when set,
// else the current UTC date.
CivilDate reference_date(const SourceSchema& schema);

// Formats a date as yyyy-mm-dd.
std::string format_date(const CivilDate& date);

// The name of a field type as the campaign language writes it ("int").
const char* field_type_name(FieldType type);

}  // namespace vigie
