// The `replay` dialer: reads call outcomes from a CSV file, for tests and
// audits. Header (columns in any order):
//   contact_id,attempt,disposition,duration_s,answers[,callback_at][,cycle][,talk_s]
// - answers: `question=value` joined by `;`, several values of a multi
//   question joined by `|` (alone=yes;symptoms=fatigue|cramps)
// - callback_at: YYYY-MM-DDTHH:MM[:SS], with `Z` or an offset (+02:00), or
//   without one: the local time the person asked for, in their own zone
// - cycle: when present, the line applies to that cycle only; otherwise to
//   every cycle
// - talk_s: handling time; by default the whole duration of answered calls
//   and 0 for no_answer, busy, voicemail and failed
// An attempt with no line is `no_answer` lasting 30 s.
// On a shared number, the dialled contact's line decides whether the call was
// picked up; if it was, each household member's own line gives their
// disposition and answers, and their talk time lengthens the call.
//
// Config key: file (required; relative to the engine config's folder).

#include <date/tz.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "vigie/config_reader.hpp"
#include "vigie/convert.hpp"
#include "vigie/csv.hpp"
#include "vigie/plugin.hpp"

namespace vigie::plugins::replay {
namespace {

constexpr std::chrono::seconds kUnlistedDuration{30};
const std::set<std::string> kUnansweredDispositions = {"no_answer", "busy", "voicemail", "failed"};
const std::vector<std::string> kColumns = {"contact_id", "attempt",     "disposition", "duration_s",
                                           "answers",    "callback_at", "cycle",       "talk_s"};

struct Line {
  std::size_t line = 0;
  CallResult result;
};

// (cycle, contact, attempt); cycle 0 matches every cycle.
using Key = std::tuple<int, std::string, int>;

std::optional<int> read_offset_minutes(std::string_view text) {
  if (text == "Z") return 0;
  if (text.size() != 6 || (text[0] != '+' && text[0] != '-') || text[3] != ':') return std::nullopt;
  const auto hours = parse_integer(text.substr(1, 2));
  const auto minutes = parse_integer(text.substr(4, 2));
  if (!hours.ok() || !minutes.ok() || *hours.value > 14 || *minutes.value > 59) return std::nullopt;
  const int total = static_cast<int>(*hours.value * 60 + *minutes.value);
  return text[0] == '-' ? -total : total;
}

// Parses YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM] into `result`: an instant when an
// offset is written, else a local time in the called person's own zone.
// Returns false when malformed.
bool parse_callback(std::string_view text, CallResult& result) {
  if (text.size() < 16 || text[10] != 'T' || text[13] != ':') return false;
  const Converted<CivilDate> day = parse_date(text.substr(0, 10), DateFormat::iso);
  const auto hour = parse_integer(text.substr(11, 2));
  const auto minute = parse_integer(text.substr(14, 2));
  if (!day.ok() || !hour.ok() || !minute.ok() || *hour.value > 23 || *minute.value > 59) {
    return false;
  }
  std::size_t rest = 16;
  std::int64_t second = 0;
  if (text.size() >= 19 && text[16] == ':') {
    const auto parsed = parse_integer(text.substr(17, 2));
    if (!parsed.ok() || *parsed.value > 59) return false;
    second = *parsed.value;
    rest = 19;
  }

  LocalDateTime local{*day.value, static_cast<int>(*hour.value), static_cast<int>(*minute.value),
                      static_cast<int>(second)};
  if (rest == text.size()) {
    result.callback_local = local;
    return true;
  }
  const std::optional<int> offset = read_offset_minutes(text.substr(rest));
  if (!offset) return false;
  const date::local_days local_day{date::year{local.date.year} / local.date.month / local.date.day};
  const auto wall = local_day + std::chrono::hours(local.hour) +
                    std::chrono::minutes(local.minute) + std::chrono::seconds(local.second);
  result.callback_at = Instant{wall.time_since_epoch() - std::chrono::minutes(*offset)};
  return true;
}

class ReplayFile {
 public:
  explicit ReplayFile(std::string path) : path_(std::move(path)) {}

  void load() {
    const CsvTable table = read_table();
    const std::map<std::string, std::size_t> column = map_header(table);
    for (const CsvRecord& record : table.records) read_record(record, column);
  }

  const std::string& path() const { return path_; }
  const std::map<Key, Line>& lines() const { return lines_; }

 private:
  [[noreturn]] void fail(std::size_t line, const std::string& message) const {
    throw PluginError(path_ + ":" + std::to_string(line) + ": " + message);
  }

  CsvTable read_table() const {
    const std::optional<std::string> text = read_text_file(path_);
    if (!text)
      throw PluginError("cannot read replay file " + path_ + "; check the dialer's `file`");
    try {
      return parse_csv(*text, ',');
    } catch (const CsvError& error) {
      fail(error.line(), error.what());
    }
  }

