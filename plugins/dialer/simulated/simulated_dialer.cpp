// The `simulated` dialer: draws each call's outcome, durations and answers
// from configurable distributions. It is seeded and deterministic per
// request: the random stream of an attempt is derived from (seed,
// contact_id, cycle, attempt), so a result never depends on the order in
// which calls are placed. On a shared number, the household members offered
// in the same call each draw their own conversation once the line is picked
// up; an unanswered line is unanswered for all of them.
//
// Config keys (durations in seconds; a duration is {min_s, max_s} for a
// uniform draw or {mean_s, sd_s} for a normal draw clamped to mean ± 3 sd):
//   seed            integer, default 1
//   lines           lines offered when the command line gives none; default unlimited
//   outcomes        probability of each attempt outcome: `answered` or a
//                   disposition (no_answer, busy, voicemail, failed, ...); sums to 1
//   answered        how answered calls end, by disposition (completed,
//                   partial, callback, refused, wrong_number, deceased, ...); sums to 1
//   ring            ring time before an answered call is picked up
//   talk            talk time by disposition of answered calls
//   unanswered      whole duration by disposition of unanswered calls
//   callback_delay  delay from the end of a `callback` call to the requested time
//   handling_time_s mean talk time of answered calls: every talk draw is
//                   scaled so that the mean over the `answered` mix equals it
//                   (`vigie plan --dmt` sets it)
//   answers         by question id: yes_no/choice {option: weight, ...};
//                   multi {option: probability of being chosen, ...};
//                   number {min, max} or {mean, sd}, within the question's range
// Defaults are in simulated_defaults.hpp.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <numbers>
#include <string>
#include <vector>

#include "simulated_defaults.hpp"
#include "vigie/config_reader.hpp"
#include "vigie/plugin.hpp"

namespace vigie::plugins::simulated {
namespace {

// splitmix64: small, fast and fully specified, so that draws are the same
// with every standard library (std:: distributions are not).
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  // Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  double uniform(double min, double max) { return min + (max - min) * uniform(); }

  // Box-Muller; one of the pair is dropped to keep each draw independent of
  // how many draws came before.
  double normal(double mean, double sd) {
    const double u1 = 1.0 - uniform();  // in (0, 1], so log() is finite
    const double u2 = uniform();
    return mean + sd * std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }

 private:
  std::uint64_t state_;
};

std::uint64_t mix(std::uint64_t value) {
  return Random(value).next();
}

std::uint64_t stream_seed(std::uint64_t seed, const std::string& contact_id, int cycle,
                          int attempt) {
  // FNV-1a over the contact id, then mixed with the seed, cycle and attempt.
  std::uint64_t hash = 0xCBF29CE484222325ULL;
  for (unsigned char c : contact_id) hash = (hash ^ c) * 0x100000001B3ULL;
  hash = mix(hash ^ seed);
  hash = mix(hash ^ static_cast<std::uint64_t>(cycle));
  return mix(hash ^ static_cast<std::uint64_t>(attempt));
}

std::uint64_t stream_seed(std::uint64_t seed, const CallRequest& request) {
  return stream_seed(seed, request.contact_id, request.cycle, request.attempt);
}

// Keeps a household member's callback draw apart from their conversation.
constexpr std::uint64_t kCallbackStream = 0x5DEECE66DULL;

// A position in the config file, for errors found at start().
std::string where(const std::string& config_path, const YAML::Node& node) {
  if (!node.IsDefined() || node.Mark().is_null()) return config_path;
  return config_path + ":" + std::to_string(node.Mark().line + 1) + ":" +
         std::to_string(node.Mark().column + 1);
}

struct Duration {
  bool normal = false;
  double first = 0;
  double second = 0;

  static Duration from(const DurationDefault& value) {
    return Duration{value.normal, value.first, value.second};
  }

  // The mean of a draw, ignoring the clamp of a normal draw.
  double mean() const { return normal ? first : (first + second) / 2; }

