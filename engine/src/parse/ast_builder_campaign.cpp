// Campaign declarations: clauses, source, script, scores, routes and tests.
#include <array>

#include "parse/ast_builder.hpp"
#include "parse/literals.hpp"
#include "parse/syntax_errors.hpp"

namespace vigie::parse {
namespace {

struct KindName {
  const char* name;
  ast::QuestionKind kind;
};

const std::array<KindName, 4> kQuestionKinds = {{{"yes_no", ast::QuestionKind::yes_no},
                                                 {"choice", ast::QuestionKind::choice},
                                                 {"multi", ast::QuestionKind::multi},
                                                 {"number", ast::QuestionKind::number}}};

}  // namespace

bool AstBuilder::is_first(bool already_set, antlr4::ParserRuleContext* clause,
                          std::string_view keyword, std::string_view owner, std::string_view noun) {
  if (!already_set) return true;
  error(token_range(clause->start), "duplicate '" + std::string(keyword) + "' clause; a " +
                                        std::string(owner) + " has one " + std::string(noun) +
                                        "; remove this one");
  return false;
}

std::optional<ast::CampaignDecl> AstBuilder::campaign_decl(P::CampaignDeclContext* context) {
  auto name = identifier(context->IDENT());
  if (!name || matched(context->LBRACE()) == nullptr) return std::nullopt;

  ast::CampaignDecl campaign;
  campaign.name = std::move(*name);
  campaign.range = context_range(context);
  SeenClauses seen;
  for (P::CampaignClauseContext* clause : context->campaignClause()) {
    add_campaign_clause(clause, campaign, seen);
  }
  return campaign;
}

void AstBuilder::add_campaign_clause(P::CampaignClauseContext* context, ast::CampaignDecl& campaign,
                                     SeenClauses& seen) {
  // Each group returns true when it recognised the clause.
  if (add_setting_clause(context, campaign)) return;
  if (add_schedule_clause(context, campaign, seen)) return;
  add_logic_clause(context, campaign);
}

// Who is called and how they are described: title, time zone, calendar,
// source, audience, priority, pricing.
bool AstBuilder::add_setting_clause(P::CampaignClauseContext* context,
                                    ast::CampaignDecl& campaign) {
  common::SourceRange range = context_range(context);
  if (auto* title = dynamic_cast<P::TitleClauseContext*>(context)) {
    if (!is_first(campaign.title.has_value(), title, "title", "campaign", "title")) return true;
    if (auto value = string_literal(title->STRING())) campaign.title = {std::move(*value), range};
  } else if (auto* timezone = dynamic_cast<P::TimezoneClauseContext*>(context)) {
    add_timezone(timezone, campaign);
  } else if (auto* calendar = dynamic_cast<P::CalendarRefClauseContext*>(context)) {
    if (!is_first(campaign.calendar.has_value(), calendar, "calendar", "campaign", "calendar")) {
      return true;
    }
    if (auto name = identifier(calendar->IDENT())) campaign.calendar = {std::move(*name), range};
  } else if (auto* source = dynamic_cast<P::SourceClauseContext*>(context)) {
    if (!is_first(campaign.source.has_value(), source, "source", "campaign", "source")) return true;
    campaign.source = source_decl(source);
  } else if (auto* audience = dynamic_cast<P::AudienceClauseContext*>(context)) {
    if (!is_first(campaign.audience.has_value(), audience, "audience", "campaign", "audience")) {
      return true;
    }
    campaign.audience = expr_clause(audience, audience->expr());
  } else if (auto* priority = dynamic_cast<P::PriorityClauseContext*>(context)) {
    if (!is_first(campaign.priority.has_value(), priority, "priority", "campaign", "priority")) {
      return true;
    }
    campaign.priority = expr_clause(priority, priority->expr());
  } else if (auto* pricing = dynamic_cast<P::PricingClauseContext*>(context)) {
    if (!is_first(campaign.pricing.has_value(), pricing, "pricing", "campaign", "pricing")) {
      return true;
    }
    if (auto name = identifier(pricing->IDENT())) campaign.pricing = {std::move(*name), range};
  } else {
    return false;
  }
  return true;
}

void AstBuilder::add_timezone(P::TimezoneClauseContext* context, ast::CampaignDecl& campaign) {
  common::SourceRange range = context_range(context);
  if (matched(context->FROM()) != nullptr) {
    if (!is_first(campaign.timezone_from.has_value(), context, "timezone from", "campaign",
                  "time zone field")) {
      return;
    }
    if (auto field = identifier(context->IDENT())) {
      campaign.timezone_from = ast::NameClause{std::move(*field), range};
    }
    return;
  }
  if (!is_first(campaign.timezone.has_value(), context, "timezone", "campaign", "time zone")) {
    return;
  }
  if (auto name = string_literal(context->STRING())) {
    campaign.timezone = ast::StringClause{std::move(*name), range};
  }
}

// When and how often contacts are called: trigger, start, recontact, hours,
// retry, dispositions.
bool AstBuilder::add_schedule_clause(P::CampaignClauseContext* context, ast::CampaignDecl& campaign,
                                     SeenClauses& seen) {
  common::SourceRange range = context_range(context);
  if (auto* trigger_context = dynamic_cast<P::TriggerClauseContext*>(context)) {
    if (!is_first(campaign.trigger.has_value(), context, "trigger", "campaign", "trigger")) {
      return true;
    }
    campaign.trigger = trigger(trigger_context);
  } else if (auto* start = dynamic_cast<P::StartClauseContext*>(context)) {
    if (!is_first(campaign.start_within.has_value(), context, "start", "campaign", "start delay")) {
      return true;
    }
    if (auto delay = duration_literal(start->DURATION())) {
      campaign.start_within = ast::DurationClause{*delay, range};
    }
  } else if (auto* recontact = dynamic_cast<P::RecontactClauseContext*>(context)) {
    if (!is_first(campaign.recontact.has_value(), context, "recontact", "campaign",
                  "recontact interval")) {
      return true;
    }
    if (auto every = duration_literal(recontact->DURATION())) {
      campaign.recontact = ast::Recontact{*every, range};
    }
  } else if (auto* hours = dynamic_cast<P::HoursClauseContext*>(context)) {
    if (!is_first(campaign.hours.has_value(), context, "hours", "campaign", "set of hours")) {
      return true;
    }
    if (auto name = identifier(hours->IDENT())) {
      campaign.hours = ast::NameClause{std::move(*name), range};
    } else if (auto block = hours_block(hours->hoursBlock())) {
      campaign.hours = std::move(*block);
    }
  } else if (auto* retry = dynamic_cast<P::RetryRefClauseContext*>(context)) {
    if (!is_first(campaign.retry.has_value(), context, "retry", "campaign", "retry policy")) {
      return true;
    }
    if (auto name = identifier(retry->IDENT())) {
      campaign.retry = ast::NameClause{std::move(*name), range};
    } else if (auto block = retry_block(retry->retryBlock())) {
      campaign.retry = std::move(*block);
    }
  } else if (auto* dispositions = dynamic_cast<P::DispositionsClauseContext*>(context)) {
    if (!is_first(seen.dispositions, context, "dispositions", "campaign", "dispositions block")) {
      return true;
    }
    seen.dispositions = true;
    for (P::DispositionDeclContext* decl : dispositions->dispositionDecl()) {
      if (auto built = disposition(decl)) campaign.dispositions.push_back(std::move(*built));
    }
  } else {
    return false;
  }
  return true;
}

// What is asked and what follows from the answers: script, let, score,
// route, useful, target, test.
bool AstBuilder::add_logic_clause(P::CampaignClauseContext* context, ast::CampaignDecl& campaign) {
  if (auto* script_context = dynamic_cast<P::ScriptClauseContext*>(context)) {
    if (!is_first(campaign.script.has_value(), context, "script", "campaign", "script")) {
      return true;
    }
    campaign.script = script(script_context);
  } else if (auto* let = dynamic_cast<P::LetClauseContext*>(context)) {
    auto name = identifier(let->IDENT());
    auto value = expression(let->expr());
    if (name && value) {
      campaign.lets.push_back({std::move(*name), std::move(value), context_range(let)});
    }
  } else if (auto* score = dynamic_cast<P::ScoreClauseContext*>(context)) {
    if (auto built = score_decl(score)) campaign.scores.push_back(std::move(*built));
  } else if (auto* route = dynamic_cast<P::RouteDeclClauseContext*>(context)) {
    if (auto built = route_decl(route)) campaign.routes.push_back(std::move(*built));
  } else if (auto* useful = dynamic_cast<P::UsefulClauseContext*>(context)) {
    if (!is_first(campaign.useful.has_value(), context, "useful", "campaign",
                  "definition of a useful contact")) {
      return true;
    }
    campaign.useful = expr_clause(useful, useful->expr());
  } else if (auto* target = dynamic_cast<P::TargetClauseContext*>(context)) {
    if (!is_first(campaign.target.has_value(), context, "target", "campaign", "target")) {
      return true;
    }
    auto metric = identifier(target->IDENT());
    auto value = expression(target->expr());
    if (metric && value) {
      campaign.target = ast::Target{std::move(*metric), std::move(value), context_range(target)};
    }
  } else if (auto* test = dynamic_cast<P::TestDeclClauseContext*>(context)) {
    if (auto built = test_decl(test)) campaign.tests.push_back(std::move(*built));
  } else {
    return false;
  }
  return true;
}

std::optional<ast::ExprClause> AstBuilder::expr_clause(antlr4::ParserRuleContext* clause,
                                                       P::ExprContext* value) {
  ast::ExprPtr built = expression(value);
  if (!built) return std::nullopt;
  return ast::ExprClause{std::move(built), context_range(clause)};
}

// ---------------------------------------------------------------- source

std::optional<ast::SourceDecl> AstBuilder::source_decl(P::SourceClauseContext* context) {
  auto instance = identifier(context->IDENT());
  if (!instance || matched(context->LBRACE()) == nullptr) return std::nullopt;

  ast::SourceDecl source;
  source.instance = std::move(*instance);
  source.range = context_range(context);
  for (P::FieldDeclContext* field_context : context->fieldDecl()) {
    auto name = identifier(field_context->IDENT(0));
    auto type = identifier(field_context->IDENT(1));
    if (!name || !type) continue;

    ast::FieldDecl field{std::move(*name), std::move(*type), false, false,
                         context_range(field_context)};
    for (P::FieldFlagContext* flag : field_context->fieldFlag()) {
      bool is_key = matched(flag->KEY()) != nullptr;
      bool& slot = is_key ? field.key : field.optional;
      if (slot) {
        error(context_range(flag), std::string("duplicate '") + (is_key ? "key" : "optional") +
                                       "' on field '" + field.name.name + "'; remove this one");
      }
      slot = true;
    }
    source.fields.push_back(std::move(field));
  }
  return source;
}

std::optional<ast::Trigger> AstBuilder::trigger(P::TriggerClauseContext* context) {
  auto alert = string_literal(context->STRING());
  P::ComparisonOpContext* op = context->comparisonOp();
  P::LevelValueContext* level = context->levelValue();
  if (!alert || op == nullptr || level == nullptr) return std::nullopt;
  auto value = int_literal(level->INT());
  if (!value) return std::nullopt;

  ast::Trigger trigger;
  trigger.alert = std::move(*alert);
  if (op->LT()) trigger.comparison = ast::BinaryOp::lt;
  if (op->LE()) trigger.comparison = ast::BinaryOp::le;
  if (op->GT()) trigger.comparison = ast::BinaryOp::gt;
  if (op->GE()) trigger.comparison = ast::BinaryOp::ge;
  if (op->EQ()) trigger.comparison = ast::BinaryOp::eq;
  if (op->NE()) trigger.comparison = ast::BinaryOp::ne;
  trigger.level = matched(level->MINUS()) != nullptr ? -*value : *value;
  trigger.range = context_range(context);
  return trigger;
}

std::optional<ast::DispositionDecl> AstBuilder::disposition(P::DispositionDeclContext* context) {
  auto name = identifier(context->IDENT());
  if (!name) return std::nullopt;
  return ast::DispositionDecl{std::move(*name), string_literal(context->STRING()),
                              matched(context->FINAL()) != nullptr, context_range(context)};
}

// ---------------------------------------------------------------- script

std::optional<ast::Script> AstBuilder::script(P::ScriptClauseContext* context) {
  if (matched(context->LBRACE()) == nullptr) return std::nullopt;

  ast::Script script;
  script.range = context_range(context);
  for (P::ScriptStepContext* step : context->scriptStep()) {
    if (auto built = script_step(step)) script.steps.push_back(std::move(*built));
  }
  return script;
}

std::optional<ast::ScriptStep> AstBuilder::script_step(P::ScriptStepContext* context) {
  if (auto* say = dynamic_cast<P::SayStepContext*>(context)) {
    auto id = identifier(say->IDENT());
    auto text = string_literal(say->STRING());
    if (!id || !text) return std::nullopt;
    return ast::SayStep{std::move(*id), std::move(*text), context_range(say)};
  }

  auto* ask = dynamic_cast<P::AskStepContext*>(context);
  if (ask == nullptr) return std::nullopt;
  auto id = identifier(ask->IDENT());
  auto text = string_literal(ask->STRING());
  if (!id || !text) return std::nullopt;

  ast::AskStep step;
  step.id = std::move(*id);
  step.text = std::move(*text);
  step.range = context_range(ask);
  if (!question_kind(ask->questionKind(), step)) return std::nullopt;
  if (!ask_flags(ask, step)) return std::nullopt;
  return step;
}

bool AstBuilder::question_kind(P::QuestionKindContext* context, ast::AskStep& step) {
  antlr4::Token* token = context ? matched(context->IDENT()) : nullptr;
  if (token == nullptr) return false;
  step.kind_range = token_range(token);

  std::string name = token->getText();
  const KindName* found = nullptr;
  for (const KindName& kind : kQuestionKinds) {
    if (name == kind.name) found = &kind;
  }
  if (found == nullptr) {
    error(step.kind_range,
          common::with_suggestion("unknown question kind '" + name +
                                      "'; the kinds are yes_no, choice, multi and number",
                                  name, {"yes_no", "choice", "multi", "number"}));
    return false;
  }
  step.kind = found->kind;

  bool has_options = matched(context->LBRACE()) != nullptr;
  bool has_bounds = matched(context->RANGE()) != nullptr;
  bool wants_options =
      step.kind == ast::QuestionKind::choice || step.kind == ast::QuestionKind::multi;
  bool wants_bounds = step.kind == ast::QuestionKind::number;
  if (wants_options && !has_options) {
    error(step.kind_range, "question kind '" + name + "' needs its options in braces, as in " +
                               name + " { daily \"Every day\" weekly \"Every week\" }");
    return false;
  }
  if (wants_bounds && !has_bounds) {
    error(step.kind_range, "question kind 'number' needs its bounds, as in number 0..10");
    return false;
  }
  if (!wants_options && has_options) {
    error(context_range(context),
          "question kind '" + name + "' takes no options; remove the braces");
    return false;
  }
  if (!wants_bounds && has_bounds) {
    error(context_range(context), "question kind '" + name + "' takes no bounds; only number does");
    return false;
  }

  for (P::OptionDeclContext* option : context->optionDecl()) {
    auto id = identifier(option->IDENT());
    auto label = string_literal(option->STRING());
    if (id && label)
      step.options.push_back({std::move(*id), std::move(*label), context_range(option)});
  }
  if (wants_bounds) {
    auto min = number_bound(context->numberBound(0));
    auto max = number_bound(context->numberBound(1));
    if (!min || !max) return false;
    step.min = *min;
    step.max = *max;
  }
  return true;
}

bool AstBuilder::ask_flags(P::AskStepContext* context, ast::AskStep& step) {
  bool has_condition = false;
  for (P::AskFlagContext* flag : context->askFlag()) {
    if (auto* condition = dynamic_cast<P::AskConditionContext*>(flag)) {
      if (!is_first(has_condition, flag, "if", "question",
                    "condition (join conditions with 'and')")) {
        continue;
      }
      has_condition = true;
      step.condition = expression(condition->expr());
      if (!step.condition) return false;
    } else if (dynamic_cast<P::AskOptionalContext*>(flag) != nullptr) {
      if (step.optional) {
        error(context_range(flag),
              "duplicate 'optional' on question '" + step.id.name + "'; remove this one");
      }
      step.optional = true;
    }
  }
  return true;
}

std::optional<ast::NumberBound> AstBuilder::number_bound(P::NumberBoundContext* context) {
  if (context == nullptr) return std::nullopt;

  ast::NumberBound bound;
  bound.range = context_range(context);
  if (antlr4::Token* token = matched(context->DECIMAL())) {
    auto decoded = decode_decimal(token->getText());
    if (auto* message = std::get_if<std::string>(&decoded)) {
      error(token_range(token), *message);
      return std::nullopt;
    }
    bound.value = std::get<double>(decoded);
    bound.has_decimal_point = true;
  } else {
    auto value = int_literal(context->INT());
    if (!value) return std::nullopt;
    bound.value = static_cast<double>(*value);
  }
  if (matched(context->MINUS()) != nullptr) bound.value = -bound.value;
  return bound;
}

// ---------------------------------------------------------------- score, route, test

std::optional<ast::ScoreDecl> AstBuilder::score_decl(P::ScoreClauseContext* context) {
  auto name = identifier(context->IDENT());
  if (!name || matched(context->LBRACE()) == nullptr) return std::nullopt;

  ast::ScoreDecl score;
  score.name = std::move(*name);
  score.range = context_range(context);
  for (P::ScoreRuleContext* rule : context->scoreRule()) {
    auto condition = expression(rule->condition);
    auto points = expression(rule->points);
    if (condition && points) {
      score.rules.push_back({std::move(condition), std::move(points), context_range(rule)});
    }
  }
  return score;
}

std::optional<ast::RouteDecl> AstBuilder::route_decl(P::RouteDeclClauseContext* context) {
  auto name = identifier(context->IDENT());
  if (!name || matched(context->LBRACE()) == nullptr) return std::nullopt;

  ast::RouteDecl route;
  route.name = std::move(*name);
  route.title = string_literal(context->STRING());
  route.range = context_range(context);
  bool has_when = false;
  for (P::RouteClauseContext* clause : context->routeClause()) {
    if (auto* when = dynamic_cast<P::RouteWhenContext*>(clause)) {
      if (!is_first(has_when, clause, "when", "route", "condition")) continue;
      has_when = true;
      route.when = expression(when->expr());
    } else if (auto* notify = dynamic_cast<P::RouteNotifyContext*>(clause)) {
      if (!is_first(route.notifier.has_value(), clause, "notify", "route", "notifier")) continue;
      route.notifier = identifier(notify->IDENT());
      route.within = duration_literal(notify->DURATION());
    }
  }
  return route;
}

std::optional<ast::TestDecl> AstBuilder::test_decl(P::TestDeclClauseContext* context) {
  auto name = string_literal(context->STRING());
  if (!name || matched(context->LBRACE()) == nullptr) return std::nullopt;

  ast::TestDecl test;
  test.name = std::move(*name);
  test.range = context_range(context);
  for (P::TestClauseContext* clause : context->testClause()) {
    if (auto* given_clause = dynamic_cast<P::GivenClauseContext*>(clause)) {
      for (P::GivenContext* given : given_clause->given()) {
        auto target = identifier(given->name());
        auto value = expression(given->expr());
        if (target && value) {
          test.givens.push_back({std::move(*target), std::move(value), context_range(given)});
        }
      }
    } else if (auto* expect = dynamic_cast<P::ExpectClauseContext*>(clause)) {
      if (auto condition = expression(expect->expr())) {
        test.expects.push_back({std::move(condition), context_range(expect)});
      }
    }
  }
  return test;
}

}  // namespace vigie::parse
