#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "parse_helpers.hpp"

using namespace vigie;
using namespace vigie::parse::test;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

constexpr int kHour = 3600;

// The campaign assembled from every example of the language specification.
const std::string kExamplePath = "tests/parse/canicule.vigie";

}  // namespace

TEST_CASE("example campaign parses without diagnostics", "[parse][example]") {
  std::string text = read_file(kExamplePath);
  REQUIRE_FALSE(text.empty());
  auto parsed = parse_text(text, kExamplePath);

  CHECK(formatted_diagnostics(*parsed) == "");
  const ast::File& file = parsed->file;
  CHECK(file.path == kExamplePath);
  CHECK(file.imports.size() == 1);
  CHECK(file.hours.size() == 2);
  CHECK(file.calendars.size() == 1);
  CHECK(file.retries.size() == 1);
  CHECK(file.campaigns.size() == 1);
}

TEST_CASE("import keeps its path and range", "[parse][decl]") {
  auto parsed = parse_text("import \"common/paris.vigie\"  # shared hours\n");
  REQUIRE(parsed->diagnostics.empty());
  REQUIRE(parsed->file.imports.size() == 1);
  const ast::Import& import = parsed->file.imports[0];
  CHECK(import.path.value == "common/paris.vigie");
  CHECK(range_text(import.path.range) == "1:8-1:28");
  CHECK(range_text(import.range) == "1:1-1:28");
}

TEST_CASE("hours lines decode selectors and intervals", "[parse][decl]") {
  auto parsed = parse_text(
      "hours h {\n"
      "  mon-fri 09:00-12:30, 14:00-19:00\n"
      "  sat 10:00-24:00\n"
      "  sun closed\n"
      "  holiday 10:00-19:00\n"
      "  2019-12-24 09:00-16:00\n"
      "}\n");
  REQUIRE(formatted_diagnostics(*parsed) == "");
  REQUIRE(parsed->file.hours.size() == 1);
  const ast::HoursDecl& hours = parsed->file.hours[0];
  CHECK(hours.name.name == "h");
  CHECK(range_text(hours.range) == "1:1-7:2");
  const auto& lines = hours.body.lines;
  REQUIRE(lines.size() == 5);

  CHECK(lines[0].kind == ast::HoursLine::Kind::weekdays);
  CHECK(lines[0].first_weekday == 0);
  CHECK(lines[0].last_weekday == 4);
  CHECK_FALSE(lines[0].closed);
  REQUIRE(lines[0].intervals.size() == 2);
  CHECK(lines[0].intervals[0].start.seconds == 9 * kHour);
  CHECK(lines[0].intervals[0].end.seconds == 12 * kHour + 30 * 60);
  CHECK(lines[0].intervals[1].start.seconds == 14 * kHour);
  CHECK(lines[0].intervals[1].end.seconds == 19 * kHour);
  CHECK(range_text(lines[0].range) == "2:3-2:35");
  CHECK(range_text(lines[0].selector_range) == "2:3-2:10");
  CHECK(range_text(lines[0].intervals[1].range) == "2:24-2:35");
  CHECK(range_text(lines[0].intervals[1].end.range) == "2:30-2:35");

  CHECK(lines[1].first_weekday == 5);
  CHECK(lines[1].last_weekday == 5);
  CHECK(lines[1].intervals.at(0).end.seconds == 24 * kHour);

  CHECK(lines[2].first_weekday == 6);
  CHECK(lines[2].closed);
  CHECK(lines[2].intervals.empty());

  CHECK(lines[3].kind == ast::HoursLine::Kind::holiday);
  CHECK(range_text(lines[3].selector_range) == "5:3-5:10");

  CHECK(lines[4].kind == ast::HoursLine::Kind::date);
  CHECK(lines[4].date.year == 2019);
  CHECK(lines[4].date.month == 12);
  CHECK(lines[4].date.day == 24);
  CHECK(lines[4].intervals.at(0).end.seconds == 16 * kHour);
}

TEST_CASE("calendar keeps base and entries", "[parse][decl]") {
  auto parsed = parse_text(
      "calendar paris_2024 {\n"
      "  base fr_metropole\n"
      "  add 2024-07-26 \"Cérémonie d'ouverture\"\n"
      "  remove 2024-05-20\n"
      "}\n");
  REQUIRE(formatted_diagnostics(*parsed) == "");
  const ast::CalendarDecl& calendar = parsed->file.calendars.at(0);
  CHECK(calendar.name.name == "paris_2024");
  REQUIRE(calendar.base);
  CHECK(calendar.base->name == "fr_metropole");
  REQUIRE(calendar.entries.size() == 2);
  CHECK(calendar.entries[0].add);
  CHECK(calendar.entries[0].date.month == 7);
  REQUIRE(calendar.entries[0].label);
  CHECK(calendar.entries[0].label->value == "Cérémonie d'ouverture");
  CHECK(range_text(calendar.entries[0].range) == "3:3-3:41");
  CHECK_FALSE(calendar.entries[1].add);
  CHECK(calendar.entries[1].date.day == 20);
  CHECK_FALSE(calendar.entries[1].label);
}

