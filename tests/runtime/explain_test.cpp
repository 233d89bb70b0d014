// `vigie explain`: inputs checked against the campaign, every rule's value
// kept, and the text and JSON output.

#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "check/compiler.hpp"
#include "runtime/explain.hpp"

using namespace vigie;

namespace {

// The heatwave example of the language reference, plus fields of every type,
// a decimal question, a rule over two lines and a text with accents.
const char* kCampaign = R"vigie(campaign canicule {
  title "Plan canicule — niveau 3"
  timezone "Europe/Paris"
  source reflex {
    id          text key
    phone       phone
    birth       date
    district    int optional
    income      decimal optional
    lives_alone bool optional
    tz          text optional
  }
  timezone from tz
  hours { mon-fri 09:00-19:00 }
  retry {
    attempts 4 within 48h
    otherwise after 2h
  }
  script {
    say intro "Bonjour"
    ask alone "Vivez-vous seul(e) ?" yes_no
    ask visits "Visites ?" choice {
      daily  "Tous les jours"
      weekly "Au moins une fois par semaine"
      rarely "Rarement ou jamais"
    }
    ask health "Problèmes de santé ?" yes_no
    ask symptoms "Lesquels ?" multi {
      fatigue   "Fatigue inhabituelle"
      cramps    "Crampes"
      confusion "Confusion"
    } if health == yes
    ask temp "Température (°C)" number 10..45 optional
    ask water "Litres d'eau par jour" number 0.0..6.0 optional
  }

  let frail = age(birth) >= 85 or count(symptoms) >= 2
  let tag = lives_alone == true ? "isolé·e" : "entouré·e"
  let years = age(birth)

  score risk {
    alone == yes           => 3
    visits == rarely       => 2
    health == yes          => 3
    symptoms has confusion => 5
    frail                  => 2
  }
  score heat {
    temp >= 30 and    # a hot home
      lives_alone == true => 4
    water < 1.5            => 1.5
  }

  route urgence "Cellule d'urgence" {
    when risk >= 8 or symptoms has confusion
    notify cellule_urgence within 1h
  }
  route social "Suivi social (CASVP)" {
    when risk >= 5 and not urgence
    notify casvp within 24h
  }
  route visite "Visite à domicile" {
    when outcome == unreachable
    notify equipe_visites within 4h
  }

  useful when outcome == completed and answered(alone)
}
campaign grand_froid {
  timezone "Europe/Paris"
  source reflex { id text key }
  hours { mon-fri 09:00-19:00 }
  retry {
    attempts 1 within 24h
    otherwise after 1h
  }
}
)vigie";

// 2019-06-24T22:30:00Z: still the 24th in Martinique (UTC-4) but already
// the 25th in Paris (UTC+2), so the zone decides the day.
constexpr std::int64_t kLateEveningUtc = 1561415400;

struct Compiled {
  common::SourceManager sources;
  common::Diagnostics diagnostics;
  ir::Module module;
};

Compiled& compiled_module() {
  static Compiled compiled = [] {
    Compiled c;
    c.module = check::compile_text("explain.vigie", kCampaign, c.sources, c.diagnostics);
    return c;
  }();
  return compiled;
}

struct Fixture {
  Fixture()
      : module(compiled_module()), campaign(module.module.campaigns.at(0)), compiled(campaign) {
    REQUIRE_FALSE(module.diagnostics.has_errors());
  }

  runtime::Explanation explain(runtime::ExplainInputs inputs) const {
    if (inputs.now == common::Instant{})
      inputs.now = common::Instant(common::Seconds(kLateEveningUtc));
    return runtime::explain(campaign, compiled, module.sources, inputs);
  }

  Compiled& module;
  const ir::Campaign& campaign;
  eval::CompiledCampaign compiled;
};

runtime::ExplainInputs heatwave_inputs() {
  runtime::ExplainInputs inputs;
  inputs.answers = {"alone=yes,visits=rarely,health=yes,symptoms=confusion"};
  inputs.fields = {"birth=1931-05-02"};
  inputs.today = "2019-06-24";
  return inputs;
}