  double draw(Random& random) const {
    if (!normal) return random.uniform(first, second);
    const double value = random.normal(first, second);
    return std::clamp(value, std::max(1.0, first - 3 * second), first + 3 * second);
  }
};

Duration read_duration(const YAML::Node& node, const std::string& key) {
  const ConfigReader config(node, "'" + key + "'");
  if (config.has("mean_s") || config.has("sd_s")) {
    config.allow_only({"mean_s", "sd_s"});
    const double mean = config.get_number("mean_s", -1);
    const double sd = config.get_number("sd_s", -1);
    if (mean < 0) config.fail("mean_s", "'" + key + "' needs mean_s >= 0 with sd_s");
    if (sd < 0) config.fail("sd_s", "'" + key + "' needs sd_s >= 0 with mean_s");
    return Duration{true, mean, sd};
  }

  config.allow_only({"min_s", "max_s", "mean_s", "sd_s"});
  const double min = config.get_number("min_s", -1);
  const double max = config.get_number("max_s", -1);
  if (min < 0) config.fail("min_s", "'" + key + "' needs min_s >= 0 and max_s, or mean_s and sd_s");
  if (max < min) config.fail("max_s", "'" + key + "' needs max_s >= min_s");
  return Duration{false, min, max};
}

struct Weights {
  std::vector<std::string> names;
  std::vector<double> probabilities;
  std::vector<YAML::Node> nodes;  // for positions; empty for defaults

  const std::string& pick(Random& random) const {
    double draw = random.uniform() * total();
    for (std::size_t i = 0; i + 1 < names.size(); ++i) {
      if (draw < probabilities[i]) return names[i];
      draw -= probabilities[i];
    }
    return names.back();
  }

  double total() const {
    double sum = 0;
    for (double p : probabilities) sum += p;
    return sum;
  }

  template <std::size_t N>
  static Weights from(const Weight (&defaults)[N]) {
    Weights weights;
    for (const Weight& weight : defaults) {
      weights.names.push_back(weight.name);
      weights.probabilities.push_back(weight.probability);
    }
    return weights;
  }
};

// Reads {name: probability}. With `must_sum_to_one` the values are
// probabilities of exclusive outcomes; otherwise relative weights.
Weights read_weights(const YAML::Node& node, const std::string& key, bool must_sum_to_one) {
  if (!node.IsMap() || node.size() == 0) {
    throw ConfigError(node, "'" + key + "' must map names to probabilities");
  }
  Weights weights;
  for (const auto& entry : node) {
    const double value = ConfigReader::as_number(entry.second, entry.first.Scalar());
    if (value < 0 || !std::isfinite(value)) {
      throw ConfigError(entry.second, "probability of '" + entry.first.Scalar() + "' in '" + key +
                                          "' must be 0 or more");
    }
    weights.names.push_back(entry.first.Scalar());
    weights.probabilities.push_back(value);
    weights.nodes.push_back(entry.first);
  }
  const double total = weights.total();
  if (must_sum_to_one && std::abs(total - 1.0) > 1e-3) {
    throw ConfigError(node, "the probabilities in '" + key + "' sum to " + format_number(total) +
                                "; they must sum to 1");
  }
  if (total <= 0) throw ConfigError(node, "'" + key + "' needs at least one positive weight");
  return weights;
}

std::map<std::string, Duration> read_durations(const YAML::Node& node, const std::string& key) {
  std::map<std::string, Duration> durations;
  if (!node.IsDefined() || node.IsNull()) return durations;
  if (!node.IsMap()) throw ConfigError(node, "'" + key + "' must map dispositions to durations");
  for (const auto& entry : node) {
    durations[entry.first.Scalar()] = read_duration(entry.second, key + "." + entry.first.Scalar());
  }
  return durations;
}

struct Settings {
  std::string config_path;
  std::uint64_t seed = 1;
  std::optional<int> lines;
  Weights outcomes = Weights::from(kDefaultOutcomes);
  Weights answered = Weights::from(kDefaultAnswered);
  Duration ring = Duration::from(kDefaultRing);
  std::map<std::string, Duration> talk;
  std::map<std::string, Duration> unanswered;
  Duration callback_delay = Duration::from(kDefaultCallbackDelay);
  double talk_scale = 1;  // from handling_time_s
  YAML::Node answers;     // by question id; checked against the script at start()
};

Settings read_settings(const YAML::Node& node, const PluginContext& context) {
  const ConfigReader config(node, "simulated dialer");
  config.allow_only({"seed", "lines", "outcomes", "answered", "ring", "talk", "unanswered",
                     "callback_delay", "handling_time_s", "answers"});

  Settings settings;
  settings.config_path = context.config_path;
  settings.seed = static_cast<std::uint64_t>(config.get_integer("seed", 1));
  if (config.has("lines")) {
    const std::int64_t lines = config.get_integer("lines", 0);
    if (lines < 1) config.fail("lines", "'lines' must be at least 1");
    settings.lines = static_cast<int>(lines);
  }
  if (config.has("outcomes"))
    settings.outcomes = read_weights(config.node("outcomes"), "outcomes", true);
  if (config.has("answered"))
    settings.answered = read_weights(config.node("answered"), "answered", true);
  if (config.has("ring")) settings.ring = read_duration(config.node("ring"), "ring");
  if (config.has("callback_delay")) {
    settings.callback_delay = read_duration(config.node("callback_delay"), "callback_delay");
  }

  for (const DurationDefault& value : kDefaultTalk)
    settings.talk[value.disposition] = Duration::from(value);
  for (const auto& [name, duration] : read_durations(config.node("talk"), "talk")) {
    settings.talk[name] = duration;
  }
  for (const DurationDefault& value : kDefaultUnanswered) {
    settings.unanswered[value.disposition] = Duration::from(value);
  }
  for (const auto& [name, duration] : read_durations(config.node("unanswered"), "unanswered")) {
    settings.unanswered[name] = duration;
  }

  if (config.has("handling_time_s")) {
    const double wanted = config.get_number("handling_time_s", 0);
    if (!(wanted > 0) || !std::isfinite(wanted)) {
      config.fail("handling_time_s", "'handling_time_s' must be a number of seconds above 0");
    }
    double mean = 0;
    for (std::size_t i = 0; i < settings.answered.names.size(); ++i) {
      const auto it = settings.talk.find(settings.answered.names[i]);
      const Duration talk =
          it != settings.talk.end() ? it->second : Duration::from(kDefaultOtherTalk);
      mean += settings.answered.probabilities[i] / settings.answered.total() * talk.mean();
    }
    if (mean <= 0) {
      config.fail("handling_time_s",
                  "'handling_time_s' cannot scale talk times whose mean is 0; set `talk` first");
    }
    settings.talk_scale = wanted / mean;
  }

  // Assigning an absent (invalid) yaml-cpp node throws, so absent stays null.
  if (config.has("answers")) {
    settings.answers = config.node("answers");
    if (!settings.answers.IsMap()) {
      throw ConfigError(settings.answers,
                        "'answers' must map question ids to answer distributions");
    }
  }
  return settings;
}

// The distribution of the answer to one question.
struct AnswerModel {
  const QuestionInfo* question = nullptr;
  std::vector<double> weights;  // yes_no, choice: per option; multi: probability per option
  double min = 0;
  double max = 0;
  std::optional<Duration> normal;  // number: {mean, sd} instead of uniform

