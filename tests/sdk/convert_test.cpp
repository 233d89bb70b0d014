#include <catch2/catch.hpp>

#include "vigie/convert.hpp"

using namespace vigie;

TEST_CASE("normalize_phone accepts French formats", "[sdk][phone]") {
  const std::pair<const char*, const char*> cases[] = {
      {"01 42 76 40 40", "+33142764040"},       {"06.12.34.56.78", "+33612345678"},
      {"+33 (0)6 12 34 56 78", "+33612345678"}, {"0033 1 42 76 40 40", "+33142764040"},
      {"0142764040", "+33142764040"},           {"  01-42-76-40-40 ", "+33142764040"},
      {"+1 650 253 0000", "+16502530000"},
  };
  for (const auto& [text, expected] : cases) {
    INFO(text);
    const Converted<std::string> phone = normalize_phone(text, "FR");
    REQUIRE(phone.ok());
    CHECK(*phone.value == expected);
  }
}

TEST_CASE("normalize_phone rejects invalid numbers", "[sdk][phone]") {
  for (const char* text : {"01 42 76", "12345678901234", "abc", "", "+33 6 12 34 56 7"}) {
    INFO(text);
    const Converted<std::string> phone = normalize_phone(text, "FR");
    CHECK_FALSE(phone.ok());
    CHECK(phone.error == "not a valid phone number for region FR");
  }
}

TEST_CASE("parse_date reads real dates only", "[sdk][date]") {
  struct Case {
    const char* text;
    DateFormat format;
    bool ok;
    CivilDate expected;
  };
  const Case cases[] = {
      {"24/06/2019", DateFormat::automatic, true, {2019, 6, 24}},
      {"2/5/1931", DateFormat::automatic, true, {1931, 5, 2}},
      {"1931-05-02", DateFormat::automatic, true, {1931, 5, 2}},
      {"29/02/2024", DateFormat::day_month_year, true, {2024, 2, 29}},
      {"2000-02-29", DateFormat::iso, true, {2000, 2, 29}},
      {"29/02/2023", DateFormat::automatic, false, {}},
      {"1900-02-29", DateFormat::iso, false, {}},
      {"31/04/2019", DateFormat::automatic, false, {}},
      {"2019-13-01", DateFormat::automatic, false, {}},
      {"2019-6-1", DateFormat::iso, false, {}},
      {"24/06/19", DateFormat::automatic, false, {}},
      {"24/06/2019", DateFormat::iso, false, {}},
      {"2019-06-24", DateFormat::day_month_year, false, {}},
      {"2019-06-24x", DateFormat::automatic, false, {}},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    const Converted<CivilDate> date = parse_date(c.text, c.format);
    REQUIRE(date.ok() == c.ok);
    if (c.ok) CHECK(*date.value == c.expected);
  }
  CHECK(parse_date("31/04/2019").error == "not a valid date; expected dd/mm/yyyy or yyyy-mm-dd");
}

TEST_CASE("parse_bool reads French and English words", "[sdk][bool]") {
  const std::pair<const char*, bool> cases[] = {
      {"oui", true},   {"OUI", true},  {"Non", false},   {"yes", true},
      {"no", false},   {"TRUE", true}, {"false", false}, {"vrai", true},
      {"Faux", false}, {"1", true},    {"0", false},     {" o ", true},
  };
  for (const auto& [text, expected] : cases) {
    INFO(text);
    const Converted<bool> value = parse_bool(text);
    REQUIRE(value.ok());
    CHECK(*value.value == expected);
  }
  CHECK_FALSE(parse_bool("peut-être").ok());
  CHECK_FALSE(parse_bool("2").ok());
}

TEST_CASE("parse_decimal accepts a decimal comma", "[sdk][number]") {
  CHECK(*parse_decimal("3,5").value == 3.5);
  CHECK(*parse_decimal("3.5").value == 3.5);
  CHECK(*parse_decimal("-0,25").value == -0.25);
  CHECK(*parse_decimal("12").value == 12);
  for (const char* text : {"1,500.2", "3,5,1", "abc", "", "3.5 kg"}) {
    INFO(text);
    CHECK_FALSE(parse_decimal(text).ok());
  }
}

TEST_CASE("parse_integer accepts grouped digits", "[sdk][number]") {
  CHECK(*parse_integer("10500").value == 10500);
  CHECK(*parse_integer("10 500").value == 10500);
  CHECK(*parse_integer("-3").value == -3);
  CHECK(*parse_integer("+7").value == 7);
  for (const char* text : {"3.5", "12a", "", "99999999999999999999"}) {
    INFO(text);
    CHECK_FALSE(parse_integer(text).ok());
  }
}

TEST_CASE("convert_field handles missing and typed values", "[sdk][field]") {
  const FieldSpec birth{"birth", FieldType::date, false, false};
  const FieldSpec phone2{"phone2", FieldType::phone, false, true};
  const FieldSpec phone{"phone", FieldType::phone, false, false};

  const auto missing = convert_field(birth, "  ", "FR");
  CHECK(missing.error == "missing required field 'birth'");

  const auto absent = convert_field(phone2, "", "FR");
  REQUIRE(absent.ok());
  CHECK(std::holds_alternative<std::monostate>(*absent.value));

  const auto normalized = convert_field(phone, "06.12.34.56.78", "FR");
  REQUIRE(normalized.ok());
  CHECK(std::get<std::string>(*normalized.value) == "+33612345678");

  const auto date = convert_field(birth, "02/05/1931", "FR");
  REQUIRE(date.ok());
  CHECK(std::get<CivilDate>(*date.value) == CivilDate{1931, 5, 2});

  CHECK(convert_field(phone, "01 42", "FR").error == "not a valid phone number for region FR");
}
