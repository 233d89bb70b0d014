// `vigie explain` run as an executable: text and JSON output, messages on
// stderr and exit statuses.

#include <catch2/catch.hpp>

#include "cli/run_vigie.hpp"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

using vigie::testing::Result;

Result run(const std::string& arguments, bool stdout_only = false) {
  return vigie::testing::run_vigie(arguments, stdout_only);
}

const std::string kHeatwave =
    "explain campaigns/canicule.vigie --answers 'alone=yes,visits=rarely,health=yes,"
    "symptoms=confusion' --field birth=1931-05-02 --today 2019-06-24";

}  // namespace

TEST_CASE("vigie explain prints the heatwave example", "[cli][explain]") {
  Result result = run(kHeatwave);
  INFO(result.output);
  REQUIRE(result.status == 0);
  const std::vector<std::string> lines = {
      "Campagne canicule — Plan canicule — niveau 3\n",
      "  réponses / answers : alone = yes, visits = rarely, health = yes, symptoms = [confusion]\n",
      "  let frail = true   # age(birth) >= 85 or count(symptoms) >= 2\n",
      "    symptoms has confusion   vrai / true         +5\n",
      "    cool_room == no          faux / false        +0\n",
      "  score risk = 15\n",
      "  route urgence « Cellule d'urgence » : déclenchée / fires\n",
      "    when risk >= 8 or symptoms has confusion : vrai / true\n",
      // cool_room is unanswered, so the completed call counts as partial.
      "  questionnaire : incomplet / incomplete, sans réponse / unanswered : cool_room\n",
      "  issue retenue / outcome used : partial",
      "  utile / useful : non / no   # outcome == completed\n",
  };
  for (const std::string& line : lines) CHECK(result.output.find(line) != std::string::npos);
}

TEST_CASE("vigie explain --json prints only JSON on stdout", "[cli][explain]") {
  Result result = run(kHeatwave + " --json", /*stdout_only=*/true);
  INFO(result.output);
  REQUIRE(result.status == 0);
  nlohmann::json j = nlohmann::json::parse(result.output);
  CHECK(j["campaign"] == "canicule");
  CHECK(j["scores"][0]["name"] == "risk");
  CHECK(j["scores"][0]["total"] == 15);
  CHECK(j["lets"][0]["value"] == true);
  CHECK(j["routes"][0]["name"] == "urgence");
  CHECK(j["routes"][0]["fires"] == true);
  CHECK(j["routes"][1]["fires"] == false);
  CHECK(j["outcome"] == "partial");
  CHECK(j["useful"]["value"] == false);
}

TEST_CASE("vigie explain names discarded answers", "[cli][explain]") {
  Result result =
      run("explain --answers 'alone=yes,visits=daily,health=no,symptoms=fatigue,cool_room=yes' "
          "--outcome unreachable --today 24/06/2019 campaigns/canicule.vigie");
  INFO(result.output);
  REQUIRE(result.status == 0);
  CHECK(result.output.find("réponse écartée / discarded answer : symptoms (condition fausse / "
                           "condition does not hold : if health == yes)") != std::string::npos);
  CHECK(result.output.find("route visite « Visite à domicile » : déclenchée / fires") !=
        std::string::npos);
}

TEST_CASE("vigie explain exit statuses and messages", "[cli][explain]") {
  auto bad = std::filesystem::temp_directory_path() / "vigie-explain-bad.vigie";
  std::ofstream(bad) << "campaign c {\n  timezone \"Europe/Pariss\"\n}\n";

  struct Case {
    std::string arguments;
    int status;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"explain campaigns/canicule.vigie --answers visits=sometimes", 2,
       "vigie: invalid answer 'sometimes' to question 'visits'; options are daily, weekly, "
       "rarely\n"},
      {"explain campaigns/canicule.vigie --answers vists=daily", 2,
       "vigie: unknown question 'vists' in --answers; did you mean 'visits'?\n"},
      {"explain campaigns/canicule.vigie --answers temp=60", 2,
       "vigie: answer 60 to question 'temp' is outside its range 10..45; give a number from 10 to "
       "45\n"},
      {"explain campaigns/canicule.vigie --field birth=31/02/1931", 2,
       "vigie: invalid value '31/02/1931' for field 'birth' (date): not a valid date; expected "
       "dd/mm/yyyy or yyyy-mm-dd\n"},
      {"explain campaigns/canicule.vigie --field arrondisement=12", 2,
       "vigie: unknown field 'arrondisement' in --field; did you mean 'arrondissement'?\n"},
      {"explain campaigns/canicule.vigie --today tomorrow", 2,
       "vigie: invalid --today 'tomorrow': not a valid date; expected dd/mm/yyyy or yyyy-mm-dd\n"},
      {"explain campaigns/canicule.vigie --outcome absent", 2,
       "vigie: unknown outcome 'absent' in --outcome; outcomes are completed, partial, "
       "no_answer, busy, voicemail, failed, callback, wrong_number, refused, deceased, "
       "unreachable, away, hospitalized\n"},
      {"explain campaigns/canicule.vigie --attempts -1", 2,
       "vigie: invalid --attempts -1; give 0 or more\n"},
      {"explain campaigns/canicule.vigie --campaign canicul", 2,
       "vigie: no campaign named 'canicul' in campaigns/canicule.vigie (it declares canicule); "
       "did you mean 'canicule'?\n"},
      {"explain /nonexistent/campaign.vigie", 2,
       "vigie: cannot read /nonexistent/campaign.vigie: no such file; check the path\n"},
      {"explain campaigns/canicule.vigie --no-such-option", 2, "--no-such-option"},
      {"explain " + bad.string(), 1, bad.string() + ":2:"},
  };
  for (const Case& c : cases) {
    Result result = run(c.arguments);
    INFO("vigie " << c.arguments << "\n" << result.output);
    CHECK(result.status == c.status);
    CHECK(result.output.find(c.message) != std::string::npos);
  }

  // Messages go to stderr: stdout stays empty on errors.
  Result quiet = run("explain campaigns/canicule.vigie --answers alone=oui", /*stdout_only=*/true);
  CHECK(quiet.status == 2);
  CHECK(quiet.output.empty());
  std::filesystem::remove(bad);
}
