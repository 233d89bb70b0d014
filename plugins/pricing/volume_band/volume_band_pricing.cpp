// The `volume_band` pricing: price of a campaign from its statistics, in
// three parts, one cost line each (or one line per band reached):
//
// 1. Useful contacts by volume band. Bands are PROGRESSIVE, like tax
//    brackets: with bands up to 5000 at 4.20 and above at 3.60, 6000 useful
//    contacts cost 5000 x 4.20 + 1000 x 3.60. `up_to` is inclusive and
//    increasing; the last band has `up_to: null` (no limit).
// 2. Handling time: useful contacts x average handling time in minutes
//    (beyond `included_minutes`) x `price_per_minute`.
// 3. Set-up, either by script complexity class or by person-days:
//      setup: {mode: complexity, classes: [{name, up_to, price}, ...], weights: {...}}
//      setup: {mode: person_days, days: 4, daily_rate: 650}
//    The complexity score is the weighted sum of CampaignStats::complexity:
//    questions x 1 + conditional_questions x 2 + choice_options x 0.25 +
//    score_rules x 0.5 + routes x 1 by default; the first class whose
//    `up_to` is at least the score applies.
//
// Other keys: currency (default EUR).

#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vigie/config_reader.hpp"
#include "vigie/plugin.hpp"

namespace vigie::plugins::volume_band {
namespace {

struct Band {
  std::optional<double> up_to;  // inclusive; none for the last band
  double price = 0;
};

struct ComplexityClass {
  std::string name;
  std::optional<double> up_to;
  double price = 0;
};

struct Settings {
  std::string currency = "EUR";
  std::vector<Band> bands;
  double price_per_minute = 0;
  double included_minutes = 0;
  std::string setup_mode = "none";
  std::vector<ComplexityClass> classes;
  double weight_questions = 1;
  double weight_conditional = 2;
  double weight_options = 0.25;
  double weight_rules = 0.5;
  double weight_routes = 1;
  double days = 0;
  double daily_rate = 0;
};

std::optional<double> read_limit(const YAML::Node& item, double previous, const std::string& what) {
  const YAML::Node up_to = item["up_to"];
  if (!up_to.IsDefined())
    throw ConfigError(item, what + " needs `up_to` (a number, or null for the last)");
  if (up_to.IsNull()) return std::nullopt;
  const double limit = ConfigReader::as_number(up_to, "up_to");
  if (limit <= previous) {
    throw ConfigError(up_to, "`up_to` values must increase; " + format_number(limit) + " follows " +
                                 format_number(previous));
  }
  return limit;
}

std::vector<Band> read_bands(const ConfigReader& config) {
  const YAML::Node node = config.node("bands");
  if (!node.IsDefined() || !node.IsSequence() || node.size() == 0) {
    config.fail("bands", "`bands` must be a list of {up_to, price}, the last with up_to: null");
  }
  std::vector<Band> bands;
  double previous = 0;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const ConfigReader band(node[i], "band " + std::to_string(i + 1));
    band.allow_only({"up_to", "price"});
    if (bands.size() > 0 && !bands.back().up_to) {
      throw ConfigError(node[i],
                        "a band follows the unlimited band (up_to: null); remove it or give the "
                        "earlier band a limit");
    }
    Band parsed;
    parsed.up_to = read_limit(node[i], previous, "band " + std::to_string(i + 1));
    parsed.price = band.get_number("price", -1);
    if (parsed.price < 0)
      band.fail("price", "band " + std::to_string(i + 1) + " needs a price of 0 or more");
    if (parsed.up_to) previous = *parsed.up_to;
    bands.push_back(parsed);
  }
  if (bands.back().up_to) {
    throw ConfigError(node, "the last band must have up_to: null so that every volume has a price");
  }
  return bands;
}

void read_setup(const YAML::Node& node, Settings& settings) {
  const ConfigReader setup(node, "setup");
  settings.setup_mode = setup.get_choice("mode", "complexity", {"complexity", "person_days"});
  if (settings.setup_mode == "person_days") {
    setup.allow_only({"mode", "days", "daily_rate"});
    settings.days = setup.get_number("days", -1);
    settings.daily_rate = setup.get_number("daily_rate", -1);
    if (settings.days < 0) setup.fail("days", "setup needs `days` (person-days, 0 or more)");
    if (settings.daily_rate < 0) setup.fail("daily_rate", "setup needs `daily_rate` (0 or more)");
    return;
  }

  setup.allow_only({"mode", "classes", "weights"});
  const YAML::Node classes = setup.node("classes");
  if (!classes.IsDefined() || !classes.IsSequence() || classes.size() == 0) {
    setup.fail("classes", "setup by complexity needs `classes`: a list of {name, up_to, price}");
  }
  double previous = -std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < classes.size(); ++i) {
    const ConfigReader item(classes[i], "complexity class " + std::to_string(i + 1));
    item.allow_only({"name", "up_to", "price"});
    ComplexityClass parsed;
    parsed.name = item.require_string("name");
    parsed.up_to = read_limit(classes[i], previous, "class '" + parsed.name + "'");
    parsed.price = item.get_number("price", -1);
    if (parsed.price < 0)
      item.fail("price", "class '" + parsed.name + "' needs a price of 0 or more");
    if (parsed.up_to) previous = *parsed.up_to;
    settings.classes.push_back(parsed);
  }
  if (settings.classes.back().up_to) {
    throw ConfigError(classes, "the last complexity class must have up_to: null");
  }