const runtime::ScoreLine& score_named(const runtime::Explanation& e, const std::string& name) {
  for (const runtime::ScoreLine& score : e.scores) {
    if (score.name == name) return score;
  }
  FAIL("no score " << name);
  throw std::logic_error("unreachable");
}

const runtime::RouteLine& route_named(const runtime::Explanation& e, const std::string& name) {
  for (const runtime::RouteLine& route : e.routes) {
    if (route.name == name) return route;
  }
  FAIL("no route " << name);
  throw std::logic_error("unreachable");
}

const runtime::LetLine& let_named(const runtime::Explanation& e, const std::string& name) {
  for (const runtime::LetLine& let : e.lets) {
    if (let.name == name) return let;
  }
  FAIL("no let " << name);
  throw std::logic_error("unreachable");
}

std::vector<std::string> fired_routes(const runtime::Explanation& e) {
  std::vector<std::string> fired;
  for (const runtime::RouteLine& route : e.routes) {
    if (route.fires) fired.push_back(route.name);
  }
  return fired;
}

bool is_true(const common::Value& value) {
  return value.kind == common::ValueKind::boolean && value.boolean;
}

std::string text_of(const runtime::Explanation& e) {
  std::ostringstream out;
  runtime::print_explanation(out, e);
  return out.str();
}

nlohmann::json json_of(const runtime::Explanation& e) {
  std::ostringstream out;
  runtime::print_explanation_json(out, e);
  return nlohmann::json::parse(out.str());
}

}  // namespace

TEST_CASE("explain heatwave example scores 15", "[runtime][explain]") {
  Fixture f;
  runtime::Explanation e = f.explain(heatwave_inputs());

  const runtime::ScoreLine& risk = score_named(e, "risk");
  CHECK(risk.total.value.kind == common::ValueKind::integer);
  CHECK(risk.total.value.integer == 15);
  REQUIRE(risk.rules.size() == 5);
  const std::vector<std::string> conditions = {"alone == yes", "visits == rarely", "health == yes",
                                               "symptoms has confusion", "frail"};
  const std::vector<std::int64_t> points = {3, 2, 3, 5, 2};
  for (std::size_t i = 0; i < risk.rules.size(); ++i) {
    INFO("rule " << i);
    CHECK(risk.rules[i].condition == conditions[i]);
    CHECK(is_true(risk.rules[i].held.value));
    CHECK(risk.rules[i].points.value.integer == points[i]);
  }

  CHECK(is_true(let_named(e, "frail").value.value));
  CHECK(let_named(e, "frail").expression == "age(birth) >= 85 or count(symptoms) >= 2");
  CHECK(fired_routes(e) == std::vector<std::string>{"urgence"});
  CHECK(is_true(route_named(e, "urgence").held.value));
  CHECK(route_named(e, "urgence").when == "risk >= 8 or symptoms has confusion");
  CHECK(route_named(e, "social").held.value.kind == common::ValueKind::boolean);
  CHECK_FALSE(route_named(e, "social").held.value.boolean);
  CHECK(e.discarded.empty());
  CHECK(e.complete);
  CHECK(e.outcome == ir::kCompleted);
  CHECK(e.useful);
  CHECK(e.useful_when == "outcome == completed and answered(alone)");
}

TEST_CASE("explain rules that do not hold add no points", "[runtime][explain]") {
  Fixture f;
  runtime::ExplainInputs inputs;
  inputs.answers = {"alone=no,visits=daily,health=no"};
  inputs.fields = {"birth=1950-01-01"};
  inputs.today = "2019-06-24";
  runtime::Explanation e = f.explain(inputs);

  const runtime::ScoreLine& risk = score_named(e, "risk");
  CHECK(risk.total.value.integer == 0);
  for (const runtime::RuleLine& rule : risk.rules) {
    INFO(rule.condition);
    CHECK_FALSE(is_true(rule.held.value));
    CHECK(rule.points.value.integer == 0);
  }
  CHECK(fired_routes(e).empty());
}

