#include "vigie/convert.hpp"

#include <phonenumbers/phonenumberutil.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>

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

}  // namespace

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
    return Result::success(FieldValue(*converted.value));
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
      return wrap(parse_date(text, options.date_format));
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