  Answer draw(Random& random) const {
    Answer answer{question->id, {}};
    switch (question->type) {
      case QuestionType::yes_no:
      case QuestionType::choice: {
        if (weights.empty()) break;
        double total = 0;
        for (double w : weights) total += w;
        double pick = random.uniform() * total;
        std::size_t chosen = weights.size() - 1;
        for (std::size_t i = 0; i < weights.size(); ++i) {
          if (pick < weights[i]) {
            chosen = i;
            break;
          }
          pick -= weights[i];
        }
        answer.values.push_back(question->options[chosen]);
        break;
      }
      case QuestionType::multi:
        for (std::size_t i = 0; i < weights.size(); ++i) {
          if (random.uniform() < weights[i]) answer.values.push_back(question->options[i]);
        }
        break;
      case QuestionType::number:
        answer.values.push_back(number_text(draw_number(random)));
        break;
      case QuestionType::say:
        break;
    }
    return answer;
  }

  double draw_number(Random& random) const {
    double value = normal ? random.normal(normal->first, normal->second) : random.uniform(min, max);
    value = std::clamp(value, min, max);
    if (question->integer) return std::clamp(std::round(value), std::ceil(min), std::floor(max));
    return std::round(value * 10) / 10;
  }

  std::string number_text(double value) const {
    if (question->integer) return std::to_string(static_cast<long long>(value));
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f", value);
    return buffer;
  }
};

class SimulatedDialer final : public Dialer {
 public:
  explicit SimulatedDialer(Settings settings) : settings_(std::move(settings)) {}

  void start(const ScriptInfo& script) override {
    script_ = script;
    for (QuestionInfo& question : script_.questions) {
      if (question.type == QuestionType::yes_no && question.options.empty()) {
        question.options = {"yes", "no"};
      }
    }
    check_dispositions(script_);
    build_answer_models();
  }