TEST_CASE("explain discards inapplicable answers", "[runtime][explain]") {
  Fixture f;
  runtime::ExplainInputs inputs;
  inputs.answers = {"alone=yes,visits=rarely,health=no,symptoms=confusion|fatigue"};
  inputs.today = "2019-06-24";
  runtime::Explanation e = f.explain(inputs);

  REQUIRE(e.discarded.size() == 1);
  CHECK(e.discarded[0].question == "symptoms");
  CHECK(e.discarded[0].condition == "health == yes");
  CHECK(score_named(e, "risk").total.value.integer == 5);
  CHECK(fired_routes(e) == std::vector<std::string>{"social"});
  CHECK_FALSE(is_true(let_named(e, "frail").value.value));

  // The answers are still listed as the command line gave them.
  REQUIRE(e.answers.size() == 4);
  CHECK(e.answers[3].name == "symptoms");
  CHECK(e.answers[3].value.value.bits == 0b101);

  std::string text = text_of(e);
  CHECK(text.find("réponse écartée / discarded answer : symptoms") != std::string::npos);
  CHECK(text.find("if health == yes") != std::string::npos);
}

TEST_CASE("explain downgrades incomplete completed call", "[runtime][explain]") {
  Fixture f;
  runtime::ExplainInputs inputs;
  inputs.answers = {"alone=yes,health=yes"};
  inputs.today = "2019-06-24";
  runtime::Explanation e = f.explain(inputs);

  CHECK_FALSE(e.complete);
  CHECK(e.unanswered == std::vector<std::string>{"visits", "symptoms"});
  CHECK(e.requested_outcome == ir::kCompleted);
  CHECK(e.outcome == ir::kPartial);
  CHECK_FALSE(e.useful);
  CHECK(text_of(e).find("issue retenue / outcome used : partial") != std::string::npos);
}

TEST_CASE("explain unreachable fires home visit", "[runtime][explain]") {
  Fixture f;
  runtime::ExplainInputs inputs;
  inputs.outcome = "unreachable";
  inputs.attempts = 4;
  inputs.cycle = 2;
  runtime::Explanation e = f.explain(inputs);

  CHECK(e.outcome == ir::kUnreachable);
  CHECK(e.attempts == 4);
  CHECK(e.cycle == 2);
  CHECK(fired_routes(e) == std::vector<std::string>{"visite"});
  CHECK_FALSE(e.useful);
}

TEST_CASE("explain reads field types and numbers", "[runtime][explain]") {
  Fixture f;
  runtime::ExplainInputs inputs;
  inputs.answers = {"temp=31, water=1,25", "alone=yes"};
  inputs.fields = {"phone=01 42 76 40 40", "birth=02/05/1931", "district=12",
                   "income=1250,50",       "lives_alone=oui",  "id=A-1"};
  inputs.today = "24/06/2019";
  runtime::Explanation e = f.explain(inputs);

  REQUIRE(e.fields.size() == 6);
  // Fields are listed in source order, whatever the order given.
  CHECK(e.fields[0].name == "id");
  CHECK(e.fields[0].value.value.text == "A-1");
  CHECK(e.fields[1].value.value.text == "01 42 76 40 40");
  CHECK(e.fields[2].value.value.kind == common::ValueKind::date);
  CHECK(e.fields[3].value.value.integer == 12);
  CHECK(e.fields[4].value.value.decimal == Approx(1250.5));
  CHECK(e.fields[5].value.value.boolean);

  const runtime::ScoreLine& heat = score_named(e, "heat");
  CHECK(heat.total.value.kind == common::ValueKind::decimal);
  CHECK(heat.total.value.decimal == Approx(5.5));
  CHECK(is_true(let_named(e, "frail").value.value));
  CHECK(let_named(e, "tag").value.value.text == "isolé·e");
}

TEST_CASE("explain rule text spans lines and code points", "[runtime][explain]") {
  Fixture f;
  runtime::Explanation e = f.explain({});

  const runtime::ScoreLine& heat = score_named(e, "heat");
  REQUIRE(heat.rules.size() == 2);
  CHECK(heat.rules[0].condition == "temp >= 30 and lives_alone == true");
  CHECK(heat.rules[1].condition == "water < 1.5");
  CHECK(let_named(e, "tag").expression == "lives_alone == true ? \"isolé·e\" : \"entouré·e\"");
  // Missing answers make conditions false, not missing.
  CHECK(heat.rules[1].held.value.kind == common::ValueKind::boolean);
}

