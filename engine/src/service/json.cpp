#include "service/json.hpp"

#include <limits>

#include "service/api_error.hpp"
#include "service/audit.hpp"

namespace vigie::service {

namespace {

constexpr std::size_t kMaxPeople = 50;
constexpr std::size_t kMaxAnswers = 500;
constexpr std::size_t kMaxValues = 100;
constexpr std::size_t kMaxValueSize = 1000;
constexpr long long kMaxTalkSeconds = 24 * 3600;

const char* kind_name(ir::StepKind kind) {
  switch (kind) {
    case ir::StepKind::say:
      return "say";
    case ir::StepKind::yes_no:
      return "yes_no";
    case ir::StepKind::choice:
      return "choice";
    case ir::StepKind::multi:
      return "multi";
    case ir::StepKind::number:
      return "number";
  }
  return "say";
}

Json seconds_or_null(const std::optional<common::Seconds>& duration) {
  return duration ? Json(duration->count()) : Json(nullptr);
}

Json counts(const std::map<std::string, std::size_t>& values) {
  Json out = Json::object();
  for (const auto& [key, count] : values) out[key] = count;
  return out;
}

Json trigger_json(const std::optional<ir::Trigger>& trigger) {
  if (!trigger) return nullptr;
  const char* op = ir::comparison_text(trigger->comparison);
  return Json{{"alert", trigger->alert}, {"op", op ? op : ">="}, {"level", trigger->level}};
}

// Reads a JSON value that stands for an answer value: text, or a number or
// boolean written as text.
std::string value_text(const Json& value, const std::string& where) {
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    if (text.size() > kMaxValueSize) throw invalid_request(where + " is too long");
    return text;
  }
  if (value.is_number()) return value.dump();
  throw invalid_request(where + " must be text, such as \"yes\", an option id or \"3\"");
}

std::optional<LocalDateTime> parse_callback(const Json& value, const std::string& where) {
  if (value.is_null()) return std::nullopt;
  if (!value.is_string()) {
    throw invalid_request(where + " must be \"YYYY-MM-DDTHH:MM\" (local to the person) or null");
  }
  const std::optional<common::LocalTime> local =
      common::parse_local_datetime(value.get_ref<const std::string&>());
  if (!local) {
    throw invalid_request(where + " must be \"YYYY-MM-DDTHH:MM\" (local to the person), got \"" +
                          value.get<std::string>() + "\"");
  }
  const auto day = date::floor<date::days>(*local);
  const date::year_month_day ymd(day);
  const date::hh_mm_ss time(*local - day);
  LocalDateTime out;
  out.date = {static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
              static_cast<int>(static_cast<unsigned>(ymd.day()))};
  out.hour = static_cast<int>(time.hours().count());
  out.minute = static_cast<int>(time.minutes().count());
  out.second = static_cast<int>(time.seconds().count());
  return out;
}

}  // namespace

std::string iso(common::Instant at) {
  return iso_utc(at);
}

Json iso_or_null(const std::optional<common::Instant>& at) {
  return at ? Json(iso(*at)) : Json(nullptr);
}

Json to_json(const runtime::PersonRecord& person) {
  Json fields = Json::object();
  for (const auto& [name, value] : person.fields) fields[name] = value;

  Json attempts = Json::array();
  for (const runtime::PreviousAttempt& attempt : person.previous_attempts) {
    attempts.push_back({{"cycle", attempt.cycle},
                        {"attempt", attempt.attempt},
                        {"start", iso(attempt.start)},
                        {"disposition", attempt.disposition}});
  }
  Json outcomes = Json::array();
  for (const auto& [cycle, outcome] : person.previous_outcomes) {
    outcomes.push_back({{"cycle", cycle}, {"outcome", outcome}});
  }

  Json out;
  out["contact_id"] = person.contact_id;
  out["phone"] = person.phone;
  out["attempt"] = person.attempt;
  out["timezone"] = person.timezone;
  out["fields"] = std::move(fields);
  out["previous_attempts"] = std::move(attempts);
  out["previous_outcomes"] = std::move(outcomes);
  return out;
}

Json to_json(const runtime::Handout& handout) {
  Json people = Json::array();
  for (const runtime::PersonRecord& person : handout.people) people.push_back(to_json(person));

  Json out;
  out["token"] = handout.token;
  out["campaign"] = handout.campaign;
  out["cycle"] = handout.cycle;
  out["taken_at"] = iso(handout.taken_at);
  out["expires_at"] = iso(handout.expires_at);
  out["people"] = std::move(people);
  return out;
}

Json to_json(const runtime::CycleStatus& cycle) {
  Json out;
  out["cycle"] = cycle.cycle;
  out["started"] = iso(cycle.started);
  out["window_end"] = iso(cycle.window_end);
  out["ended"] = iso_or_null(cycle.ended);
  out["start_deadline"] = iso_or_null(cycle.start_deadline);
  out["first_call_at"] = iso_or_null(cycle.first_call_at);
  out["contacts"] = cycle.contacts;
  out["attempted"] = cycle.attempted;
  out["decided"] = cycle.decided;
  out["held"] = cycle.held;
  out["attempts"] = cycle.attempts;
  out["useful"] = cycle.useful;
  out["useful_rate"] =
      cycle.contacts == 0 ? 0.0
                          : static_cast<double>(cycle.useful) / static_cast<double>(cycle.contacts);
  out["outcomes"] = counts(cycle.outcomes);
  out["routes"] = counts(cycle.routes);
  return out;
}

