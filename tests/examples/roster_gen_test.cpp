#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <sys/wait.h>

#include <date/date.h>
#include <phonenumbers/phonenumberutil.h>

namespace {

const std::string kRosterDir = std::string(VIGIE_SOURCE_DIR) + "/examples/rosters/";
const char* const kHeader =
    "id;phone;phone2;last_name;first_name;birth;arrondissement;lives_alone;tz";

struct Run {
  std::string output;
  int exit_code = -1;
};

// Runs the generator with `arguments`, capturing standard output.
Run run_generator(const std::string& arguments) {
  const std::string command = std::string(VIGIE_ROSTER_GEN) + " " + arguments + " 2>/dev/null";
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);

  Run run;
  char buffer[65536];
  std::size_t read = 0;
  while ((read = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) run.output.append(buffer, read);
  const int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream stream(text);
  while (std::getline(stream, part, separator)) parts.push_back(part);
  if (!text.empty() && text.back() == separator && separator != '\n') parts.emplace_back();
  return parts;
}

// The first line where two texts differ, 1-based, or 0 when they are equal.
std::size_t first_different_line(const std::string& a, const std::string& b) {
  const std::vector<std::string> lines_a = split(a, '\n');
  const std::vector<std::string> lines_b = split(b, '\n');
  for (std::size_t i = 0; i < std::max(lines_a.size(), lines_b.size()); ++i) {
    if (i >= lines_a.size() || i >= lines_b.size() || lines_a[i] != lines_b[i]) return i + 1;
  }
  return a == b ? 0 : std::max(lines_a.size(), lines_b.size()) + 1;
}

struct Row {
  std::string id, phone, phone2, last_name, first_name, birth, arrondissement, lives_alone, tz;
};

std::vector<Row> parse_roster(const std::string& text) {
  std::vector<std::string> lines = split(text, '\n');
  REQUIRE_FALSE(lines.empty());
  REQUIRE(lines.front() == kHeader);

  std::vector<Row> rows;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::vector<std::string> fields = split(lines[i], ';');
    INFO("line " << i + 1);
    REQUIRE(fields.size() == 9);
    rows.push_back({fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], fields[6],
                    fields[7], fields[8]});
  }
  return rows;
}

// Parses dd/mm/yyyy into a real calendar date; nullopt for 31/02/1940.
std::optional<date::year_month_day> parse_birth(const std::string& text) {
  unsigned day = 0;
  unsigned month = 0;
  int year = 0;
  char tail = 0;
  if (std::sscanf(text.c_str(), "%2u/%2u/%4d%c", &day, &month, &year, &tail) != 3) return {};
  const date::year_month_day birth{date::year{year}, date::month{month}, date::day{day}};
  if (!birth.ok()) return {};
  return birth;
}

int age_on_reference_day(const date::year_month_day& birth) {
  using namespace date::literals;
  const date::year_month_day reference = 2019_y / date::June / 24;
  int age = static_cast<int>(reference.year()) - static_cast<int>(birth.year());
  if (date::month_day{reference.month(), reference.day()} <
      date::month_day{birth.month(), birth.day()}) {
    --age;
  }
  return age;
}

// Returns the E.164 form of a valid French number, or "" when libphonenumber
// rejects it.
std::string to_e164(const std::string& text) {
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  if (util.Parse(text, "FR", &number) != PhoneNumberUtil::NO_PARSING_ERROR) return "";
  if (!util.IsValidNumber(number)) return "";
  std::string e164;
  util.Format(number, PhoneNumberUtil::E164, &e164);
  return e164;
}

