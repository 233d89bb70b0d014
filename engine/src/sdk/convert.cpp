#include "vigie/convert.hpp"

#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <tuple>

namespace vigie {
namespace {

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_leap(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && is_leap(year)) return 29;
  return kDays[month - 1];
}

// Reads between `min_digits` and `max_digits` decimal digits; nullopt when
// the text contains anything else.
std::optional<int> read_digits(std::string_view text, std::size_t min_digits,
                               std::size_t max_digits) {
  if (text.size() < min_digits || text.size() > max_digits) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

std::optional<CivilDate> make_date(std::optional<int> year, std::optional<int> month,
                                   std::optional<int> day) {
  if (!year || !month || !day) return std::nullopt;
  if (*year < 1000 || *month < 1 || *month > 12) return std::nullopt;
  if (*day < 1 || *day > days_in_month(*year, *month)) return std::nullopt;
  return CivilDate{*year, *month, *day};
}

std::optional<CivilDate> parse_day_month_year(std::string_view text) {
  const auto first = text.find('/');
  const auto second = text.find('/', first == std::string_view::npos ? first : first + 1);
  if (first == std::string_view::npos || second == std::string_view::npos) return std::nullopt;

  return make_date(read_digits(text.substr(second + 1), 4, 4),
                   read_digits(text.substr(first + 1, second - first - 1), 1, 2),
                   read_digits(text.substr(0, first), 1, 2));
}

std::optional<CivilDate> parse_iso(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  return make_date(read_digits(text.substr(0, 4), 4, 4), read_digits(text.substr(5, 2), 2, 2),
                   read_digits(text.substr(8, 2), 2, 2));
}

// The parts of dd/mm/yy; nullopt unless the text has that shape.
struct ShortDate {
  int day = 0;
  int month = 0;
  int year = 0;  // 0..99
};

std::optional<ShortDate> split_short_date(std::string_view text) {
  const auto first = text.find('/');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = text.find('/', first + 1);
  if (second == std::string_view::npos) return std::nullopt;

  const auto day = read_digits(text.substr(0, first), 1, 2);
  const auto month = read_digits(text.substr(first + 1, second - first - 1), 1, 2);
  const auto year = read_digits(text.substr(second + 1), 2, 2);
  if (!day || !month || !year) return std::nullopt;
  return ShortDate{*day, *month, *year};
}

bool before(const CivilDate& a, const CivilDate& b) {
  return std::tie(a.year, a.month, a.day) < std::tie(b.year, b.month, b.day);
}

// Resolves dd/mm/yy against `today`: see parse_date(text, options).
Converted<CivilDate> resolve_two_digit_year(const ShortDate& parts, const CivilDate& today) {
  const CivilDate earliest{today.year - kMaxYearsBack, today.month, today.day};
  std::vector<CivilDate> plausible;
  for (int century = today.year / 100 - 2; century <= today.year / 100; ++century) {
    const auto date = make_date(century * 100 + parts.year, parts.month, parts.day);
    if (!date || before(today, *date) || before(*date, earliest)) continue;
    plausible.push_back(*date);
  }

  if (plausible.size() == 1) return Converted<CivilDate>::success(plausible.front());
  if (plausible.empty()) {
    return Converted<CivilDate>::failure(
        "two-digit year gives no plausible date: in every century the date is invalid, after " +
        format_date(today) + " or more than " + std::to_string(kMaxYearsBack) +
        " years before it; write the year with four digits");
  }
  std::string centuries;
  for (const CivilDate& date : plausible) {
    if (!centuries.empty()) centuries += " and the ";
    centuries += std::to_string(date.year / 100 * 100) + "s";
  }
  return Converted<CivilDate>::failure("ambiguous two-digit year: both the " + centuries +
                                       " give a date within " + std::to_string(kMaxYearsBack) +
                                       " years before " + format_date(today) +
                                       "; write the year with four digits");
}

// Regions whose numbers count as domestic for `region` (see normalize_phone).
bool is_domestic_region(const std::string& number_region, const std::string& region) {
  if (number_region == region) return true;
  if (region != "FR") return false;
  static constexpr std::array<std::string_view, 11> kFrenchOverseas = {
      "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF", "NC", "PF", "WF"};
  return std::find(kFrenchOverseas.begin(), kFrenchOverseas.end(), number_region) !=
         kFrenchOverseas.end();
}

// Folds a header or field name for matching: ASCII lower case, Latin-1
// accented letters to their base letter, spaces and dashes to '_'.
std::string fold_name(std::string_view text) {
  static const std::map<unsigned char, char> kAccents = {
      {0xA0, 'a'}, {0xA1, 'a'}, {0xA2, 'a'}, {0xA4, 'a'}, {0xA7, 'c'}, {0xA8, 'e'},
      {0xA9, 'e'}, {0xAA, 'e'}, {0xAB, 'e'}, {0xAE, 'i'}, {0xAF, 'i'}, {0xB4, 'o'},
      {0xB6, 'o'}, {0xB9, 'u'}, {0xBB, 'u'}, {0xBC, 'u'}, {0xBF, 'y'}};
  text = trim(text);
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte == 0xC3 && i + 1 < text.size()) {
      // Upper-case letters U+00C0..U+00DE are 0x20 below their lower case.
      auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0x9E) next = static_cast<unsigned char>(next + 0x20);
      const auto it = kAccents.find(next);
      if (it != kAccents.end()) {
        out.push_back(it->second);
        ++i;
        continue;
      }
    }
    if (byte == ' ' || byte == '-') {
      out.push_back('_');
    } else {
      out.push_back(static_cast<char>(std::tolower(byte)));
    }
  }
  return out;
}

}  // namespace