TEST_CASE("explain today defaults to contact zone", "[runtime][explain]") {
  Fixture f;
  struct Case {
    std::vector<std::string> fields;
    std::string today;
  };
  const std::vector<Case> cases = {
      {{}, "2019-06-25"},                         // Paris, UTC+2
      {{"tz=America/Martinique"}, "2019-06-24"},  // UTC-4
      {{"tz=Nowhere/Unknown"}, "2019-06-25"},     // unknown: the campaign's zone
  };
  for (const Case& c : cases) {
    runtime::ExplainInputs inputs;
    inputs.fields = c.fields;
    runtime::Explanation e = f.explain(inputs);
    INFO(c.today);
    CHECK(json_of(e)["inputs"]["today"] == c.today);
  }
}

TEST_CASE("explain rejects inputs with a message", "[runtime][explain]") {
  Fixture f;
  struct Case {
    std::vector<std::string> answers;
    std::vector<std::string> fields;
    std::optional<std::string> today;
    std::optional<std::string> outcome;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"vists=rarely"},
       {},
       {},
       {},
       "unknown question 'vists' in --answers; did you mean 'visits'?"},
      {{"zzz=1"},
       {},
       {},
       {},
       "unknown question 'zzz' in --answers; questions are alone, visits, health, symptoms, temp, "
       "water"},
      {{"intro=x"},
       {},
       {},
       {},
       "'intro' is a `say` step, which takes no answer; remove it from --answers"},
      {{"visits=sometimes"},
       {},
       {},
       {},
       "invalid answer 'sometimes' to question 'visits'; options are daily, weekly, rarely"},
      {{"visits=rarley"},
       {},
       {},
       {},
       "invalid answer 'rarley' to question 'visits'; options are daily, weekly, rarely; did you "
       "mean 'rarely'?"},
      {{"alone=oui"}, {}, {}, {}, "invalid answer 'oui' to question 'alone'; options are yes, no"},
      {{"visits=daily|weekly"},
       {},
       {},
       {},
       "question 'visits' takes one option, not 'daily|weekly'; options are daily, weekly, rarely"},
      {{"symptoms=confusion|headache"},
       {},
       {},
       {},
       "invalid answer 'headache' to question 'symptoms'; options are fatigue, cramps, confusion; "
       "join several with |"},
      {{"symptoms=confusion,fatigue"},
       {},
       {},
       {},
       "'fatigue' in --answers has no value; write NAME=VALUE, as in "
       "alone=yes,symptoms=confusion|fatigue (options of a multi question are joined by |)"},
      {{"alone="},
       {},
       {},
       {},
       "question 'alone' has an empty answer; write one of yes, no, or leave the question out"},
      {{"alone=yes", "alone=no"},
       {},
       {},
       {},
       "question 'alone' is answered twice in --answers; keep one answer"},
      {{"=yes"},
       {},
       {},
       {},
       "'=yes' in --answers has no name before '='; write NAME=VALUE, as in "
       "alone=yes,symptoms=confusion|fatigue (options of a multi question are joined by |)"},
      {{"temp=50"},
       {},
       {},
       {},
       "answer 50 to question 'temp' is outside its range 10..45; give a number from 10 to 45"},
      {{"temp=abc"},
       {},
       {},
       {},
       "invalid answer 'abc' to question 'temp': not a number; write a number from 10 to 45, with "
       "a "
       "decimal point or comma"},
      {{"temp=31,5"},
       {},
       {},
       {},
       "answer 31,5 to question 'temp' must be a whole number because its range 10..45 has no "
       "decimal point; round it"},
      {{"water=6.5"},
       {},
       {},
       {},
       "answer 6.5 to question 'water' is outside its range 0..6; give a number from 0 to 6"},
      {{}, {"brith=1931-05-02"}, {}, {}, "unknown field 'brith' in --field; did you mean 'birth'?"},
      {{},
       {"zzz=1"},
       {},
       {},
       "unknown field 'zzz' in --field; fields are id, phone, birth, district, income, "
       "lives_alone, "
       "tz"},
      {{},
       {"birth=1931-13-02"},
       {},
       {},
       "invalid value '1931-13-02' for field 'birth' (date): not a valid date; expected dd/mm/yyyy "
       "or yyyy-mm-dd"},
      {{},
       {"district=douze"},
       {},
       {},
       "invalid value 'douze' for field 'district' (int): not a whole number; write digits, as in "
       "12"},
      {{},
       {"income=1.250,50"},
       {},
       {},
       "invalid value '1.250,50' for field 'income' (decimal): not a decimal number; write 3.5 or "
       "3,5"},
      {{},
       {"lives_alone=peut-être"},
       {},
       {},
       "invalid value 'peut-être' for field 'lives_alone' (bool): not a yes/no value; write "
       "oui/non, yes/no, true/false or 1/0"},
      {{},
       {"birth"},
       {},
       {},
       "'birth' in --field has no value; write NAME=VALUE, as in birth=1931-05-02"},
      {{},
       {"birth="},
       {},
       {},
       "field 'birth' has an empty value in --field; give a date value, or leave the field out"},
      {{},
       {"district=1", "district=2"},
       {},
       {},
       "field 'district' is given twice in --field; keep one"},
      {{},
       {},
       std::string("2019-02-30"),
       {},
       "invalid --today '2019-02-30': not a valid date; expected dd/mm/yyyy or yyyy-mm-dd"},
      {{},
       {},
       {},
       std::string("unreachabel"),
       "unknown outcome 'unreachabel' in --outcome; did you mean 'unreachable'?"},
  };
  for (const Case& c : cases) {
    runtime::ExplainInputs inputs;
    inputs.answers = c.answers;
    inputs.fields = c.fields;
    inputs.today = c.today;
    inputs.outcome = c.outcome;
    INFO(c.message);
    CHECK_THROWS_MATCHES(f.explain(inputs), runtime::ExplainError,
                         Catch::Matchers::Message(c.message));
  }
}