  CallResult call(const CallRequest& request) override {
    Random random(stream_seed(settings_.seed, request));
    CallResult result;

    const std::string& outcome = settings_.outcomes.pick(random);
    if (outcome != "answered") {
      result.disposition = outcome;
      result.duration =
          seconds(duration_of(settings_.unanswered, outcome, kDefaultOtherUnanswered, random));
      return result;
    }

    // Once someone picks up, each person on the number has their own
    // conversation, drawn from their own stream; the callback times count
    // from the end of the whole call.
    const double ring = settings_.ring.draw(random);
    PersonResult first = converse(request.contact_id, random);
    result.duration = seconds(ring) + first.talk;
    for (const HouseholdMember& member : request.household) {
      Random own(stream_seed(settings_.seed, member.contact_id, request.cycle, member.attempt));
      result.household.push_back(converse(member.contact_id, own));
      result.duration += result.household.back().talk;
    }

    const Instant end = request.start + result.duration;
    set_callback(first, end, random);
    for (std::size_t m = 0; m < result.household.size(); ++m) {
      Random own(stream_seed(settings_.seed, request.household[m].contact_id, request.cycle,
                             request.household[m].attempt) ^
                 kCallbackStream);
      set_callback(result.household[m], end, own);
    }

    result.disposition = std::move(first.disposition);
    result.talk = first.talk;
    result.answers = std::move(first.answers);
    result.callback_at = first.callback_at;
    return result;
  }

  std::optional<int> default_lines() const override { return settings_.lines; }

 private:
  static std::chrono::seconds seconds(double value) {
    return std::chrono::seconds(static_cast<std::int64_t>(std::llround(std::max(0.0, value))));
  }

  PersonResult converse(const std::string& contact_id, Random& random) const {
    PersonResult person;
    person.contact_id = contact_id;
    person.disposition = settings_.answered.pick(random);
    person.talk = seconds(settings_.talk_scale * duration_of(settings_.talk, person.disposition,
                                                             kDefaultOtherTalk, random));
    person.answers = draw_answers(person.disposition, random);
    return person;
  }

  void set_callback(PersonResult& person, Instant call_end, Random& random) const {
    if (person.disposition != "callback") return;
    const auto delay = seconds(settings_.callback_delay.draw(random));
    person.callback_at = std::chrono::ceil<std::chrono::minutes>(call_end + delay);
  }

  static double duration_of(const std::map<std::string, Duration>& table, const std::string& name,
                            const DurationDefault& fallback, Random& random) {
    const auto it = table.find(name);
    return (it != table.end() ? it->second : Duration::from(fallback)).draw(random);
  }

  std::vector<Answer> draw_answers(const std::string& disposition, Random& random) const {
    std::size_t count = 0;
    if (disposition == "completed") count = models_.size();
    // A partial call stops after at least one and before the last question.
    if (disposition == "partial" && models_.size() >= 2) {
      count =
          1 + static_cast<std::size_t>(random.uniform() * static_cast<double>(models_.size() - 1));
    }

    std::vector<Answer> answers;
    for (std::size_t i = 0; i < count; ++i) answers.push_back(models_[i].draw(random));
    return answers;
  }

  void check_dispositions(const ScriptInfo& script) const {
    if (script.dispositions.empty()) return;
    const auto check = [&](const std::string& name, const YAML::Node& node) {
      if (name == "answered") return;
      if (std::find(script.dispositions.begin(), script.dispositions.end(), name) !=
          script.dispositions.end()) {
        return;
      }
      throw PluginError(where(settings_.config_path, node) +
                        ": the simulated dialer names disposition '" + name +
                        "', which campaign '" + script.campaign +
                        "' does not have; its dispositions are " + join_names(script.dispositions));
    };
    for (const Weights* weights : {&settings_.outcomes, &settings_.answered}) {
      for (std::size_t i = 0; i < weights->names.size(); ++i) {
        check(weights->names[i], i < weights->nodes.size() ? weights->nodes[i] : YAML::Node());
      }
    }
  }

