// `vigie explain`, second half: the explanation as text for people and as
// JSON for tools.

#include <algorithm>
#include <ostream>

#include <nlohmann/json.hpp>

#include "runtime/campaign_tests.hpp"
#include "runtime/explain.hpp"
#include "runtime/roster.hpp"

namespace vigie::runtime {
namespace {

using nlohmann::ordered_json;

// ---------------------------------------------------------------- text

std::string shown(const Explanation& explanation, const ExplainedValue& value) {
  return display_value(*explanation.campaign, value.type, value.value);
}

const char* truth_label(const common::Value& value) {
  if (value.is_missing()) return "manquant / missing";
  if (value.kind == common::ValueKind::boolean && value.boolean) return "vrai / true";
  return "faux / false";
}

std::size_t code_points(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string padded(const std::string& text, std::size_t width) {
  std::size_t length = code_points(text);
  return length >= width ? text : text + std::string(width - length, ' ');
}

std::string points_text(const Explanation& explanation, const ExplainedValue& points) {
  std::string text = shown(explanation, points);
  return text.front() == '-' ? text : "+" + text;
}

void print_values(std::ostream& out, const Explanation& explanation, const char* label,
                  const std::vector<GivenValue>& values) {
  out << "  " << label << " :";
  if (values.empty()) out << " aucune / none";
  for (std::size_t i = 0; i < values.size(); ++i) {
    out << (i == 0 ? " " : ", ") << values[i].name << " = " << shown(explanation, values[i].value);
  }
  out << '\n';
}

void print_inputs(std::ostream& out, const Explanation& explanation) {
  const ir::Campaign& campaign = *explanation.campaign;
  out << "  date / today : " << display_value(campaign, {ir::TypeKind::date}, explanation.today)
      << "   issue / outcome : "
      << campaign.dispositions[static_cast<std::size_t>(explanation.requested_outcome)].name
      << "   appels / attempts : " << explanation.attempts << "   cycle : " << explanation.cycle
      << '\n';
  print_values(out, explanation, "champs / fields", explanation.fields);
  print_values(out, explanation, "réponses / answers", explanation.answers);

  for (const DiscardedAnswer& discarded : explanation.discarded) {
    out << "  réponse écartée / discarded answer : " << discarded.question
        << " (condition fausse / condition does not hold : if " << discarded.condition << ")\n";
  }
  out << "  questionnaire : "
      << (explanation.complete ? "complet / complete" : "incomplet / incomplete");
  if (!explanation.unanswered.empty()) {
    out << ", sans réponse / unanswered :";
    for (const std::string& question : explanation.unanswered) out << ' ' << question;
  }
  out << '\n';
  if (explanation.outcome != explanation.requested_outcome) {
    out << "  issue retenue / outcome used : "
        << campaign.dispositions[static_cast<std::size_t>(explanation.outcome)].name
        << " (completed avec questionnaire incomplet / completed with an incomplete "
           "questionnaire)\n";
  }
}

void print_score(std::ostream& out, const Explanation& explanation, const ScoreLine& score) {
  std::size_t width = 0;
  for (const RuleLine& rule : score.rules) width = std::max(width, code_points(rule.condition));

  out << "  score " << score.name << '\n';
  for (const RuleLine& rule : score.rules) {
    out << "    " << padded(rule.condition, width) << "   "
        << padded(truth_label(rule.held.value), 18) << "  " << points_text(explanation, rule.points)
        << '\n';
  }
  out << "  score " << score.name << " = " << shown(explanation, score.total) << '\n';
}

void print_rules(std::ostream& out, const Explanation& explanation) {
  if (!explanation.lets.empty()) out << '\n';
  for (const LetLine& let : explanation.lets) {
    out << "  let " << let.name << " = " << shown(explanation, let.value) << "   # "
        << let.expression << '\n';
  }

  for (const ScoreLine& score : explanation.scores) {
    out << '\n';
    print_score(out, explanation, score);
  }

  if (!explanation.routes.empty()) out << '\n';
  for (const RouteLine& route : explanation.routes) {
    out << "  route " << route.name << " « " << route.title
        << " » : " << (route.fires ? "déclenchée / fires" : "non déclenchée / does not fire")
        << '\n';
    out << "    when " << route.when << " : " << truth_label(route.held.value) << '\n';
  }

  out << '\n';
  out << "  utile / useful : " << (explanation.useful ? "oui / yes" : "non / no") << "   # "
      << explanation.useful_when << '\n';
}

// ---------------------------------------------------------------- JSON

ordered_json json_value(const Explanation& explanation, const ExplainedValue& value) {
  using common::ValueKind;
  const common::Value& v = value.value;
  switch (v.kind) {
    case ValueKind::missing:
      return nullptr;
    case ValueKind::boolean:
      return v.boolean;
    case ValueKind::integer:
      return v.integer;
    case ValueKind::decimal:
      return v.decimal;
    case ValueKind::text:
      return std::string(v.text);
    case ValueKind::date:
      return value_text(v);
    case ValueKind::duration:
      return v.seconds;
    case ValueKind::set: {
      ordered_json options = ordered_json::array();
      if (value.type.question < 0) return options;
      const ir::Question& question =
          explanation.campaign->questions[static_cast<std::size_t>(value.type.question)];
      for (std::size_t i = 0; i < question.options.size(); ++i) {
        if ((v.bits >> i & 1U) != 0) options.push_back(question.options[i].id);
      }
      return options;
    }
    case ValueKind::option:
    case ValueKind::disposition:
      break;
  }
  return shown(explanation, value);
}

ordered_json json_values(const Explanation& explanation, const std::vector<GivenValue>& values) {
  ordered_json object = ordered_json::object();
  for (const GivenValue& given : values) object[given.name] = json_value(explanation, given.value);
  return object;
}

ordered_json json_inputs(const Explanation& explanation) {
  const ir::Campaign& campaign = *explanation.campaign;
  ordered_json inputs;
  inputs["today"] = json_value(explanation, {{ir::TypeKind::date}, explanation.today});
  inputs["outcome"] =
      campaign.dispositions[static_cast<std::size_t>(explanation.requested_outcome)].name;
  inputs["attempts"] = explanation.attempts;
  inputs["cycle"] = explanation.cycle;
  inputs["fields"] = json_values(explanation, explanation.fields);
  inputs["answers"] = json_values(explanation, explanation.answers);
  return inputs;
}

ordered_json json_rules(const Explanation& explanation, ordered_json j) {
  j["lets"] = ordered_json::array();
  for (const LetLine& let : explanation.lets) {
    j["lets"].push_back({{"name", let.name},
                         {"expression", let.expression},
                         {"value", json_value(explanation, let.value)}});
  }

  j["scores"] = ordered_json::array();
  for (const ScoreLine& score : explanation.scores) {
    ordered_json rules = ordered_json::array();
    for (const RuleLine& rule : score.rules) {
      rules.push_back({{"condition", rule.condition},
                       {"held", json_value(explanation, rule.held)},
                       {"points", json_value(explanation, rule.points)}});
    }
    j["scores"].push_back(
        {{"name", score.name}, {"rules", rules}, {"total", json_value(explanation, score.total)}});
  }

  j["routes"] = ordered_json::array();
  for (const RouteLine& route : explanation.routes) {
    j["routes"].push_back({{"name", route.name},
                           {"title", route.title},
                           {"when", route.when},
                           {"held", json_value(explanation, route.held)},
                           {"fires", route.fires},
                           {"notify", route.notifier},
                           {"within_s", route.within.count()}});
  }

  j["useful"] = {{"when", explanation.useful_when}, {"value", explanation.useful}};
  return j;
}

}  // namespace

void print_explanation(std::ostream& out, const Explanation& explanation) {
  const ir::Campaign& campaign = *explanation.campaign;
  out << "Campagne " << campaign.name;
  if (!campaign.title.empty()) out << " — " << campaign.title;
  out << '\n';

  print_inputs(out, explanation);
  print_rules(out, explanation);
}

void print_explanation_json(std::ostream& out, const Explanation& explanation) {
  const ir::Campaign& campaign = *explanation.campaign;
  ordered_json j;
  j["campaign"] = campaign.name;
  j["title"] = campaign.title;
  j["inputs"] = json_inputs(explanation);

  j["discarded_answers"] = ordered_json::array();
  for (const DiscardedAnswer& discarded : explanation.discarded) {
    j["discarded_answers"].push_back(
        {{"question", discarded.question}, {"condition", discarded.condition}});
  }
  j["questionnaire"] = {{"complete", explanation.complete}, {"unanswered", explanation.unanswered}};
  j["outcome"] = campaign.dispositions[static_cast<std::size_t>(explanation.outcome)].name;

  j = json_rules(explanation, std::move(j));
  // Text fields come from the command line and may hold invalid UTF-8.
  out << j.dump(2, ' ', /*ensure_ascii=*/false, ordered_json::error_handler_t::replace) << '\n';
}

}  // namespace vigie::runtime