TEST_CASE("retry block keeps cap, window and rules", "[parse][decl]") {
  auto parsed = parse_text(
      "retry standard_48h {\n"
      "  attempts 4 within 48h\n"
      "  on no_answer after 2h\n"
      "  on refused stop\n"
      "  otherwise after 2h30m\n"
      "}\n"
      "retry strict { otherwise stop }\n");
  REQUIRE(formatted_diagnostics(*parsed) == "");
  REQUIRE(parsed->file.retries.size() == 2);
  const ast::RetryBlock& body = parsed->file.retries[0].body;
  CHECK(body.attempts == 4);
  CHECK(range_text(body.attempts_range) == "2:3-2:24");
  REQUIRE(body.within);
  CHECK(body.within->seconds == 48 * kHour);
  REQUIRE(body.rules.size() == 3);

  CHECK_FALSE(body.rules[0].otherwise);
  CHECK(body.rules[0].disposition.name == "no_answer");
  CHECK_FALSE(body.rules[0].stop);
  CHECK(body.rules[0].after->seconds == 2 * kHour);

  CHECK(body.rules[1].disposition.name == "refused");
  CHECK(body.rules[1].stop);
  CHECK_FALSE(body.rules[1].after);

  CHECK(body.rules[2].otherwise);
  CHECK(body.rules[2].disposition.name == "");
  CHECK(body.rules[2].after->seconds == 2 * kHour + 30 * 60);
  CHECK(range_text(body.rules[2].range) == "5:3-5:24");

  const ast::RetryBlock& strict = parsed->file.retries[1].body;
  CHECK_FALSE(strict.attempts);
  REQUIRE(strict.rules.size() == 1);
  CHECK(strict.rules[0].otherwise);
  CHECK(strict.rules[0].stop);
}

TEST_CASE("example campaign settings clauses", "[parse][campaign]") {
  auto parsed = parse_text(read_file(kExamplePath), kExamplePath);
  REQUIRE(parsed->diagnostics.empty());
  const ast::CampaignDecl& campaign = parsed->file.campaigns.at(0);

  CHECK(campaign.name.name == "canicule");
  REQUIRE(campaign.title);
  CHECK(campaign.title->value.value == "Plan canicule — niveau 3");
  REQUIRE(campaign.timezone);
  CHECK(campaign.timezone->value.value == "Europe/Paris");
  REQUIRE(campaign.timezone_from);
  CHECK(campaign.timezone_from->name.name == "tz");
  REQUIRE(campaign.calendar);
  CHECK(campaign.calendar->name.name == "fr_metropole");
  REQUIRE(campaign.audience);
  CHECK(sexpr(*campaign.audience->value) == "(>= (call age birth) int:65)");
  REQUIRE(campaign.priority);
  CHECK(sexpr(*campaign.priority->value) == "(+ (call age birth) (? lives_alone int:10 int:0))");
  REQUIRE(campaign.pricing);
  CHECK(campaign.pricing->name.name == "marche_2022");

  REQUIRE(campaign.source);
  const ast::SourceDecl& source = *campaign.source;
  CHECK(source.instance.name == "reflex");
  REQUIRE(source.fields.size() == 8);
  CHECK(source.fields[0].name.name == "id");
  CHECK(source.fields[0].type.name == "text");
  CHECK(source.fields[0].key);
  CHECK_FALSE(source.fields[0].optional);
  CHECK(source.fields[1].name.name == "phone");
  CHECK(source.fields[1].type.name == "phone");
  CHECK(source.fields[2].optional);
  CHECK_FALSE(source.fields[2].key);
  CHECK(source.fields[4].type.name == "date");
  CHECK(source.fields[6].name.name == "lives_alone");
  CHECK(source.fields[6].type.name == "bool");
  CHECK(source.fields[6].optional);
}