  void build_answer_models() {
    models_.clear();
    std::vector<std::string> ids;
    for (const QuestionInfo& question : script_.questions) {
      if (question.type == QuestionType::say) continue;
      ids.push_back(question.id);
      models_.push_back(default_model(question));
    }

    const YAML::Node& answers = settings_.answers;
    if (!answers.IsDefined() || answers.IsNull()) return;
    for (const auto& entry : answers) {
      const std::string id = entry.first.Scalar();
      const auto it = std::find(ids.begin(), ids.end(), id);
      if (it == ids.end()) {
        std::string message = where(settings_.config_path, entry.first) +
                              ": 'answers' names question '" + id + "', which campaign '" +
                              script_.campaign + "' does not ask";
        const std::string suggestion = nearest_name(id, ids);
        message += suggestion.empty() ? "; its questions are " + join_names(ids)
                                      : "; did you mean '" + suggestion + "'?";
        throw PluginError(message);
      }
      configure(models_[static_cast<std::size_t>(it - ids.begin())], entry.second);
    }
  }

  static AnswerModel default_model(const QuestionInfo& question) {
    AnswerModel model;
    model.question = &question;
    model.min = question.min;
    model.max = question.max;
    const double weight = question.type == QuestionType::multi ? kDefaultMultiProbability : 1.0;
    model.weights.assign(question.options.size(), weight);
    return model;
  }

  void configure(AnswerModel& model, const YAML::Node& node) const {
    const QuestionInfo& question = *model.question;
    const std::string context =
        where(settings_.config_path, node) + ": answers for question '" + question.id + "'";
    if (!node.IsMap()) throw PluginError(context + " must be a mapping");

    if (question.type == QuestionType::number) {
      configure_number(model, node, context);
      return;
    }

    // Options the config leaves out are never drawn (choice, yes_no) or
    // never chosen (multi).
    std::fill(model.weights.begin(), model.weights.end(), 0.0);
    double total = 0;
    for (const auto& entry : node) {
      const std::string option = entry.first.Scalar();
      const auto it = std::find(question.options.begin(), question.options.end(), option);
      if (it == question.options.end()) {
        throw PluginError(where(settings_.config_path, entry.first) + ": question '" + question.id +
                          "' has no option '" + option + "'; its options are " +
                          join_names(question.options));
      }
      double value = 0;
      try {
        value = entry.second.as<double>();
      } catch (const YAML::Exception&) {
        value = -1;
      }
      if (value < 0 || (question.type == QuestionType::multi && value > 1)) {
        throw PluginError(where(settings_.config_path, entry.second) + ": the value for option '" +
                          option + "' must be " +
                          (question.type == QuestionType::multi ? "a probability between 0 and 1"
                                                                : "a weight of 0 or more"));
      }
      model.weights[static_cast<std::size_t>(it - question.options.begin())] = value;
      total += value;
    }
    if (question.type != QuestionType::multi && total <= 0) {
      throw PluginError(context + " needs at least one positive weight");
    }
  }

  static void configure_number(AnswerModel& model, const YAML::Node& node,
                               const std::string& context) {
    const QuestionInfo& question = *model.question;
    const auto number = [&](const char* key, double fallback) {
      const YAML::Node value = node[key];
      if (!value.IsDefined()) return fallback;
      try {
        return value.as<double>();
      } catch (const YAML::Exception&) {
        throw PluginError(context + ": '" + key + "' must be a number");
      }
    };
    for (const auto& entry : node) {
      const std::string key = entry.first.Scalar();
      if (key != "min" && key != "max" && key != "mean" && key != "sd") {
        throw PluginError(context + ": unknown key '" + key + "'; use min and max, or mean and sd");
      }
    }

    model.min = number("min", question.min);
    model.max = number("max", question.max);
    if (model.min < question.min || model.max > question.max || model.min > model.max) {
      throw PluginError(context + ": the range must lie within " + format_number(question.min) +
                        ".." + format_number(question.max) + " with min <= max");
    }
    if (node["mean"].IsDefined() || node["sd"].IsDefined()) {
      const double mean = number("mean", (model.min + model.max) / 2);
      const double sd = number("sd", 0);
      if (sd < 0) throw PluginError(context + ": 'sd' must be 0 or more");
      model.normal = Duration{true, mean, sd};
    }
  }

  Settings settings_;
  ScriptInfo script_;
  std::vector<AnswerModel> models_;  // one per asked question, in script order
};

void register_simulated_dialer(Registry& registry) {
  registry.add_dialer("simulated", [](const YAML::Node& node, const PluginContext& context) {
    return std::make_unique<SimulatedDialer>(read_settings(node, context));
  });
}

}  // namespace
}  // namespace vigie::plugins::simulated

VIGIE_PLUGIN(dialer, simulated, "1.0.0", vigie::plugins::simulated::register_simulated_dialer)
