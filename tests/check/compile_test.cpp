// The checker on valid campaigns: what the IR contains after a clean compile.

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include <catch2/catch.hpp>

#include "check/compiler.hpp"

namespace {

using namespace std::chrono_literals;
using vigie::ir::TypeKind;

struct Compiled {
  vigie::common::SourceManager sources;
  vigie::common::Diagnostics diagnostics;
  vigie::ir::Module module;

  std::string diagnostics_text() const {
    std::string text;
    for (const auto& diagnostic : diagnostics.sorted()) {
      text += vigie::common::format_diagnostic(diagnostic, sources);
    }
    return text;
  }
};

std::unique_ptr<Compiled> compile_file(const std::string& path) {
  auto compiled = std::make_unique<Compiled>();
  compiled->module = vigie::check::compile_file(path, compiled->sources, compiled->diagnostics);
  return compiled;
}

std::unique_ptr<Compiled> compile_text(const std::string& path, const std::string& text) {
  auto compiled = std::make_unique<Compiled>();
  compiled->module =
      vigie::check::compile_text(path, text, compiled->sources, compiled->diagnostics);
  return compiled;
}

// A small valid campaign; `extra` is spliced inside the campaign block.
std::string small_campaign(const std::string& extra) {
  return R"(
hours h { mon-fri 09:00-12:30, 14:00-19:00  sat closed }
retry r {
  attempts 3 within 24h
  otherwise after 1h
}
campaign c {
  source s {
    id text key
    birth date
    name text
    weight decimal optional
  }
  hours h
  retry r
  script {
    ask alone "Alone?" yes_no
    ask visits "Visits?" choice { daily "Daily" weekly "Weekly" rarely "Rarely" }
    ask symptoms "Symptoms?" multi { fatigue "Fatigue" cramps "Cramps" confusion "Confusion" }
    ask temp "Temperature?" number 10..45 optional
    ask rating "Rating?" number 0.5..5 optional
  }
)" + extra +
         "\n}\n";
}

vigie::common::Date ymd(int year, unsigned month, unsigned day) {
  return date::sys_days(date::year(year) / static_cast<int>(month) / static_cast<int>(day));
}

const vigie::ir::Campaign& only_campaign(const Compiled& compiled) {
  REQUIRE(compiled.module.campaigns.size() == 1);
  return compiled.module.campaigns[0];
}

}  // namespace

TEST_CASE("example campaign compiles without diagnostics", "[check]") {
  auto compiled = compile_file("tests/check/data/canicule.vigie");
  INFO(compiled->diagnostics_text());
  CHECK(compiled->diagnostics.empty());
  REQUIRE(compiled->module.campaigns.size() == 1);
  const auto& campaign = compiled->module.campaigns[0];
  CHECK(campaign.name == "canicule");
  CHECK(campaign.title == "Plan canicule — niveau 3");
  CHECK(campaign.timezone == "Europe/Paris");
  CHECK(campaign.timezone_field == campaign.field_index("tz"));
  CHECK(campaign.key_field == campaign.field_index("id"));
  CHECK(campaign.source_instance == "reflex");
  CHECK(campaign.pricing_instance == "marche_2022");
  REQUIRE(campaign.target.has_value());
  CHECK(campaign.target->value == Approx(0.65));
  REQUIRE(campaign.trigger.has_value());
  CHECK(campaign.trigger->alert == "canicule");
  CHECK(campaign.trigger->level == 3);
  CHECK(campaign.trigger->comparison == vigie::ir::BinaryOp::ge);
  CHECK(campaign.start_within == std::chrono::seconds(4h));
  CHECK(campaign.recontact_every == std::chrono::seconds(48h));
}

TEST_CASE("example campaign hours hold every line", "[check]") {
  auto compiled = compile_file("tests/check/data/canicule.vigie");
  const auto& hours = only_campaign(*compiled).hours;
  CHECK(hours.name == "paris_hours");
  for (int day = 0; day < 7; ++day) {
    INFO("weekday " << day);
    REQUIRE(hours.weekdays[day].intervals.size() == 1);
    int opens = day < 5 ? 9 * 3600 : 10 * 3600;
    CHECK(hours.weekdays[day].intervals[0].start == opens);
    CHECK(hours.weekdays[day].intervals[0].end == 19 * 3600);
  }
  REQUIRE(hours.holiday.has_value());
  REQUIRE(hours.holiday->intervals.size() == 1);
  CHECK(hours.holiday->intervals[0].start == 10 * 3600);
  REQUIRE(hours.dates.count(ymd(2019, 12, 24)) == 1);
  CHECK(hours.dates.at(ymd(2019, 12, 24)).intervals[0].end == 16 * 3600);
}