  std::map<std::string, std::size_t> map_header(const CsvTable& table) const {
    std::map<std::string, std::size_t> column;
    for (std::size_t i = 0; i < table.header.size(); ++i) {
      const std::string name(trim(table.header[i]));
      if (std::find(kColumns.begin(), kColumns.end(), name) == kColumns.end()) {
        fail(1, "unknown column '" + name + "'; the columns are " + join_names(kColumns));
      }
      column[name] = i;
    }
    for (const char* required : {"contact_id", "attempt", "disposition", "duration_s", "answers"}) {
      if (!column.count(required)) {
        fail(1, std::string("missing column '") + required +
                    "'; the header must be contact_id,attempt,disposition,duration_s,answers"
                    "[,callback_at]");
      }
    }
    return column;
  }

  void read_record(const CsvRecord& record, const std::map<std::string, std::size_t>& column) {
    const std::size_t line = record.line;
    if (record.fields.size() == 1 && trim(record.fields[0]).empty()) return;
    if (record.fields.size() > kColumns.size() || record.fields.size() < column.size()) {
      fail(line, "the line has " + std::to_string(record.fields.size()) +
                     " fields but the header has " + std::to_string(column.size()) +
                     "; quote fields that contain a comma");
    }
    const auto field = [&](const std::string& name) -> std::string {
      const auto it = column.find(name);
      return it == column.end() ? std::string() : std::string(trim(record.fields[it->second]));
    };

    const std::string contact = field("contact_id");
    if (contact.empty()) fail(line, "empty contact_id");
    const int attempt = read_count(field("attempt"), "attempt", line, 1);
    const int cycle = column.count("cycle") ? read_count(field("cycle"), "cycle", line, 1) : 0;

    Line entry;
    entry.line = line;
    CallResult& result = entry.result;
    result.disposition = field("disposition");
    if (result.disposition.empty())
      fail(line, "empty disposition; write one such as completed or no_answer");
    result.duration = std::chrono::seconds(read_count(field("duration_s"), "duration_s", line, 0));
    // No phone call lasts a day; a larger value is a typo that would push
    // every later call of that line past the window.
    if (result.duration > std::chrono::hours(24)) {
      fail(line, "duration_s " + std::to_string(result.duration.count()) +
                     " is longer than a day; write the call's length in seconds");
    }
    const bool answered = kUnansweredDispositions.count(result.disposition) == 0;
    result.talk = column.count("talk_s") && !field("talk_s").empty()
                      ? std::chrono::seconds(read_count(field("talk_s"), "talk_s", line, 0))
                      : (answered ? result.duration : std::chrono::seconds(0));
    if (result.talk > result.duration) fail(line, "talk_s is longer than duration_s");
    result.answers = parse_answers(field("answers"), line);

    const std::string callback = field("callback_at");
    if (!callback.empty()) {
      if (result.disposition != "callback") {
        fail(line, "callback_at is set but the disposition is '" + result.disposition +
                       "'; only callback takes a time");
      }
      if (!parse_callback(callback, result)) {
        fail(line,
             "callback_at '" + callback +
                 "' is not a valid time; write YYYY-MM-DDTHH:MM, optionally with Z or an offset "
                 "such as +02:00");
      }
    }

    const auto [it, inserted] = lines_.emplace(Key{cycle, contact, attempt}, std::move(entry));
    if (!inserted) {
      fail(line, "contact '" + contact + "' attempt " + std::to_string(attempt) +
                     " is already given on line " + std::to_string(it->second.line) +
                     "; keep one line");
    }
  }

  int read_count(const std::string& text, const std::string& name, std::size_t line,
                 int min) const {
    const Converted<std::int64_t> value = parse_integer(text);
    if (!value.ok() || *value.value < min || *value.value > 100000000) {
      fail(line,
           name + " '" + text + "' must be a whole number of at least " + std::to_string(min));
    }
    return static_cast<int>(*value.value);
  }

  std::vector<Answer> parse_answers(const std::string& text, std::size_t line) const {
    std::vector<Answer> answers;
    std::size_t start = 0;
    while (start <= text.size() && !text.empty()) {
      const std::size_t end = std::min(text.find(';', start), text.size());
      const std::string_view item = trim(std::string_view(text).substr(start, end - start));
      start = end + 1;
      if (item.empty()) continue;

      const std::size_t equals = item.find('=');
      if (equals == std::string_view::npos || equals == 0) {
        fail(line, "answer '" + std::string(item) + "' must read question=value");
      }
      Answer answer{std::string(trim(item.substr(0, equals))), {}};
      const std::string_view values = item.substr(equals + 1);
      std::size_t from = 0;
      while (from <= values.size()) {
        const std::size_t bar = std::min(values.find('|', from), values.size());
        const std::string_view value = trim(values.substr(from, bar - from));
        if (!value.empty()) answer.values.emplace_back(value);
        from = bar + 1;
      }
      answers.push_back(std::move(answer));
    }
    return answers;
  }