TEST_CASE("explain rejects attempts and cycle range", "[runtime][explain]") {
  Fixture f;
  runtime::ExplainInputs attempts;
  attempts.attempts = -1;
  CHECK_THROWS_MATCHES(f.explain(attempts), runtime::ExplainError,
                       Catch::Matchers::Message("invalid --attempts -1; give 0 or more"));
  runtime::ExplainInputs cycle;
  cycle.cycle = 0;
  CHECK_THROWS_MATCHES(f.explain(cycle), runtime::ExplainError,
                       Catch::Matchers::Message("invalid --cycle 0; give 1 or more"));
}

TEST_CASE("explain selects the campaign by name", "[runtime][explain]") {
  const ir::Module& module = compiled_module().module;
  CHECK(runtime::select_campaign(module, "f.vigie", std::string("grand_froid")).name ==
        "grand_froid");
  CHECK_THROWS_MATCHES(
      runtime::select_campaign(module, "f.vigie", std::nullopt), runtime::ExplainError,
      Catch::Matchers::Message(
          "f.vigie declares several campaigns (canicule, grand_froid); choose one with --campaign "
          "NAME"));
  CHECK_THROWS_MATCHES(runtime::select_campaign(module, "f.vigie", std::string("canicul")),
                       runtime::ExplainError,
                       Catch::Matchers::Message("no campaign named 'canicul' in f.vigie (it "
                                                "declares canicule, grand_froid); did you mean "
                                                "'canicule'?"));
  CHECK_THROWS_MATCHES(runtime::select_campaign(ir::Module{}, "f.vigie", std::nullopt),
                       runtime::ExplainError,
                       Catch::Matchers::Message(
                           "f.vigie declares no campaign; add a `campaign NAME { ... }` block"));
}