TEST_CASE("example campaign retry delays per disposition", "[check]") {
  auto compiled = compile_file("tests/check/data/canicule.vigie");
  const auto& campaign = only_campaign(*compiled);
  const auto& retry = campaign.retry;
  using Kind = vigie::ir::RetryAction::Kind;
  CHECK(retry.name == "standard_48h");
  CHECK(retry.attempts == 4);
  CHECK(retry.within == std::chrono::seconds(48h));
  REQUIRE(retry.on.size() == campaign.dispositions.size());

  struct Case {
    std::int32_t disposition;
    Kind kind;
    std::chrono::seconds delay;
  };
  const Case cases[] = {
      {vigie::ir::kNoAnswer, Kind::retry, 2h},   {vigie::ir::kBusy, Kind::retry, 30min},
      {vigie::ir::kVoicemail, Kind::retry, 3h},  {vigie::ir::kFailed, Kind::retry, 15min},
      {vigie::ir::kPartial, Kind::retry, 1h},    {vigie::ir::kCallback, Kind::unset, 0s},
      {vigie::ir::kWrongNumber, Kind::stop, 0s}, {vigie::ir::kRefused, Kind::stop, 0s},
      {vigie::ir::kCompleted, Kind::unset, 0s},  {vigie::ir::kDeceased, Kind::unset, 0s},
  };
  for (const Case& c : cases) {
    INFO("disposition " << campaign.dispositions[c.disposition].name);
    CHECK(retry.on[c.disposition].kind == c.kind);
    CHECK(retry.on[c.disposition].delay == c.delay);
  }
  CHECK(retry.otherwise.kind == Kind::retry);
  CHECK(retry.otherwise.delay == std::chrono::seconds(2h));
}

TEST_CASE("example campaign dispositions built-ins first", "[check]") {
  auto compiled = compile_file("tests/check/data/canicule.vigie");
  const auto& dispositions = only_campaign(*compiled).dispositions;
  REQUIRE(dispositions.size() == vigie::ir::kBuiltinDispositionCount + 2);
  CHECK(dispositions[vigie::ir::kCompleted].name == "completed");
  CHECK(dispositions[vigie::ir::kCallback].name == "callback");
  CHECK(dispositions[vigie::ir::kUnreachable].name == "unreachable");
  CHECK(dispositions[vigie::ir::kRefused].final);
  CHECK_FALSE(dispositions[vigie::ir::kBusy].final);
  CHECK(dispositions[11].name == "away");
  CHECK(dispositions[11].label == "Absent(e) du domicile");
  CHECK(dispositions[11].final);
  CHECK_FALSE(dispositions[11].builtin);
  CHECK(dispositions[12].name == "hospitalized");
}

TEST_CASE("example campaign rule order puts dependencies first", "[check]") {
  auto compiled = compile_file("tests/check/data/canicule.vigie");
  const auto& campaign = only_campaign(*compiled);
  using Kind = vigie::ir::RuleRef::Kind;
  auto position = [&](Kind kind, const std::string& name) {
    for (std::size_t i = 0; i < campaign.rule_order.size(); ++i) {
      const auto& ref = campaign.rule_order[i];
      if (ref.kind != kind) continue;
      const std::string& ref_name = kind == Kind::let     ? campaign.lets[ref.index].name
                                    : kind == Kind::score ? campaign.scores[ref.index].name
                                                          : campaign.routes[ref.index].name;
      if (ref_name == name) return static_cast<int>(i);
    }
    return -1;
  };
  REQUIRE(campaign.rule_order.size() == 5);
  CHECK(position(Kind::let, "frail") < position(Kind::score, "risk"));
  CHECK(position(Kind::score, "risk") < position(Kind::route, "urgence"));
  CHECK(position(Kind::route, "urgence") < position(Kind::route, "social"));
  CHECK(position(Kind::route, "visite") >= 0);
}

