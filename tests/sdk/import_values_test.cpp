// Register values as sources convert them: phone forms and countries,
// dates with two-digit years, and whole rows through convert_row.

#include <catch2/catch.hpp>

#include "vigie/convert.hpp"

using namespace vigie;

namespace {

// The French numbers below are in the fiction ranges that
// examples/roster_gen uses (01 99, 02 61 91, 04 65 71). The foreign ones
// are made up, and libphonenumber 8.12 accepts them as valid.
struct PhoneCase {
  const char* text;
  const char* e164;     // empty when rejected
  const char* warning;  // empty when domestic
};

}  // namespace

TEST_CASE("normalize_phone reads French forms", "[sdk][phone]") {
  const PhoneCase cases[] = {
      {"01 99 00 12 34", "+33199001234", ""},
      {"01.99.00.12.34", "+33199001234", ""},
      {"0199001234", "+33199001234", ""},
      {"+33 1 99 00 12 34", "+33199001234", ""},
      {"+33 (0)1 99 00 12 34", "+33199001234", ""},
      {"+33(0)199001234", "+33199001234", ""},
      {"+33 (0) 4 65 71 12 34", "+33465711234", ""},
      {"0033 (0)1 99 00 12 34", "+33199001234", ""},
      {"0033 1 99 00 12 34", "+33199001234", ""},
      {"(0)2 61 91 12 34", "+33261911234", ""},
      {"+33 0 1 99 00 12 34", "+33199001234", ""},
  };
  for (const PhoneCase& c : cases) {
    INFO(c.text);
    const Converted<std::string> phone = normalize_phone(c.text, "FR");
    REQUIRE(phone.ok());
    CHECK(*phone.value == c.e164);
    CHECK(phone.warning.empty());
  }
}

TEST_CASE("normalize_phone flags foreign numbers", "[sdk][phone]") {
  const PhoneCase cases[] = {
      {"+44 20 7946 0123", "+442079460123",
       "valid number of another country (GB, +44) in a register for region FR; check that it is "
       "meant"},
      {"0044 (0)20 7946 0123", "+442079460123",
       "valid number of another country (GB, +44) in a register for region FR; check that it is "
       "meant"},
      {"+1 202 555 0123", "+12025550123",
       "valid number of another country (US, +1) in a register for region FR; check that it is "
       "meant"},
      // Overseas departments are French: no warning with region FR.
      {"+590 590 12 34 56", "+590590123456", ""},
      {"+262 262 12 34 56", "+262262123456", ""},
  };
  for (const PhoneCase& c : cases) {
    INFO(c.text);
    const Converted<std::string> phone = normalize_phone(c.text, "FR");
    REQUIRE(phone.ok());
    CHECK(*phone.value == c.e164);
    CHECK(phone.warning == c.warning);
  }

  // The rule follows the configured region: a French number in a Belgian register.
  const Converted<std::string> french_in_belgium = normalize_phone("+33 1 99 00 12 34", "BE");
  REQUIRE(french_in_belgium.ok());
  CHECK(french_in_belgium.warning ==
        "valid number of another country (FR, +33) in a register for region BE; check that it is "
        "meant");
}

TEST_CASE("normalize_phone rejects malformed forms", "[sdk][phone]") {
  for (const char* text : {"01 99 00 12", "+33 (0)01 99 00 12 34", "01 99 00 12 34 56",
                           "06 39 98 12 34", "appeler", "+44 20 7946", "0A 99 00 12 34"}) {
    INFO(text);
    const Converted<std::string> phone = normalize_phone(text, "FR");
    CHECK_FALSE(phone.ok());
    CHECK(phone.error == "not a valid phone number for region FR");
  }
}

TEST_CASE("parse_date reads the three date forms", "[sdk][date]") {
  ConvertOptions options;
  options.today = CivilDate{2025, 6, 15};
  struct Case {
    const char* text;
    CivilDate expected;
  };
  const Case cases[] = {
      {"02/05/1931", {1931, 5, 2}},
      {"2/5/1931", {1931, 5, 2}},
      {"1931-05-02", {1931, 5, 2}},
      {"02/05/31", {1931, 5, 2}},
      {"2/5/31", {1931, 5, 2}},
      {"31/12/99", {1999, 12, 31}},
      {"16/06/26", {1926, 6, 16}},
      {"29/02/28", {1928, 2, 29}},
      {" 02/05/31 ", {1931, 5, 2}},
      // 1905-06-14 is one day more than 120 years before 2025-06-15.
      {"14/06/05", {2005, 6, 14}},
      // 1900 was not a leap year, so only 2000 has a 29 February.
      {"29/02/00", {2000, 2, 29}},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    const Converted<CivilDate> date = parse_date(c.text, options);
    REQUIRE(date.ok());
    CHECK(*date.value == c.expected);
  }
}