TEST_CASE("explain text lists rules and routes", "[runtime][explain]") {
  Fixture f;
  std::string text = text_of(f.explain(heatwave_inputs()));
  INFO(text);

  const std::vector<std::string> lines = {
      "Campagne canicule — Plan canicule — niveau 3\n",
      "  date / today : 2019-06-24   issue / outcome : completed   appels / attempts : 0   cycle : "
      "1\n",
      "  champs / fields : birth = 1931-05-02\n",
      "  réponses / answers : alone = yes, visits = rarely, health = yes, symptoms = [confusion]\n",
      "  questionnaire : complet / complete\n",
      "  let frail = true   # age(birth) >= 85 or count(symptoms) >= 2\n",
      "  score risk\n",
      "    alone == yes             vrai / true         +3\n",
      "    symptoms has confusion   vrai / true         +5\n",
      "  score risk = 15\n",
      "    temp >= 30 and lives_alone == true   faux / false        +0\n",
      "  score heat = 0\n",
      "  route urgence « Cellule d'urgence » : déclenchée / fires\n",
      "    when risk >= 8 or symptoms has confusion : vrai / true\n",
      "  route social « Suivi social (CASVP) » : non déclenchée / does not fire\n",
      "  utile / useful : oui / yes   # outcome == completed and answered(alone)\n",
  };
  for (const std::string& line : lines) CHECK(text.find(line) != std::string::npos);
  CHECK(text.find("écartée") == std::string::npos);
}

TEST_CASE("explain JSON holds typed values", "[runtime][explain]") {
  Fixture f;
  runtime::ExplainInputs inputs = heatwave_inputs();
  inputs.answers.push_back("water=2,5");
  nlohmann::json j = json_of(f.explain(inputs));

  CHECK(j["campaign"] == "canicule");
  CHECK(j["inputs"]["today"] == "2019-06-24");
  CHECK(j["inputs"]["outcome"] == "completed");
  CHECK(j["inputs"]["fields"]["birth"] == "1931-05-02");
  CHECK(j["inputs"]["answers"]["alone"] == "yes");
  CHECK(j["inputs"]["answers"]["symptoms"] == nlohmann::json::array({"confusion"}));
  CHECK(j["inputs"]["answers"]["water"] == 2.5);
  CHECK(j["discarded_answers"].empty());
  CHECK(j["questionnaire"]["complete"] == true);
  CHECK(j["outcome"] == "completed");
  CHECK(j["lets"][0]["name"] == "frail");
  CHECK(j["lets"][0]["value"] == true);
  CHECK(j["lets"][1]["value"] == "entouré·e");
  CHECK(j["scores"][0]["name"] == "risk");
  CHECK(j["scores"][0]["total"] == 15);
  CHECK(j["scores"][0]["rules"][3]["condition"] == "symptoms has confusion");
  CHECK(j["scores"][0]["rules"][3]["held"] == true);
  CHECK(j["scores"][0]["rules"][3]["points"] == 5);
  CHECK(j["scores"][1]["total"] == 0.0);
  CHECK(j["routes"][0]["name"] == "urgence");
  CHECK(j["routes"][0]["fires"] == true);
  CHECK(j["routes"][0]["notify"] == "cellule_urgence");
  CHECK(j["routes"][0]["within_s"] == 3600);
  CHECK(j["routes"][1]["held"] == false);
  CHECK(j["useful"]["value"] == true);
}

TEST_CASE("explain JSON shows missing as null", "[runtime][explain]") {
  Fixture f;
  runtime::ExplainInputs inputs;
  inputs.answers = {"alone=yes,health=no,symptoms=fatigue"};
  nlohmann::json j = json_of(f.explain(inputs));

  CHECK(j["discarded_answers"][0]["question"] == "symptoms");
  CHECK(j["questionnaire"]["unanswered"] == nlohmann::json::array({"visits"}));
  CHECK(j["outcome"] == "partial");
  CHECK(j["inputs"]["outcome"] == "completed");
  CHECK(j["inputs"]["fields"].empty());
  CHECK(j["lets"][2]["name"] == "years");
  CHECK(j["lets"][2]["value"].is_null());
}