TEST_CASE("example campaign schedule clauses", "[parse][campaign]") {
  auto parsed = parse_text(read_file(kExamplePath), kExamplePath);
  REQUIRE(parsed->diagnostics.empty());
  const ast::CampaignDecl& campaign = parsed->file.campaigns.at(0);

  REQUIRE(campaign.trigger);
  CHECK(campaign.trigger->alert.value == "canicule");
  CHECK(campaign.trigger->comparison == ast::BinaryOp::ge);
  CHECK(campaign.trigger->level == 3);
  REQUIRE(campaign.start_within);
  CHECK(campaign.start_within->value.seconds == 4 * kHour);
  REQUIRE(campaign.recontact);
  CHECK(campaign.recontact->every.seconds == 48 * kHour);

  REQUIRE(campaign.hours);
  REQUIRE(std::holds_alternative<ast::NameClause>(*campaign.hours));
  CHECK(std::get<ast::NameClause>(*campaign.hours).name.name == "paris_hours");
  REQUIRE(campaign.retry);
  REQUIRE(std::holds_alternative<ast::NameClause>(*campaign.retry));
  CHECK(std::get<ast::NameClause>(*campaign.retry).name.name == "standard_48h");

  REQUIRE(campaign.dispositions.size() == 2);
  CHECK(campaign.dispositions[0].name.name == "away");
  REQUIRE(campaign.dispositions[0].label);
  CHECK(campaign.dispositions[0].label->value == "Absent(e) du domicile");
  CHECK(campaign.dispositions[0].final);
  CHECK(campaign.dispositions[1].name.name == "hospitalized");
}

TEST_CASE("example campaign script", "[parse][campaign]") {
  auto parsed = parse_text(read_file(kExamplePath), kExamplePath);
  REQUIRE(parsed->diagnostics.empty());
  REQUIRE(parsed->file.campaigns.at(0).script);
  const auto& steps = parsed->file.campaigns.at(0).script->steps;
  REQUIRE(steps.size() == 6);

  const auto& intro = std::get<ast::SayStep>(steps[0]);
  CHECK(intro.id.name == "intro");
  CHECK(intro.text.value == "Bonjour, je vous appelle de la part de la Ville de Paris…");

  const auto& alone = std::get<ast::AskStep>(steps[1]);
  CHECK(alone.id.name == "alone");
  CHECK(alone.kind == ast::QuestionKind::yes_no);
  CHECK(alone.options.empty());
  CHECK_FALSE(alone.condition);
  CHECK_FALSE(alone.optional);

  const auto& visits = std::get<ast::AskStep>(steps[2]);
  CHECK(visits.kind == ast::QuestionKind::choice);
  REQUIRE(visits.options.size() == 3);
  CHECK(visits.options[2].id.name == "rarely");
  CHECK(visits.options[2].label.value == "Rarement ou jamais");

  const auto& symptoms = std::get<ast::AskStep>(steps[4]);
  CHECK(symptoms.kind == ast::QuestionKind::multi);
  CHECK(symptoms.options.size() == 3);
  REQUIRE(symptoms.condition);
  CHECK(sexpr(*symptoms.condition) == "(== health yes)");

  const auto& temp = std::get<ast::AskStep>(steps[5]);
  CHECK(temp.kind == ast::QuestionKind::number);
  CHECK(temp.min.value == 10);
  CHECK(temp.max.value == 45);
  CHECK_FALSE(temp.min.has_decimal_point);
  CHECK(temp.optional);
  CHECK(temp.text.value == "Température dans le logement (°C)");
}

TEST_CASE("example campaign rules and tests", "[parse][campaign]") {
  auto parsed = parse_text(read_file(kExamplePath), kExamplePath);
  REQUIRE(parsed->diagnostics.empty());
  const ast::CampaignDecl& campaign = parsed->file.campaigns.at(0);

  REQUIRE(campaign.lets.size() == 1);
  CHECK(campaign.lets[0].name.name == "frail");
  CHECK(sexpr(*campaign.lets[0].value) ==
        "(or (>= (call age birth) int:85) (>= (call count symptoms) int:2))");

  REQUIRE(campaign.scores.size() == 1);
  const ast::ScoreDecl& risk = campaign.scores[0];
  CHECK(risk.name.name == "risk");
  REQUIRE(risk.rules.size() == 5);
  CHECK(sexpr(*risk.rules[3].condition) == "(has symptoms confusion)");
  CHECK(sexpr(*risk.rules[3].points) == "int:5");
  CHECK(sexpr(*risk.rules[4].condition) == "frail");

  REQUIRE(campaign.routes.size() == 3);
  const ast::RouteDecl& urgence = campaign.routes[0];
  CHECK(urgence.name.name == "urgence");
  REQUIRE(urgence.title);
  CHECK(urgence.title->value == "Cellule d'urgence");
  REQUIRE(urgence.when);
  CHECK(sexpr(*urgence.when) == "(or (>= risk int:8) (has symptoms confusion))");
  REQUIRE(urgence.notifier);
  CHECK(urgence.notifier->name == "cellule_urgence");
  CHECK(urgence.within->seconds == kHour);
  CHECK(sexpr(*campaign.routes[1].when) == "(and (>= risk int:5) (not urgence))");

  REQUIRE(campaign.useful);
  CHECK(sexpr(*campaign.useful->value) == "(== outcome completed)");
  REQUIRE(campaign.target);
  CHECK(campaign.target->metric.name == "useful_rate");
  CHECK(sexpr(*campaign.target->value) == "pct:0.65");

  REQUIRE(campaign.tests.size() == 2);
  const ast::TestDecl& urgent = campaign.tests[0];
  CHECK(urgent.name.value == "isolated person with confusion is urgent");
  REQUIRE(urgent.givens.size() == 6);
  CHECK(urgent.givens[3].name.name == "symptoms");
  CHECK(sexpr(*urgent.givens[3].value) == "[confusion]");
  CHECK(urgent.givens[4].name.name == "birth");
  CHECK(sexpr(*urgent.givens[4].value) == "date:1931-5-2");
  CHECK(urgent.givens[5].name.name == "today");
  REQUIRE(urgent.expects.size() == 3);
  CHECK(sexpr(*urgent.expects[0].condition) == "(== risk int:15)");
  CHECK(sexpr(*urgent.expects[1].condition) == "(== frail bool:true)");
  CHECK(sexpr(*urgent.expects[2].condition) == "(== routes [urgence])");
  CHECK(campaign.tests[1].givens.at(0).name.name == "outcome");
}