TEST_CASE("parse_date rejects unresolvable two-digit years", "[sdk][date]") {
  ConvertOptions options;
  options.today = CivilDate{2025, 6, 15};
  const std::string ambiguous =
      "ambiguous two-digit year: both the 1900s and the 2000s give a date within 120 years "
      "before 2025-06-15; write the year with four digits";
  const std::string none =
      "two-digit year gives no plausible date: in every century the date is invalid, after "
      "2025-06-15 or more than 120 years before it; write the year with four digits";
  struct Case {
    const char* text;
    std::string reason;
  };
  const Case cases[] = {
      {"02/05/24", ambiguous},  // 2024 or 1924
      {"15/06/25", ambiguous},  // today, or 100 years ago
      {"15/06/05", ambiguous},  // 2005, or exactly 120 years ago
      {"29/02/01", none},       // no leap year in 1901 or 2001
      {"31/04/40", none},       // 30 days in April
      {"02/05/1931x", "not a valid date; expected dd/mm/yyyy, dd/mm/yy or yyyy-mm-dd"},
      {"02-05-31", "not a valid date; expected dd/mm/yyyy, dd/mm/yy or yyyy-mm-dd"},
      {"2/5/031", "not a valid date; expected dd/mm/yyyy, dd/mm/yy or yyyy-mm-dd"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    CHECK(parse_date(c.text, options).error == c.reason);
  }
}

TEST_CASE("parse_date applies the 120-year limit", "[sdk][date]") {
  ConvertOptions options;
  options.today = CivilDate{2025, 6, 15};
  // 2025-06-16 is tomorrow, so only 1925 fits.
  const Converted<CivilDate> date = parse_date("16/06/25", options);
  REQUIRE(date.ok());
  CHECK(*date.value == CivilDate{1925, 6, 16});

  // On 2000-03-01, 29 February 2000 is plausible and 1900 had no 29 February.
  options.today = CivilDate{2000, 3, 1};
  const Converted<CivilDate> leap = parse_date("29/02/00", options);
  REQUIRE(leap.ok());
  CHECK(*leap.value == CivilDate{2000, 2, 29});
}

TEST_CASE("parse_date needs today for yy", "[sdk][date]") {
  CHECK(parse_date("02/05/31").error == "not a valid date; expected dd/mm/yyyy or yyyy-mm-dd");

  ConvertOptions iso;
  iso.today = CivilDate{2025, 6, 15};
  iso.date_format = DateFormat::iso;
  CHECK(parse_date("02/05/31", iso).error == "not a valid date; expected yyyy-mm-dd");

  ConvertOptions day_first;
  day_first.today = CivilDate{2025, 6, 15};
  day_first.date_format = DateFormat::day_month_year;
  CHECK(parse_date("1931-05-02", day_first).error ==
        "not a valid date; expected dd/mm/yyyy or dd/mm/yy");
  CHECK(*parse_date("02/05/31", day_first).value == CivilDate{1931, 5, 2});
}

TEST_CASE("convert_row sorts rows into accepted, rejected, suspicious", "[sdk][row]") {
  SourceSchema schema;
  schema.campaign = "canicule";
  schema.fields = {{"id", FieldType::text, true, false},
                   {"phone", FieldType::phone, false, false},
                   {"birth", FieldType::date, false, false},
                   {"floor", FieldType::integer, false, true}};
  ConvertOptions options;
  options.today = CivilDate{2025, 6, 15};
  using Texts = std::vector<std::optional<std::string_view>>;

  ImportResult result;
  convert_row(schema, 2, Texts{"A1", "01 99 00 12 34", "02/05/31", "3"}, options, result);
  convert_row(schema, 3, Texts{"A2", "+44 20 7946 0123", "1940-01-01", std::nullopt}, options,
              result);
  convert_row(schema, 4, Texts{"A3", "", "02/05/24", "x"}, options, result);
  convert_row(schema, 5, Texts{"A4", "+44 20 7946 0124", "02/05/24", ""}, options, result);
  convert_row(schema, 6, Texts{" A5 ", "0199001235", "02/05/1931", " 4 "}, options, result);

  REQUIRE(result.rows.size() == 3);
  CHECK(result.rows[0].row_number == 2);
  CHECK(std::get<CivilDate>(result.rows[0].values[2]) == CivilDate{1931, 5, 2});
  CHECK(std::get<std::int64_t>(result.rows[0].values[3]) == 3);
  CHECK(result.rows[1].row_number == 3);
  CHECK(std::holds_alternative<std::monostate>(result.rows[1].values[3]));
  CHECK(result.rows[2].row_number == 6);
  CHECK(std::get<std::string>(result.rows[2].values[0]) == "A5");

  REQUIRE(result.rejected.size() == 2);
  CHECK(result.rejected[0].row_number == 4);
  CHECK(result.rejected[0].field == "phone");
  CHECK(result.rejected[0].value == "");
  CHECK(result.rejected[0].reason == "missing required field 'phone'");
  // The warning of a rejected row is dropped: the row is listed once, as rejected.
  CHECK(result.rejected[1].row_number == 5);
  CHECK(result.rejected[1].field == "birth");
  CHECK(result.rejected[1].value == "02/05/24");

  REQUIRE(result.suspicious.size() == 1);
  CHECK(result.suspicious[0].row_number == 3);
  CHECK(result.suspicious[0].field == "phone");
  CHECK(result.suspicious[0].value == "+44 20 7946 0123");
}

TEST_CASE("find_column matches exact then folded names", "[sdk][row]") {
  const std::vector<std::string> header = {"Identifiant", " Téléphone ", "Date de naissance",
                                           "date-de-naissance", "ARRONDISSEMENT"};
  CHECK(find_column(header, "Identifiant") == std::optional<std::size_t>(0));
  CHECK(find_column(header, "telephone") == std::optional<std::size_t>(1));
  CHECK(find_column(header, "date_de_naissance") == std::optional<std::size_t>(2));
  CHECK(find_column(header, "date-de-naissance") == std::optional<std::size_t>(3));
  CHECK(find_column(header, "arrondissement") == std::optional<std::size_t>(4));
  CHECK_FALSE(find_column(header, "phone"));
}