Json to_json(const runtime::LiveStatus& status) {
  Json cycles = Json::array();
  for (const runtime::CycleStatus& cycle : status.cycles) cycles.push_back(to_json(cycle));

  Json out;
  out["campaign"] = status.campaign;
  out["title"] = status.title;
  out["timezone"] = status.timezone;
  out["target"] = status.target ? Json(*status.target) : Json(nullptr);
  out["start_within_s"] = seconds_or_null(status.start_within);
  out["recontact_every_s"] = seconds_or_null(status.recontact_every);
  out["trigger"] = trigger_json(status.trigger);
  out["trigger_holds"] = status.trigger_holds;
  out["next_cycle_at"] = iso_or_null(status.next_cycle_at);
  out["cycles"] = std::move(cycles);
  out["agents_active"] = status.agents_active;
  out["attempts_last_hour"] = status.attempts_last_hour;
  out["attempts_per_hour"] = status.attempts_last_hour;
  out["outbox_pending"] = status.outbox_pending;
  out["dispositions"] = counts(status.dispositions);
  return out;
}

Json campaign_json(const runtime::LiveStatus& status) {
  Json out;
  out["name"] = status.campaign;
  out["title"] = status.title;
  out["timezone"] = status.timezone;
  out["trigger"] = trigger_json(status.trigger);
  out["target"] = status.target ? Json(*status.target) : Json(nullptr);
  out["start_within_s"] = seconds_or_null(status.start_within);
  out["recontact_every_s"] = seconds_or_null(status.recontact_every);
  out["status"] = to_json(status);
  return out;
}

const char* desk_state_name(runtime::DeskState state) {
  switch (state) {
    case runtime::DeskState::open:
      return "open";
    case runtime::DeskState::acknowledged:
      return "acknowledged";
    case runtime::DeskState::closed:
      return "closed";
  }
  return "open";
}

Json to_json(const runtime::DeskAlert& alert) {
  Json scores = Json::object();
  for (const auto& [name, value] : alert.scores) scores[name] = value;

  Json out;
  out["campaign"] = alert.campaign;
  out["cycle"] = alert.cycle;
  out["route"] = alert.route;
  out["route_title"] = alert.route_title;
  out["contact_id"] = alert.contact_id;
  out["fired_at"] = iso(alert.fired_at);
  out["due"] = iso(alert.due);
  out["due_local"] = alert.due_local;
  out["scores"] = std::move(scores);
  out["state"] = desk_state_name(alert.state);
  out["acknowledged_by"] =
      alert.acknowledged_by.empty() ? Json(nullptr) : Json(alert.acknowledged_by);
  out["acknowledged_at"] = iso_or_null(alert.acknowledged_at);
  out["closed_by"] = alert.closed_by.empty() ? Json(nullptr) : Json(alert.closed_by);
  out["closed_at"] = iso_or_null(alert.closed_at);
  return out;
}

Json to_json(const Answer& answer) {
  return Json{{"question", answer.question}, {"values", answer.values}};
}

Json to_json(const runtime::SettleResult& settled) {
  Json questions = Json::array();
  for (const runtime::QuestionState& question : settled.questions) {
    questions.push_back(
        {{"id", question.id}, {"applies", question.applies}, {"answered", question.answered}});
  }
  Json answers = Json::array();
  for (const Answer& answer : settled.answers) answers.push_back(to_json(answer));

  Json out;
  out["questions"] = std::move(questions);
  out["answers"] = std::move(answers);
  out["cleared"] = settled.cleared;
  out["complete"] = settled.complete;
  return out;
}

Json to_json(const runtime::PersonDecision& decision) {
  Json out;
  out["contact_id"] = decision.contact_id;
  out["attempt"] = decision.attempt;
  out["final"] = decision.final;
  out["outcome"] = decision.final ? Json(decision.outcome) : Json(nullptr);
  out["next_attempt"] = iso_or_null(decision.next_attempt);
  out["routes"] = decision.routes;
  return out;
}

Json to_json(const AlertRecord& alert) {
  Json out;
  out["name"] = alert.name;
  out["level"] = alert.level;
  out["active"] = alert.active;
  out["raised_at"] = iso(alert.raised_at);
  out["raised_by"] = alert.raised_by;
  out["ended_at"] = iso_or_null(alert.ended_at);
  return out;
}