TEST_CASE("example campaign expressions are typed", "[check]") {
  auto compiled = compile_file("tests/check/data/canicule.vigie");
  const auto& campaign = only_campaign(*compiled);
  REQUIRE(campaign.lets.size() == 1);
  CHECK(campaign.lets[0].value.type.kind == TypeKind::boolean);
  CHECK(campaign.lets[0].value.binary_op == vigie::ir::BinaryOp::logical_or);

  REQUIRE(campaign.scores.size() == 1);
  CHECK_FALSE(campaign.scores[0].decimal);
  REQUIRE(campaign.scores[0].rules.size() == 5);
  const auto& visits_rule = campaign.scores[0].rules[1].condition;
  CHECK(visits_rule.kind == vigie::ir::ExprKind::binary);
  REQUIRE(visits_rule.args.size() == 2);
  CHECK(visits_rule.args[0].kind == vigie::ir::ExprKind::answer);
  CHECK(visits_rule.args[0].type.kind == TypeKind::choice);
  CHECK(visits_rule.args[0].type.question == campaign.question_index("visits"));
  CHECK(visits_rule.args[1].kind == vigie::ir::ExprKind::literal);
  CHECK(visits_rule.args[1].value.index == 2);  // rarely

  const auto& has_rule = campaign.scores[0].rules[3].condition;
  CHECK(has_rule.binary_op == vigie::ir::BinaryOp::has);
  CHECK(has_rule.args[0].type.kind == TypeKind::multi);
  CHECK(has_rule.args[1].value.index == 2);  // confusion

  REQUIRE(campaign.priority.has_value());
  CHECK(campaign.priority->type.kind == TypeKind::integer);
  REQUIRE(campaign.audience.has_value());
  CHECK(campaign.audience->type.kind == TypeKind::boolean);

  const auto& visite = campaign.routes[campaign.route_index("visite")];
  CHECK(visite.notifier == "equipe_visites");
  CHECK(visite.within == std::chrono::seconds(4h));
  CHECK(visite.title == "Visite à domicile");
  REQUIRE(visite.when.args.size() == 2);
  CHECK(visite.when.args[1].value.kind == vigie::common::ValueKind::disposition);
  CHECK(visite.when.args[1].value.index == vigie::ir::kUnreachable);
}

TEST_CASE("example campaign script questions", "[check]") {
  auto compiled = compile_file("tests/check/data/canicule.vigie");
  const auto& questions = only_campaign(*compiled).questions;
  REQUIRE(questions.size() == 6);
  CHECK(questions[0].kind == vigie::ir::StepKind::say);
  CHECK(questions[2].kind == vigie::ir::StepKind::choice);
  CHECK(questions[2].options.size() == 3);
  CHECK(questions[4].kind == vigie::ir::StepKind::multi);
  REQUIRE(questions[4].condition.has_value());
  CHECK(questions[4].condition->args[0].index == 3);  // health
  CHECK(questions[5].kind == vigie::ir::StepKind::number);
  CHECK(questions[5].integer);
  CHECK(questions[5].min == 10);
  CHECK(questions[5].max == 45);
  CHECK(questions[5].optional);
}

TEST_CASE("example campaign tests hold givens and expects", "[check]") {
  auto compiled = compile_file("tests/check/data/canicule.vigie");
  const auto& campaign = only_campaign(*compiled);
  REQUIRE(campaign.tests.size() == 2);
  const auto& urgent = campaign.tests[0];
  CHECK(urgent.name == "isolated person with confusion is urgent");
  REQUIRE(urgent.givens.size() == 6);
  using GivenKind = vigie::ir::TestGiven::Kind;
  CHECK(urgent.givens[0].kind == GivenKind::answer);
  CHECK(urgent.givens[0].value.index == 0);  // yes
  CHECK(urgent.givens[1].value.index == 2);  // rarely
  CHECK(urgent.givens[3].value.kind == vigie::common::ValueKind::set);
  CHECK(urgent.givens[3].value.bits == 4u);  // confusion is option 2
  CHECK(urgent.givens[4].kind == GivenKind::field);
  CHECK(urgent.givens[4].value.days == ymd(1931, 5, 2).time_since_epoch().count());
  CHECK(urgent.givens[5].kind == GivenKind::today);
  REQUIRE(urgent.expects.size() == 3);
  CHECK(urgent.expects[0].text == "risk == 15");
  CHECK(urgent.expects[0].condition.type.kind == TypeKind::boolean);
  CHECK(urgent.expects[2].routes_check);
  CHECK(urgent.expects[2].routes == std::vector<std::int32_t>{campaign.route_index("urgence")});

  const auto& unreachable = campaign.tests[1];
  REQUIRE(unreachable.givens.size() == 1);
  CHECK(unreachable.givens[0].kind == GivenKind::outcome);
  CHECK(unreachable.givens[0].value.index == vigie::ir::kUnreachable);
}