std::optional<std::size_t> find_column(const std::vector<std::string>& names,
                                       std::string_view wanted) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (trim(names[i]) == trim(wanted)) return i;
  }
  const std::string folded = fold_name(wanted);
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (fold_name(names[i]) == folded) return i;
  }
  return std::nullopt;
}

std::string_view trim(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

Converted<std::string> normalize_phone(std::string_view text, const std::string& region) {
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;

  const std::string invalid = "not a valid phone number for region " + region;
  text = trim(text);
  if (text.empty()) return Converted<std::string>::failure(invalid);

  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  if (util.Parse(std::string(text), region, &number) != PhoneNumberUtil::NO_PARSING_ERROR) {
    return Converted<std::string>::failure(invalid);
  }
  if (!util.IsValidNumber(number)) return Converted<std::string>::failure(invalid);

  std::string e164;
  util.Format(number, PhoneNumberUtil::E164, &e164);

  std::string number_region;
  util.GetRegionCodeForNumber(number, &number_region);
  if (!is_domestic_region(number_region, region)) {
    return Converted<std::string>::suspicious(
        e164, "valid number of another country (" + number_region + ", +" +
                  std::to_string(number.country_code()) + ") in a register for region " + region +
                  "; check that it is meant");
  }
  return Converted<std::string>::success(e164);
}

bool is_phone_region(const std::string& region) {
  return i18n::phonenumbers::PhoneNumberUtil::GetInstance()->GetCountryCodeForRegion(region) != 0;
}

Converted<CivilDate> parse_date(std::string_view text, DateFormat format) {
  text = trim(text);

  std::optional<CivilDate> date;
  const char* expected = "dd/mm/yyyy or yyyy-mm-dd";
  switch (format) {
    case DateFormat::automatic:
      date =
          text.find('/') != std::string_view::npos ? parse_day_month_year(text) : parse_iso(text);
      break;
    case DateFormat::day_month_year:
      date = parse_day_month_year(text);
      expected = "dd/mm/yyyy";
      break;
    case DateFormat::iso:
      date = parse_iso(text);
      expected = "yyyy-mm-dd";
      break;
  }

  if (!date) {
    return Converted<CivilDate>::failure(std::string("not a valid date; expected ") + expected);
  }
  return Converted<CivilDate>::success(*date);
}

Converted<CivilDate> parse_date(std::string_view text, const ConvertOptions& options) {
  text = trim(text);
  if (!options.today || options.date_format == DateFormat::iso) {
    return parse_date(text, options.date_format);
  }

  if (const auto parts = split_short_date(text)) {
    return resolve_two_digit_year(*parts, *options.today);
  }
  Converted<CivilDate> date = parse_date(text, options.date_format);
  if (date.ok()) return date;
  const char* expected = options.date_format == DateFormat::automatic
                             ? "dd/mm/yyyy, dd/mm/yy or yyyy-mm-dd"
                             : "dd/mm/yyyy or dd/mm/yy";
  return Converted<CivilDate>::failure(std::string("not a valid date; expected ") + expected);
}

Converted<std::int64_t> parse_integer(std::string_view text) {
  text = trim(text);

  // Spreadsheets often group thousands with a space ("10 500"); a space
  // (or the no-break space U+00A0) between digits is dropped.
  std::string digits;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == ' ') continue;
    if (text.substr(i, 2) == "\xC2\xA0") {
      ++i;
      continue;
    }
    digits.push_back(text[i]);
  }

  std::int64_t value = 0;
  const char* begin = digits.data();
  const char* end = digits.data() + digits.size();
  if (begin != end && *begin == '+') ++begin;
  const auto [ptr, ec] = std::from_chars(begin, end, value);
  if (digits.empty() || ec != std::errc() || ptr != end) {
    return Converted<std::int64_t>::failure("not a whole number");
  }
  return Converted<std::int64_t>::success(value);
}