Json script_json(const ir::Campaign& campaign) {
  Json questions = Json::array();
  for (const ir::Question& question : campaign.questions) {
    Json options = Json::array();
    if (question.kind == ir::StepKind::yes_no) {
      // The answer values of a yes_no question; the console words them.
      options.push_back({{"id", "yes"}, {"label", "yes"}});
      options.push_back({{"id", "no"}, {"label", "no"}});
    }
    for (const ir::Option& option : question.options) {
      options.push_back({{"id", option.id}, {"label", option.label}});
    }
    const bool number = question.kind == ir::StepKind::number;

    Json item;
    item["id"] = question.id;
    item["text"] = question.text;
    item["kind"] = kind_name(question.kind);
    item["options"] = std::move(options);
    item["min"] = number ? Json(question.min) : Json(nullptr);
    item["max"] = number ? Json(question.max) : Json(nullptr);
    item["integer"] = number ? Json(question.integer) : Json(nullptr);
    item["optional"] = question.optional;
    item["conditional"] = question.condition.has_value();
    questions.push_back(std::move(item));
  }

  // `unreachable` is an outcome the engine decides; no call reports it.
  Json dispositions = Json::array();
  for (std::size_t i = 0; i < campaign.dispositions.size(); ++i) {
    if (static_cast<std::int32_t>(i) == ir::kUnreachable) continue;
    const ir::Disposition& disposition = campaign.dispositions[i];
    dispositions.push_back(
        {{"id", disposition.name}, {"label", disposition.label}, {"final", disposition.final}});
  }

  Json out;
  out["campaign"] = campaign.name;
  out["title"] = campaign.title;
  out["questions"] = std::move(questions);
  out["dispositions"] = std::move(dispositions);
  return out;
}

// ---------------------------------------------------------------- requests

Json parse_body(const std::string& text) {
  if (text.empty()) return Json::object();
  Json body;
  try {
    body = Json::parse(text);
  } catch (const nlohmann::json::parse_error& error) {
    throw invalid_request(std::string("the body is not valid JSON: ") + error.what());
  }
  if (!body.is_object()) throw invalid_request("the body must be a JSON object");
  return body;
}

std::string text_member(const Json& body, const std::string& key, std::size_t max_size) {
  const auto found = body.find(key);
  if (found == body.end() || !found->is_string()) {
    throw invalid_request("\"" + key + "\" is missing or not text");
  }
  const std::string& text = found->get_ref<const std::string&>();
  if (text.empty()) throw invalid_request("\"" + key + "\" is empty");
  if (text.size() > max_size) {
    throw invalid_request("\"" + key + "\" is longer than " + std::to_string(max_size) + " bytes");
  }
  return text;
}

std::vector<Answer> parse_answers(const Json& body, const std::string& where) {
  const auto found = body.find("answers");
  if (found == body.end() || found->is_null()) return {};
  if (!found->is_array()) throw invalid_request(where + "\"answers\" must be a list");
  if (found->size() > kMaxAnswers) throw invalid_request(where + "\"answers\" is too long");

  std::vector<Answer> answers;
  for (const Json& item : *found) {
    if (!item.is_object()) {
      throw invalid_request(where + "each answer must be {\"question\": ID, \"values\": [...]}");
    }
    Answer answer;
    answer.question = text_member(item, "question", 128);
    const auto values = item.find("values");
    if (values == item.end() || !values->is_array()) {
      throw invalid_request(where + "answer to \"" + answer.question + "\" has no \"values\" list");
    }
    if (values->size() > kMaxValues) {
      throw invalid_request(where + "answer to \"" + answer.question + "\" has too many values");
    }
    for (const Json& value : *values) {
      answer.values.push_back(value_text(value, where + "a value of \"" + answer.question + "\""));
    }
    answers.push_back(std::move(answer));
  }
  return answers;
}

runtime::Submission parse_submission(const Json& body) {
  runtime::Submission submission;
  submission.token = text_member(body, "token", 256);

  if (const auto talk = body.find("talk_s"); talk != body.end() && !talk->is_null()) {
    if (!talk->is_number_integer() || talk->get<long long>() < 0 ||
        talk->get<long long>() > kMaxTalkSeconds) {
      throw invalid_request("\"talk_s\" must be whole seconds from 0 to 86400");
    }
    submission.talk = std::chrono::seconds{talk->get<long long>()};
  }

  const auto people = body.find("people");
  if (people == body.end() || !people->is_array() || people->empty()) {
    throw invalid_request("\"people\" must be a non-empty list, one entry per person handed out");
  }
  if (people->size() > kMaxPeople) throw invalid_request("\"people\" is too long");
  for (const Json& item : *people) {
    if (!item.is_object()) throw invalid_request("each entry of \"people\" must be an object");
    runtime::PersonSubmission person;
    person.contact_id = text_member(item, "contact_id");
    const std::string where = "person " + person.contact_id + ": ";
    person.disposition = text_member(item, "disposition", 128);
    person.answers = parse_answers(item, where);
    if (const auto callback = item.find("callback_local"); callback != item.end()) {
      person.callback_local = parse_callback(*callback, where + "\"callback_local\"");
    }
    submission.people.push_back(std::move(person));
  }
  return submission;
}

}  // namespace vigie::service