  std::string path_;
  std::map<Key, Line> lines_;
};

class ReplayDialer final : public Dialer {
 public:
  explicit ReplayDialer(ReplayFile file) : file_(std::move(file)) {}

  void start(const ScriptInfo& script) override {
    for (const auto& [key, entry] : file_.lines()) check(entry, script);
  }

  CallResult call(const CallRequest& request) override {
    CallResult result = line_for(request.cycle, request.contact_id, request.attempt);
    if (kUnansweredDispositions.count(result.disposition) != 0 ||
        result.disposition == "wrong_number") {
      return result;  // the line's result applies to the whole household
    }

    // Each household member's own line adds their talk time to the call.
    for (const HouseholdMember& member : request.household) {
      CallResult own = line_for(request.cycle, member.contact_id, member.attempt);
      PersonResult person;
      person.contact_id = member.contact_id;
      person.disposition = own.disposition;
      person.talk = own.talk;
      person.answers = std::move(own.answers);
      person.callback_at = own.callback_at;
      person.callback_local = own.callback_local;
      result.duration += own.talk;
      result.household.push_back(std::move(person));
    }
    return result;
  }

 private:
  // The file's line for an attempt, or `no_answer` lasting 30 s.
  CallResult line_for(int cycle, const std::string& contact_id, int attempt) const {
    const auto& lines = file_.lines();
    auto it = lines.find(Key{cycle, contact_id, attempt});
    if (it == lines.end()) it = lines.find(Key{0, contact_id, attempt});
    if (it != lines.end()) return it->second.result;

    CallResult result;
    result.disposition = "no_answer";
    result.duration = kUnlistedDuration;
    return result;
  }

  void check(const Line& entry, const ScriptInfo& script) const {
    const std::string at = file_.path() + ":" + std::to_string(entry.line) + ": ";
    const auto& dispositions = script.dispositions;
    if (!dispositions.empty() && std::find(dispositions.begin(), dispositions.end(),
                                           entry.result.disposition) == dispositions.end()) {
      throw PluginError(at + "unknown disposition '" + entry.result.disposition + "'; campaign '" +
                        script.campaign + "' has " + join_names(dispositions));
    }
    for (const Answer& answer : entry.result.answers) check_answer(answer, script, at);
  }

  static void check_answer(const Answer& answer, const ScriptInfo& script, const std::string& at) {
    const auto question =
        std::find_if(script.questions.begin(), script.questions.end(),
                     [&](const QuestionInfo& q) { return q.id == answer.question; });
    if (question == script.questions.end() || question->type == QuestionType::say) {
      std::vector<std::string> ids;
      for (const QuestionInfo& q : script.questions) {
        if (q.type != QuestionType::say) ids.push_back(q.id);
      }
      const std::string suggestion = nearest_name(answer.question, ids);
      throw PluginError(at + "campaign '" + script.campaign + "' asks no question '" +
                        answer.question + "'" +
                        (suggestion.empty() ? "; its questions are " + join_names(ids)
                                            : "; did you mean '" + suggestion + "'?"));
    }
    if (answer.values.size() != 1 && question->type != QuestionType::multi) {
      throw PluginError(at + "question '" + answer.question +
                        "' takes one value; only multi questions "
                        "take several joined by |");
    }

    for (const std::string& value : answer.values) {
      if (question->type == QuestionType::number) {
        const Converted<double> number = parse_decimal(value);
        if (!number.ok() || *number.value < question->min || *number.value > question->max) {
          throw PluginError(at + "answer '" + value + "' to question '" + answer.question +
                            "' must be a number in " + format_number(question->min) + ".." +
                            format_number(question->max));
        }
        continue;
      }
      std::vector<std::string> options = question->options;
      if (question->type == QuestionType::yes_no && options.empty()) options = {"yes", "no"};
      if (std::find(options.begin(), options.end(), value) == options.end()) {
        throw PluginError(at + "question '" + answer.question + "' has no option '" + value +
                          "'; its options are " + join_names(options));
      }
    }
  }

  ReplayFile file_;
};

std::unique_ptr<Dialer> make_replay(const YAML::Node& node, const PluginContext& context) {
  const ConfigReader config(node, "replay dialer");
  config.allow_only({"file"});
  const std::string path = resolve_path(context.config_dir, config.require_string("file"));

  ReplayFile file(path);
  file.load();
  return std::make_unique<ReplayDialer>(std::move(file));
}

void register_replay_dialer(Registry& registry) {
  registry.add_dialer("replay", make_replay);
}

}  // namespace
}  // namespace vigie::plugins::replay

VIGIE_PLUGIN(dialer, replay, "1.0.0", vigie::plugins::replay::register_replay_dialer)