TEST_CASE("expression types by operator and function", "[check]") {
  struct Case {
    const char* expression;
    TypeKind type;
  };
  const Case cases[] = {
      {"1 + 2", TypeKind::integer},
      {"1 + 2.5", TypeKind::decimal},
      {"7 / 2", TypeKind::decimal},
      {"7 % 2", TypeKind::integer},
      {"-weight", TypeKind::decimal},
      {"age(birth)", TypeKind::integer},
      {"count(symptoms)", TypeKind::integer},
      {"min(1, 2.5)", TypeKind::decimal},
      {"max(1, temp)", TypeKind::integer},
      {"max(1, rating)", TypeKind::decimal},
      {"days_between(birth, today)", TypeKind::integer},
      {"answered(temp)", TypeKind::boolean},
      {"visits", TypeKind::choice},
      {"symptoms", TypeKind::multi},
      {"alone", TypeKind::yes_no},
      {"outcome", TypeKind::disposition},
      {"attempts + cycle", TypeKind::integer},
      {"today", TypeKind::date},
      {"2h30m", TypeKind::duration},
      {"name", TypeKind::text},
      {"alone == yes ? 1 : 2.5", TypeKind::decimal},
      {"visits in [daily, weekly]", TypeKind::boolean},
      {"symptoms == [fatigue, cramps]", TypeKind::boolean},
      {"rarely == visits", TypeKind::boolean},
      {"outcome != refused and not (temp > 30)", TypeKind::boolean},
      {"65%", TypeKind::decimal},
  };
  for (const Case& c : cases) {
    INFO(c.expression);
    auto compiled =
        compile_text("types.vigie", small_campaign(std::string("let x = ") + c.expression));
    INFO(compiled->diagnostics_text());
    CHECK(compiled->diagnostics.empty());
    const auto& campaign = only_campaign(*compiled);
    REQUIRE(campaign.lets.size() == 1);
    CHECK(campaign.lets[0].value.type.kind == c.type);
  }
}

TEST_CASE("inline hours keep several intervals and closed days", "[check]") {
  auto compiled = compile_text("hours.vigie", small_campaign(""));
  INFO(compiled->diagnostics_text());
  CHECK(compiled->diagnostics.empty());
  const auto& hours = only_campaign(*compiled).hours;
  REQUIRE(hours.weekdays[0].intervals.size() == 2);
  CHECK(hours.weekdays[0].intervals[0].end == 12 * 3600 + 30 * 60);
  CHECK(hours.weekdays[0].intervals[1].start == 14 * 3600);
  CHECK(hours.weekdays[5].intervals.empty());
  CHECK(hours.weekdays[6].intervals.empty());
  CHECK_FALSE(hours.holiday.has_value());
}

TEST_CASE("campaign defaults when clauses are absent", "[check]") {
  auto compiled = compile_text("defaults.vigie", small_campaign(""));
  const auto& campaign = only_campaign(*compiled);
  CHECK(campaign.calendar.base == vigie::ir::BuiltinCalendar::fr_metropole);
  CHECK(campaign.timezone == "Europe/Paris");
  REQUIRE(campaign.useful.has_value());
  CHECK(campaign.useful->binary_op == vigie::ir::BinaryOp::eq);
  CHECK(campaign.useful->args[0].kind == vigie::ir::ExprKind::outcome);
  CHECK(campaign.useful->args[1].value.index == vigie::ir::kCompleted);
  CHECK_FALSE(campaign.target.has_value());
}

TEST_CASE("text literal points into campaign storage", "[check]") {
  auto compiled = compile_text("text.vigie", small_campaign("let dupont = name == \"Dupont\""));
  const auto& campaign = only_campaign(*compiled);
  const auto& literal = campaign.lets[0].value.args[1];
  REQUIRE(literal.value.kind == vigie::common::ValueKind::text);
  CHECK(literal.value.text == "Dupont");
  bool owned = false;
  for (const auto& text : *campaign.text_storage) {
    owned = owned || literal.value.text.data() == text->data();
  }
  CHECK(owned);
}

