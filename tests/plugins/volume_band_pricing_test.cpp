#include <catch2/catch.hpp>

#include "plugin_test_support.hpp"

using namespace vigie;

namespace {

const char* kMarket2022 = R"(
plugin: volume_band
currency: EUR
bands:
  - {up_to: 5000, price: 4.20}
  - {up_to: 10000, price: 3.60}
  - {up_to: null, price: 3.10}
handling_time: {price_per_minute: 0.35}
setup:
  mode: complexity
  classes:
    - {name: simple, up_to: 10, price: 1500}
    - {name: standard, up_to: 25, price: 3000}
    - {name: complex, up_to: null, price: 6000}
)";

std::unique_ptr<Pricing> make_pricing(const std::string& yaml) {
  test::TempDir dir;
  return (*test::shipped_plugins().pricing("volume_band"))(YAML::Load(yaml),
                                                           dir.context("marche_2022"));
}

CampaignStats heatwave_stats(std::int64_t useful) {
  CampaignStats stats;
  stats.campaign = "canicule";
  stats.useful = useful;
  stats.average_handling_time_s = 360;
  stats.complexity = ScriptComplexity{6, 1, 6, 5, 3};
  return stats;
}

}  // namespace

TEST_CASE("volume_band prices a worked example", "[plugins][volume_band]") {
  // 5000 x 4.20 + 5000 x 3.60 + 2000 x 3.10 = 45 200
  // 12 000 useful contacts x 6 min x 0.35 = 25 200
  // complexity 6 + 1x2 + 6x0.25 + 5x0.5 + 3 = 15, standard: 3 000
  const CostBreakdown cost = make_pricing(kMarket2022)->price(heatwave_stats(12000));

  REQUIRE(cost.lines.size() == 5);
  CHECK(cost.currency == "EUR");
  CHECK(cost.lines[0].item == "useful contacts, band 1-5000");
  CHECK(cost.lines[0].quantity == 5000);
  CHECK(cost.lines[0].amount == Approx(21000));
  CHECK(cost.lines[1].item == "useful contacts, band 5001-10000");
  CHECK(cost.lines[1].amount == Approx(18000));
  CHECK(cost.lines[2].item == "useful contacts, band 10001-");
  CHECK(cost.lines[2].quantity == 2000);
  CHECK(cost.lines[2].amount == Approx(6200));
  CHECK(cost.lines[3].unit == "minute");
  CHECK(cost.lines[3].quantity == Approx(72000));
  CHECK(cost.lines[3].amount == Approx(25200));
  CHECK(cost.lines[4].item == "set-up, standard script");
  CHECK(cost.lines[4].amount == Approx(3000));
  CHECK(cost.details.at("complexity_class") == "standard");
  CHECK(cost.details.at("complexity_score") == "15");
  CHECK(cost.total == Approx(73400));
}

TEST_CASE("volume_band stops at the band reached", "[plugins][volume_band]") {
  const CostBreakdown cost = make_pricing(kMarket2022)->price(heatwave_stats(4000));
  REQUIRE(cost.lines.size() == 3);
  CHECK(cost.lines[0].quantity == 4000);
  CHECK(cost.lines[0].amount == Approx(16800));

  const CostBreakdown none = make_pricing(kMarket2022)->price(heatwave_stats(0));
  CHECK(none.lines.size() == 2);  // handling time at 0 contacts, then set-up
  CHECK(none.total == Approx(3000));
}

TEST_CASE("volume_band prices set-up by person-days", "[plugins][volume_band]") {
  const CostBreakdown cost = make_pricing(R"(
bands: [{up_to: null, price: 4}]
handling_time: {price_per_minute: 0.5, included_minutes: 5}
setup: {mode: person_days, days: 4, daily_rate: 650}
)")
                                 ->price(heatwave_stats(100));
  REQUIRE(cost.lines.size() == 3);
  CHECK(cost.lines[1].quantity == Approx(100));  // one billed minute each
  CHECK(cost.lines[1].amount == Approx(50));
  CHECK(cost.lines[2].unit == "person-day");
  CHECK(cost.lines[2].amount == Approx(2600));
  CHECK(cost.total == Approx(400 + 50 + 2600));
}

TEST_CASE("volume_band validates its config", "[plugins][volume_band]") {
  struct Case {
    const char* yaml;
    int line;
    const char* message;
  };
  const Case cases[] = {
      {"plugin: volume_band\n", 1,
       "`bands` must be a list of {up_to, price}, the last with up_to: null"},
      {"bands:\n  - {up_to: 100, price: 1}\n  - {up_to: 50, price: 1}\n  - {up_to: null, price: "
       "1}\n",
       3, "`up_to` values must increase; 50 follows 100"},
      {"bands:\n  - {up_to: 100, price: 1}\n", 2,
       "the last band must have up_to: null so that every volume has a price"},
      {"bands:\n  - {up_to: null, prise: 1}\n", 2,
       "unknown key 'prise' in band 1; did you mean 'price'?"},
      {"bands: [{up_to: null, price: 1}]\nsetup: {mode: hours}\n", 2,
       "'mode' cannot be 'hours'; use one of complexity, person_days"},
      {"bands: [{up_to: null, price: 1}]\nsetup: {mode: person_days, days: 3}\n", 2,
       "setup needs `daily_rate` (0 or more)"},
  };
  for (const Case& c : cases) {
    INFO(c.yaml);
    try {
      make_pricing(c.yaml);
      FAIL("no ConfigError");
    } catch (const ConfigError& error) {
      CHECK(std::string(error.what()) == c.message);
      CHECK(error.line() == c.line);
    }
  }
}
