// `vigie import` from the command line: the summary, import_report.csv,
// the stored snapshot and the exit statuses; and the same report from
// `vigie run`.

#include <catch2/catch.hpp>

#include "cli/run_vigie.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;
using vigie::testing::Result;
using vigie::testing::run_vigie;
using vigie::testing::write_temp;

// A Windows-1252 export (é as 0xE9) with every kind of problem. Phones are
// in fiction ranges: 01 99 (France), +44 20 7946 0xxx (United Kingdom).
const std::string kMessyRegister =
    "id;phone;last_name;first_name;birth;arrondissement\r\n"
    "R1;01 99 00 12 34;Martin;\"Ren\xE9\";02/05/1931;10\r\n"
    "R2;+33 (0)1 99 00 12 35;\"Durand\r\n(tutelle)\";Paul;1940-12-31;11\r\n"
    "R3;+44 20 7946 0123;Smith;John;02/05/31;12\r\n"
    "R1;01 99 00 12 36;Petit;Anne;02/05/1931;13\r\n"
    "R4;01 99;Leroy;Marc;02/05/1931;14\r\n"
    "R5;01 99 00 12 37;Moreau;Lise;02/05/24;15\r\n"
    "R6;01 99 00 12 38;Simon;;;16\r\n"
    "R7;01 99 00 12 39;Laurent;Jean;1930-01-01;dix\r\n";

// R2's quoted name spans lines 3 and 4, so R3 starts on line 5: row
// numbers are file lines.
const std::string kExpectedReport =
    "row,status,field,value,reason\n"
    "5,suspicious,phone,'+44 20 7946 0123,\"valid number of another country (GB, +44) in a "
    "register for region FR; check that it is meant\"\n"
    "6,rejected,id,R1,duplicate key 'R1': row 2 already has it; give each person a unique "
    "identifier\n"
    "7,rejected,phone,01 99,not a valid phone number for region FR\n"
    "8,rejected,birth,02/05/24,ambiguous two-digit year: both the 1900s and the 2000s give a date "
    "within 120 years before 2025-06-15; write the year with four digits\n"
    "9,rejected,birth,,missing required field 'birth'\n"
    "10,rejected,arrondissement,dix,not a whole number\n";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

// A fresh output folder under the temporary folder.
std::string fresh_out(const std::string& name) {
  const fs::path out = fs::temp_directory_path() / name;
  fs::remove_all(out);
  return out.string();
}

std::string import_command(const std::string& roster, const std::string& out) {
  return "import campaigns/canicule.vigie --roster " + roster +
         " --activate 2025-06-15T10:00 --out " + out;
}

}  // namespace

TEST_CASE("vigie import reports and stores a register", "[cli][import]") {
  const std::string roster = write_temp("vigie_import_messy.csv", kMessyRegister);
  const std::string out = fresh_out("vigie-cli-import");

  Result result = run_vigie(import_command(roster, out), true);

  CHECK(result.status == 0);
  CHECK(result.output.find("Import du registre / register import : canicule, source reflex") !=
        std::string::npos);
  CHECK(result.output.find("encodage / encoding : Windows-1252   séparateur / delimiter : ;") !=
        std::string::npos);
  CHECK(result.output.find("lignes lues / rows read : 8\n") != std::string::npos);
  CHECK(result.output.find("acceptées / accepted : 3   (hors public / outside audience : 0)") !=
        std::string::npos);
  CHECK(result.output.find("rejetées / rejected : 5\n") != std::string::npos);
  CHECK(result.output.find("douteuses / suspicious : 1\n") != std::string::npos);
  CHECK(result.output.find("enregistrées / stored : 3 dans / in sqlite3://db=" + out +
                           "/vigie.db") != std::string::npos);
  CHECK(result.output.find("encoding Windows-1252 (detected: line 2 is not valid UTF-8") !=
        std::string::npos);
  CHECK(result.output.find("the record on line 3 has a quoted field spanning several lines") !=
        std::string::npos);
  CHECK(read_file(out + "/import_report.csv") == kExpectedReport);
  CHECK(fs::exists(out + "/vigie.db"));
}

TEST_CASE("vigie import --check stores nothing", "[cli][import]") {
  const std::string messy = write_temp("vigie_import_check_messy.csv", kMessyRegister);
  const std::string out = fresh_out("vigie-cli-import-check");

  Result rejected = run_vigie(import_command(messy, out) + " --check", true);
  CHECK(rejected.status == 3);
  CHECK(rejected.output.find("vérification seule, rien n'est enregistré / check only, nothing "
                             "stored") != std::string::npos);
  CHECK(read_file(out + "/import_report.csv") == kExpectedReport);
  CHECK_FALSE(fs::exists(out + "/vigie.db"));

  // Suspicious rows alone do not fail a check.
  const std::string clean = write_temp("vigie_import_check_clean.csv",
                                       "id;phone;last_name;birth;arrondissement\n"
                                       "R1;+44 20 7946 0123;Smith;02/05/1931;10\n");
  Result suspicious = run_vigie(import_command(clean, out) + " --check", true);
  CHECK(suspicious.status == 0);
  CHECK(suspicious.output.find("douteuses / suspicious : 1\n") != std::string::npos);
}

TEST_CASE("vigie import exit statuses", "[cli][import]") {
  const std::string out = fresh_out("vigie-cli-import-status");
  const std::string broken = write_temp("vigie_import_broken.vigie",
                                        "campaign broken {\n  timezone \"Europe/Paris\"\n"
                                        "  hours nowhere\n}\n");
  struct Case {
    std::string arguments;
    int status;
    std::string message;
  };
  const Case cases[] = {
      {"import " + broken + " --roster examples/rosters/sample_20.csv --out " + out, 1, "error:"},
      {"import campaigns/canicule.vigie --roster /nonexistent/roster.csv --out " + out, 2,
       "vigie: cannot read /nonexistent/roster.csv for source 'reflex'; check the path given in "
       "the --roster option"},
      {"import campaigns/canicule.vigie --out " + out, 2,
       "vigie: no register to call: give --roster FILE.csv, or --config FILE with a `reflex` "
       "source"},
      {"import campaigns/canicule.vigie --roster examples/rosters/sample_20.csv --check "
       "--unknown",
       2, "--unknown"},
  };
  for (const Case& c : cases) {
    INFO(c.arguments);
    Result result = run_vigie(c.arguments);
    CHECK(result.status == c.status);
    CHECK(result.output.find(c.message) != std::string::npos);
  }
}

TEST_CASE("vigie run writes the same import report", "[cli][import]") {
  const std::string roster = write_temp("vigie_import_run.csv", kMessyRegister);
  const std::string out = fresh_out("vigie-cli-import-run");

  Result result = run_vigie("run campaigns/canicule.vigie --roster " + roster +
                                " --activate 2025-06-15T10:00 --quiet --out " + out,
                            true);

  CHECK(result.status == 0);
  CHECK(result.output.find("import_report.csv") != std::string::npos);
  CHECK(read_file(out + "/import_report.csv") == kExpectedReport);
}