TEST_CASE("campaign accepts inline hours and retry blocks", "[parse][campaign]") {
  auto parsed = parse_text(
      "campaign c {\n"
      "  hours { mon-sun 08:00-20:00 }\n"
      "  retry { attempts 2 within 1d otherwise after 4h }\n"
      "  trigger alert \"crue\" level == 2\n"
      "  ask_nothing_yet_ok_after_this_line_is_not_a_clause\n"
      "}\n");
  // The last line is a deliberate syntax error: the blocks before it must
  // still be built.
  REQUIRE(parsed->diagnostics.error_count() == 1);
  const ast::CampaignDecl& campaign = parsed->file.campaigns.at(0);

  REQUIRE(campaign.hours);
  const auto& hours = std::get<ast::HoursBlock>(*campaign.hours);
  REQUIRE(hours.lines.size() == 1);
  CHECK(hours.lines[0].first_weekday == 0);
  CHECK(hours.lines[0].last_weekday == 6);
  CHECK(range_text(hours.range) == "2:9-2:32");

  REQUIRE(campaign.retry);
  const auto& retry = std::get<ast::RetryBlock>(*campaign.retry);
  CHECK(retry.attempts == 2);
  CHECK(retry.within->seconds == 24 * kHour);
  REQUIRE(retry.rules.size() == 1);
  CHECK(retry.rules[0].after->seconds == 4 * kHour);

  REQUIRE(campaign.trigger);
  CHECK(campaign.trigger->comparison == ast::BinaryOp::eq);
  CHECK(campaign.trigger->level == 2);
}

TEST_CASE("question kinds and flags", "[parse][campaign]") {
  auto parsed = parse_text(
      "campaign c { script {\n"
      "  ask t \"T\" number -5..37.5 if attempts < 3 optional\n"
      "  ask u \"U\" multi { a \"A\" } optional if t > 0\n"
      "  say bye \"Au revoir\"\n"
      "} }\n");
  REQUIRE(formatted_diagnostics(*parsed) == "");
  const auto& steps = parsed->file.campaigns.at(0).script->steps;
  REQUIRE(steps.size() == 3);

  const auto& t = std::get<ast::AskStep>(steps[0]);
  CHECK(t.min.value == -5);
  CHECK_FALSE(t.min.has_decimal_point);
  CHECK(range_text(t.min.range) == "2:20-2:22");
  CHECK(t.max.value == 37.5);
  CHECK(t.max.has_decimal_point);
  CHECK(range_text(t.kind_range) == "2:13-2:19");
  REQUIRE(t.condition);
  CHECK(sexpr(*t.condition) == "(< attempts int:3)");
  CHECK(t.optional);

  const auto& u = std::get<ast::AskStep>(steps[1]);
  CHECK(u.kind == ast::QuestionKind::multi);
  CHECK(u.optional);
  REQUIRE(u.condition);
  CHECK(sexpr(*u.condition) == "(> t int:0)");
  CHECK(std::holds_alternative<ast::SayStep>(steps[2]));
}

TEST_CASE("declarations keep their order per kind", "[parse][decl]") {
  auto parsed = parse_text(
      "hours b { mon closed }\n"
      "campaign one { }\n"
      "hours a { tue closed }\n"
      "campaign two { }\n");
  REQUIRE(parsed->diagnostics.empty());
  REQUIRE(parsed->file.hours.size() == 2);
  CHECK(parsed->file.hours[0].name.name == "b");
  CHECK(parsed->file.hours[1].name.name == "a");
  REQUIRE(parsed->file.campaigns.size() == 2);
  CHECK(parsed->file.campaigns[1].name.name == "two");
}