  const ConfigReader weights(setup.node("weights"), "setup weights");
  weights.allow_only(
      {"questions", "conditional_questions", "choice_options", "score_rules", "routes"});
  settings.weight_questions = weights.get_number("questions", settings.weight_questions);
  settings.weight_conditional =
      weights.get_number("conditional_questions", settings.weight_conditional);
  settings.weight_options = weights.get_number("choice_options", settings.weight_options);
  settings.weight_rules = weights.get_number("score_rules", settings.weight_rules);
  settings.weight_routes = weights.get_number("routes", settings.weight_routes);
}

Settings read_settings(const YAML::Node& node) {
  const ConfigReader config(node, "volume_band pricing");
  config.allow_only({"currency", "bands", "handling_time", "setup"});

  Settings settings;
  settings.currency = config.get_string("currency", "EUR");
  settings.bands = read_bands(config);

  const ConfigReader handling(config.node("handling_time"), "handling_time");
  handling.allow_only({"price_per_minute", "included_minutes"});
  settings.price_per_minute = handling.get_number("price_per_minute", 0);
  settings.included_minutes = handling.get_number("included_minutes", 0);
  if (settings.price_per_minute < 0)
    handling.fail("price_per_minute", "price_per_minute must be 0 or more");
  if (settings.included_minutes < 0)
    handling.fail("included_minutes", "included_minutes must be 0 or more");

  if (config.has("setup")) read_setup(config.node("setup"), settings);
  return settings;
}

class VolumeBandPricing final : public Pricing {
 public:
  explicit VolumeBandPricing(Settings settings) : settings_(std::move(settings)) {}

  CostBreakdown price(const CampaignStats& stats) override {
    CostBreakdown breakdown;
    breakdown.currency = settings_.currency;
    add_bands(stats, breakdown);
    add_handling_time(stats, breakdown);
    add_setup(stats, breakdown);

    for (const CostLine& line : breakdown.lines) breakdown.total += line.amount;
    breakdown.total = round_cents(breakdown.total);
    return breakdown;
  }

 private:
  static double round_cents(double amount) { return std::round(amount * 100) / 100; }

  void add_bands(const CampaignStats& stats, CostBreakdown& breakdown) const {
    const double useful = static_cast<double>(std::max<std::int64_t>(0, stats.useful));
    double lower = 0;
    for (const Band& band : settings_.bands) {
      if (useful <= lower) break;
      const double upper = band.up_to ? std::min(*band.up_to, useful) : useful;
      const double quantity = upper - lower;
      const std::string range =
          format_number(lower + 1) + "-" + (band.up_to ? format_number(*band.up_to) : "");
      breakdown.lines.push_back(CostLine{"useful contacts, band " + range, quantity, "contact",
                                         band.price, round_cents(quantity * band.price)});
      lower = upper;
    }
  }

  void add_handling_time(const CampaignStats& stats, CostBreakdown& breakdown) const {
    if (settings_.price_per_minute <= 0) return;
    const double average_minutes = stats.average_handling_time_s / 60.0;
    const double billed = std::max(0.0, average_minutes - settings_.included_minutes);
    const double quantity = billed * static_cast<double>(stats.useful);
    breakdown.details["average_handling_time_min"] = format_number(round_cents(average_minutes));
    breakdown.lines.push_back(CostLine{"handling time, " + format_number(round_cents(billed)) +
                                           " billed minutes per useful contact",
                                       quantity, "minute", settings_.price_per_minute,
                                       round_cents(quantity * settings_.price_per_minute)});
  }

  void add_setup(const CampaignStats& stats, CostBreakdown& breakdown) const {
    if (settings_.setup_mode == "person_days") {
      breakdown.lines.push_back(CostLine{"set-up", settings_.days, "person-day",
                                         settings_.daily_rate,
                                         round_cents(settings_.days * settings_.daily_rate)});
      return;
    }
    if (settings_.classes.empty()) return;

    const ScriptComplexity& c = stats.complexity;
    const double score = c.questions * settings_.weight_questions +
                         c.conditional_questions * settings_.weight_conditional +
                         c.choice_options * settings_.weight_options +
                         c.score_rules * settings_.weight_rules +
                         c.routes * settings_.weight_routes;
    const ComplexityClass* chosen = &settings_.classes.back();
    for (const ComplexityClass& item : settings_.classes) {
      if (item.up_to && score <= *item.up_to) {
        chosen = &item;
        break;
      }
    }
    breakdown.details["complexity_score"] = format_number(score);
    breakdown.details["complexity_class"] = chosen->name;
    breakdown.lines.push_back(CostLine{"set-up, " + chosen->name + " script", 1, "campaign",
                                       chosen->price, chosen->price});
  }

  Settings settings_;
};

void register_volume_band_pricing(Registry& registry) {
  registry.add_pricing("volume_band", [](const YAML::Node& node, const PluginContext&) {
    return std::make_unique<VolumeBandPricing>(read_settings(node));
  });
}

}  // namespace
}  // namespace vigie::plugins::volume_band

VIGIE_PLUGIN(pricing, volume_band, "1.0.0",
             vigie::plugins::volume_band::register_volume_band_pricing)