TEST_CASE("user calendar based on user calendar is flattened", "[check]") {
  const std::string text = R"(
calendar base_one {
  base fr_alsace_moselle
  add 2024-07-26 "Opening"
  remove 2024-05-20
}
calendar derived {
  base base_one
  remove 2024-07-26
  add 2024-05-20
  add 2024-08-01
}
)" + small_campaign("calendar derived");
  auto compiled = compile_text("calendars.vigie", text);
  INFO(compiled->diagnostics_text());
  CHECK(compiled->diagnostics.empty());
  const auto& calendar = only_campaign(*compiled).calendar;
  CHECK(calendar.name == "derived");
  CHECK(calendar.base == vigie::ir::BuiltinCalendar::fr_alsace_moselle);
  CHECK(calendar.added.count(ymd(2024, 7, 26)) == 0);
  CHECK(calendar.added.count(ymd(2024, 5, 20)) == 1);
  CHECK(calendar.added.count(ymd(2024, 8, 1)) == 1);
  CHECK(calendar.removed.count(ymd(2024, 7, 26)) == 1);
  CHECK(calendar.removed.count(ymd(2024, 5, 20)) == 0);
}

TEST_CASE("file imported twice is loaded once", "[check]") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("vigie_check_import_" + std::to_string(::getpid()));
  fs::create_directories(dir / "lib");
  std::ofstream(dir / "lib" / "common.vigie") << "hours shared { mon-fri 09:00-17:00 }\n";
  std::ofstream(dir / "lib" / "other.vigie")
      << "import \"common.vigie\"\nretry r { attempts 2 within 8h otherwise stop }\n";
  std::string root =
      "import \"lib/common.vigie\"\nimport \"lib/other.vigie\"\n"
      "import \"./lib/../lib/common.vigie\"\n"
      "campaign c { source s { id text key } hours shared retry r }\n";

  auto compiled = compile_text((dir / "root.vigie").string(), root);
  fs::remove_all(dir);
  INFO(compiled->diagnostics_text());
  CHECK(compiled->diagnostics.empty());
  const auto& campaign = only_campaign(*compiled);
  CHECK(campaign.hours.name == "shared");
  CHECK(campaign.retry.attempts == 2);
  CHECK(campaign.retry.on[vigie::ir::kBusy].kind == vigie::ir::RetryAction::Kind::unset);
  CHECK(campaign.retry.otherwise.kind == vigie::ir::RetryAction::Kind::stop);
}

TEST_CASE("option name wins over a field of the same name", "[check]") {
  std::string text = small_campaign("let x = visits == daily");
  // A roster field named like an option must not capture the comparison.
  text.replace(text.find("name text"), 9, "daily text");
  auto compiled = compile_text("shadow.vigie", text);
  INFO(compiled->diagnostics_text());
  CHECK(compiled->diagnostics.empty());
  const auto& let = only_campaign(*compiled).lets[0].value;
  CHECK(let.args[1].kind == vigie::ir::ExprKind::literal);
  CHECK(let.args[1].value.index == 0);
}

TEST_CASE("rule chain deeper than limit is a diagnostic", "[check]") {
  // Rules are checked in declaration order, so a chain declared from its
  // last link is checked without nesting, and one declared from its first
  // link nests one level per let.
  std::string flat;
  std::string nested;
  for (int i = 0; i <= 300; ++i) {
    std::string name = "l" + std::to_string(i);
    flat += "let " + name + " = " + (i == 0 ? "1" : "l" + std::to_string(i - 1) + " + 1") + "\n";
    nested +=
        "let " + name + " = " + (i == 300 ? "1" : "l" + std::to_string(i + 1) + " + 1") + "\n";
  }

  auto shallow = compile_text("chain.vigie", small_campaign(flat));
  INFO(shallow->diagnostics_text());
  CHECK(shallow->diagnostics.empty());

  auto deep = compile_text("chain.vigie", small_campaign(nested));
  CHECK(deep->diagnostics.error_count() == 1);
  CHECK(deep->diagnostics_text().find("more than 256 levels deep") != std::string::npos);
}