bool in_fiction_range(const std::string& e164) {
  for (const char* prefix : {"+33199", "+3326191", "+3335301", "+3346571", "+3353649"}) {
    if (e164.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("roster_gen output matches the committed roster", "[examples]") {
  const Run run = run_generator("--count 10500 --seed 20190624");
  const std::string committed = read_file(kRosterDir + "paris_10500.csv");

  REQUIRE(run.exit_code == 0);
  INFO(
      "regenerate with: vigie_roster_gen --count 10500 --seed 20190624 > "
      "examples/rosters/paris_10500.csv");
  CHECK(first_different_line(run.output, committed) == 0);
  CHECK(run.output.size() == committed.size());
}

TEST_CASE("roster_gen same seed same output", "[examples]") {
  const Run first = run_generator("--count 200 --seed 7");
  const Run again = run_generator("--count 200 --seed 7");
  const Run other = run_generator("--count 200 --seed 8");

  CHECK(first.exit_code == 0);
  CHECK(first.output == again.output);
  CHECK(first.output != other.output);
  CHECK(split(first.output, '\n').size() == 201);
}

TEST_CASE("roster_gen rejects bad arguments", "[examples]") {
  for (const char* arguments : {"--count 0", "--count many", "--seed -", "--colour blue"}) {
    INFO(arguments);
    const Run run = run_generator(arguments);
    CHECK(run.exit_code != 0);
    CHECK(run.output.empty());
  }
}

TEST_CASE("roster paris_10500 has the documented content", "[examples]") {
  const std::string text = read_file(kRosterDir + "paris_10500.csv");
  REQUIRE(text.rfind("\xEF\xBB\xBF", 0) != 0);  // no byte order mark
  const std::vector<Row> rows = parse_roster(text);
  REQUIRE(rows.size() == 10500);

  std::map<std::string, int> ids;
  int invalid_births = 0;
  int under_65 = 0;
  int invalid_phones = 0;
  int empty_phone2 = 0;
  int zones = 0;
  int accented_names = 0;
  for (const Row& row : rows) {
    INFO(row.id);
    ++ids[row.id];

    const auto birth = parse_birth(row.birth);
    if (!birth) {
      ++invalid_births;
    } else {
      const int age = age_on_reference_day(*birth);
      CHECK(age >= 60);
      CHECK(age <= 101);
      under_65 += age < 65 ? 1 : 0;
    }

    const std::string phone = to_e164(row.phone);
    if (phone.empty()) {
      ++invalid_phones;
    } else {
      CHECK(in_fiction_range(phone));
    }
    if (row.phone2.empty()) {
      ++empty_phone2;
    } else {
      CHECK(in_fiction_range(to_e164(row.phone2)));
    }

    const int arrondissement = std::stoi(row.arrondissement);
    CHECK(arrondissement >= 1);
    CHECK(arrondissement <= 20);
    CHECK((row.lives_alone == "oui" || row.lives_alone == "non" || row.lives_alone.empty()));
    CHECK((row.tz.empty() || row.tz == "Europe/Paris"));
    zones += row.tz.empty() ? 0 : 1;
    // In UTF-8, the accented Latin letters (é, è, ë, ï, ô...) start with 0xC3.
    const std::string name = row.last_name + row.first_name;
    accented_names += name.find('\xC3') != std::string::npos ? 1 : 0;
  }

  int repeated_ids = 0;
  for (const auto& [id, count] : ids) repeated_ids += count - 1;
  CHECK(repeated_ids == 5);
  CHECK(invalid_births == 6);
  CHECK(zones == 8);
  // Rates drawn at random: checked as ranges around the generator's rates.
  CHECK(under_65 > 100);  // 2% of 10,500 is 210
  CHECK(under_65 < 400);
  CHECK(invalid_phones > 105);  // 1.5% of 10,500 is 158
  CHECK(invalid_phones < 210);
  CHECK(empty_phone2 > 6500);  // 75% of 10,500 is 7,875
  CHECK(accented_names > 2000);
}

TEST_CASE("roster sample_20 has two invalid rows", "[examples]") {
  const std::vector<Row> rows = parse_roster(read_file(kRosterDir + "sample_20.csv"));
  REQUIRE(rows.size() == 20);

  std::vector<std::string> invalid;
  for (const Row& row : rows) {
    if (to_e164(row.phone).empty()) invalid.push_back(row.id + " phone");
    if (!parse_birth(row.birth)) invalid.push_back(row.id + " birth");
  }
  CHECK(invalid == std::vector<std::string>{"R000007 phone", "R000015 birth"});
}