Converted<double> parse_decimal(std::string_view text) {
  text = trim(text);
  const auto failure = [&] {
    return Converted<double>::failure("not a decimal number; write 3.5 or 3,5");
  };

  std::string normalized(text);
  if (normalized.find('.') != std::string::npos && normalized.find(',') != std::string::npos) {
    return failure();
  }
  for (char& c : normalized) {
    if (c == ',') c = '.';
  }

  double value = 0;
  const char* begin = normalized.data();
  const char* end = normalized.data() + normalized.size();
  if (begin != end && *begin == '+') ++begin;
  const auto [ptr, ec] = std::from_chars(begin, end, value, std::chars_format::fixed);
  if (normalized.empty() || ec != std::errc() || ptr != end || !std::isfinite(value)) {
    return failure();
  }
  return Converted<double>::success(value);
}

Converted<bool> parse_bool(std::string_view text) {
  text = trim(text);
  const std::string lower = lower_ascii(text);

  for (const char* yes : {"oui", "yes", "true", "vrai", "o", "y", "1"}) {
    if (lower == yes) return Converted<bool>::success(true);
  }
  for (const char* no : {"non", "no", "false", "faux", "n", "0"}) {
    if (lower == no) return Converted<bool>::success(false);
  }
  return Converted<bool>::failure("not a yes/no value; write oui/non, yes/no, true/false or 1/0");
}

Converted<FieldValue> convert_field(const FieldSpec& field, std::string_view text,
                                    const ConvertOptions& options) {
  using Result = Converted<FieldValue>;
  text = trim(text);
  if (text.empty()) {
    if (field.optional) return Result::success(std::monostate{});
    return Result::failure("missing required field '" + field.name + "'");
  }

  const auto wrap = [](auto converted) -> Result {
    if (!converted.ok()) return Result::failure(converted.error);
    return Result{FieldValue(*converted.value), {}, converted.warning};
  };
  switch (field.type) {
    case FieldType::text:
      return Result::success(std::string(text));
    case FieldType::integer:
      return wrap(parse_integer(text));
    case FieldType::decimal:
      return wrap(parse_decimal(text));
    case FieldType::boolean:
      return wrap(parse_bool(text));
    case FieldType::date:
      return wrap(parse_date(text, options));
    case FieldType::phone:
      return wrap(normalize_phone(text, options.phone_region));
  }
  return Result::failure("field '" + field.name + "' has an unknown type");
}

Converted<FieldValue> convert_field(const FieldSpec& field, std::string_view text,
                                    const std::string& region) {
  ConvertOptions options;
  options.phone_region = region;
  return convert_field(field, text, options);
}

void convert_row(const SourceSchema& schema, std::size_t row_number,
                 const std::vector<std::optional<std::string_view>>& texts,
                 const ConvertOptions& options, ImportResult& result) {
  Row row;
  row.row_number = row_number;
  row.values.reserve(schema.fields.size());
  std::vector<RejectedRow> warnings;
  for (std::size_t i = 0; i < schema.fields.size(); ++i) {
    const FieldSpec& field = schema.fields[i];
    const std::string_view text = i < texts.size() && texts[i] ? *texts[i] : std::string_view();
    Converted<FieldValue> value = convert_field(field, text, options);
    if (!value.ok()) {
      result.rejected.push_back(
          RejectedRow{row_number, field.name, std::string(trim(text)), value.error});
      return;
    }
    if (!value.warning.empty()) {
      warnings.push_back(
          RejectedRow{row_number, field.name, std::string(trim(text)), value.warning});
    }
    row.values.push_back(std::move(*value.value));
  }

  result.rows.push_back(std::move(row));
  for (RejectedRow& warning : warnings) result.suspicious.push_back(std::move(warning));
}

CivilDate reference_date(const SourceSchema& schema) {
  if (schema.today.year != 0) return schema.today;
  const auto now = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  const std::chrono::year_month_day ymd{now};
  return CivilDate{static_cast<int>(ymd.year()),
                   static_cast<int>(static_cast<unsigned>(ymd.month())),
                   static_cast<int>(static_cast<unsigned>(ymd.day()))};
}

std::string format_date(const CivilDate& date) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", date.year, date.month, date.day);
  return buffer;
}

const char* field_type_name(FieldType type) {
  switch (type) {
    case FieldType::text:
      return "text";
    case FieldType::integer:
      return "int";
    case FieldType::decimal:
      return "decimal";
    case FieldType::boolean:
      return "bool";
    case FieldType::date:
      return "date";
    case FieldType::phone:
      return "phone";
  }
  return "unknown";
}

}  // namespace vigie
