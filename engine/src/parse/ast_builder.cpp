// Terminals, literals and the declarations outside campaigns: imports,
// hours, retry policies and calendars.
#include "parse/ast_builder.hpp"

#include <array>

#include "parse/literals.hpp"
#include "parse/syntax_errors.hpp"

namespace vigie::parse {
namespace {

const std::array<std::string, 7> kWeekdays = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

}  // namespace

antlr4::Token* matched(antlr4::Token* token) {
  if (token == nullptr || token->getTokenIndex() == INVALID_INDEX) return nullptr;
  return token;
}

antlr4::Token* matched(antlr4::tree::TerminalNode* node) {
  if (node == nullptr || dynamic_cast<antlr4::tree::ErrorNode*>(node) != nullptr) return nullptr;
  return matched(node->getSymbol());
}

void AstBuilder::error(common::SourceRange range, std::string message) {
  diagnostics_.error(path_, range, std::move(message));
}

// ---------------------------------------------------------------- terminals

std::optional<ast::Identifier> AstBuilder::identifier(antlr4::tree::TerminalNode* node) {
  antlr4::Token* token = matched(node);
  if (token == nullptr) return std::nullopt;
  return ast::Identifier{token->getText(), token_range(token)};
}

std::optional<ast::Identifier> AstBuilder::identifier(P::NameContext* context) {
  if (context == nullptr) return std::nullopt;
  antlr4::Token* token = matched(context->IDENT() ? context->IDENT() : context->ATTEMPTS());
  if (token == nullptr) return std::nullopt;
  return ast::Identifier{token->getText(), token_range(token)};
}

std::optional<ast::StringLit> AstBuilder::string_literal(antlr4::tree::TerminalNode* node) {
  antlr4::Token* token = matched(node);
  if (token == nullptr) return std::nullopt;

  common::SourceRange range = token_range(token);
  DecodedString decoded = decode_string(token->getText());
  if (!decoded.error.empty()) {
    common::SourcePos begin{range.begin.line, range.begin.column + decoded.error_offset};
    common::SourcePos end{begin.line, begin.column + decoded.error_length};
    error(common::SourceRange{begin, end}, decoded.error);
  }
  return ast::StringLit{std::move(decoded.value), range};
}

std::optional<ast::DateLit> AstBuilder::date_literal(antlr4::tree::TerminalNode* node) {
  antlr4::Token* token = matched(node);
  if (token == nullptr) return std::nullopt;

  auto decoded = decode_date(token->getText());
  if (auto* message = std::get_if<std::string>(&decoded)) {
    error(token_range(token), *message);
    return std::nullopt;
  }
  const DateParts& date = std::get<DateParts>(decoded);
  return ast::DateLit{date.year, date.month, date.day, token_range(token)};
}

std::optional<ast::DurationLit> AstBuilder::duration_literal(antlr4::tree::TerminalNode* node) {
  antlr4::Token* token = matched(node);
  if (token == nullptr) return std::nullopt;

  auto decoded = decode_duration(token->getText());
  if (auto* message = std::get_if<std::string>(&decoded)) {
    error(token_range(token), *message);
    return std::nullopt;
  }
  return ast::DurationLit{std::get<std::int64_t>(decoded), token_range(token)};
}

std::optional<ast::TimeOfDayLit> AstBuilder::time_literal(antlr4::Token* token,
                                                          bool allow_end_of_day) {
  if (matched(token) == nullptr) return std::nullopt;

  auto decoded = decode_time(token->getText(), allow_end_of_day);
  if (auto* message = std::get_if<std::string>(&decoded)) {
    error(token_range(token), *message);
    return std::nullopt;
  }
  return ast::TimeOfDayLit{std::get<int>(decoded), token_range(token)};
}

std::optional<std::int64_t> AstBuilder::int_literal(antlr4::tree::TerminalNode* node) {
  antlr4::Token* token = matched(node);
  if (token == nullptr) return std::nullopt;

  auto decoded = decode_int(token->getText());
  if (auto* message = std::get_if<std::string>(&decoded)) {
    error(token_range(token), *message);
    return std::nullopt;
  }
  return std::get<std::int64_t>(decoded);
}

// ---------------------------------------------------------------- file

ast::File AstBuilder::build(P::FileContext* context) {
  ast::File file;
  file.path = path_;
  for (P::TopDeclContext* decl : context->topDecl()) add_top_decl(decl, file);
  return file;
}

void AstBuilder::add_top_decl(P::TopDeclContext* context, ast::File& file) {
  if (auto* decl = context->importDecl()) {
    if (auto path = string_literal(decl->STRING())) {
      file.imports.push_back(ast::Import{std::move(*path), context_range(decl)});
    }
  } else if (auto* decl = context->hoursDecl()) {
    auto name = identifier(decl->IDENT());
    auto body = hours_block(decl->hoursBlock());
    if (name && body)
      file.hours.push_back({std::move(*name), std::move(*body), context_range(decl)});
  } else if (auto* decl = context->retryDecl()) {
    auto name = identifier(decl->IDENT());
    auto body = retry_block(decl->retryBlock());
    if (name && body) {
      file.retries.push_back({std::move(*name), std::move(*body), context_range(decl)});
    }
  } else if (auto* decl = context->calendarDecl()) {
    if (auto calendar = calendar_decl(decl)) file.calendars.push_back(std::move(*calendar));
  } else if (auto* decl = context->campaignDecl()) {
    if (auto campaign = campaign_decl(decl)) file.campaigns.push_back(std::move(*campaign));
  }
}

// ---------------------------------------------------------------- hours

std::optional<ast::HoursBlock> AstBuilder::hours_block(P::HoursBlockContext* context) {
  if (context == nullptr || matched(context->LBRACE()) == nullptr) return std::nullopt;

  ast::HoursBlock block;
  block.range = context_range(context);
  for (P::HoursLineContext* line : context->hoursLine()) {
    if (auto built = hours_line(line)) block.lines.push_back(std::move(*built));
  }
  return block;
}

std::optional<ast::HoursLine> AstBuilder::hours_line(P::HoursLineContext* context) {
  ast::HoursLine line;
  line.range = context_range(context);
  if (!hours_selector(context->hoursSelector(), line)) return std::nullopt;

  line.closed = matched(context->CLOSED()) != nullptr;
  bool complete = true;
  for (P::IntervalContext* interval_context : context->interval()) {
    if (auto built = interval(interval_context)) {
      line.intervals.push_back(std::move(*built));
    } else {
      complete = false;
    }
  }
  if (!line.closed && line.intervals.empty()) complete = false;
  if (!complete) return std::nullopt;
  return line;
}

bool AstBuilder::hours_selector(P::HoursSelectorContext* context, ast::HoursLine& line) {
  if (context == nullptr) return false;
  line.selector_range = context_range(context);

  if (auto* weekdays = dynamic_cast<P::WeekdaySelectorContext*>(context)) {
    line.kind = ast::HoursLine::Kind::weekdays;
    auto first = weekday(weekdays->first_day);
    auto last = weekdays->last_day ? weekday(weekdays->last_day) : first;
    if (!first || !last) return false;
    if (*last < *first) {
      error(line.selector_range, "weekday range '" + weekdays->first_day->getText() + "-" +
                                     weekdays->last_day->getText() +
                                     "' runs backwards; ranges go from mon to sun, so split it "
                                     "into two lines");
      return false;
    }
    line.first_weekday = *first;
    line.last_weekday = *last;
    return true;
  }
  if (dynamic_cast<P::HolidaySelectorContext*>(context) != nullptr) {
    line.kind = ast::HoursLine::Kind::holiday;
    return true;
  }
  if (auto* date = dynamic_cast<P::DateSelectorContext*>(context)) {
    line.kind = ast::HoursLine::Kind::date;
    auto decoded = date_literal(date->DATE());
    if (!decoded) return false;
    line.date = *decoded;
    return true;
  }
  return false;
}

std::optional<int> AstBuilder::weekday(antlr4::Token* token) {
  if (matched(token) == nullptr) return std::nullopt;

  std::string name = token->getText();
  for (std::size_t i = 0; i < kWeekdays.size(); ++i) {
    if (kWeekdays[i] == name) return static_cast<int>(i);
  }
  std::string message = "unknown weekday '" + name +
                        "'; weekdays are mon, tue, wed, thu, fri, sat and sun, and a line may "
                        "also start with 'holiday' or a date";
  error(token_range(token),
        common::with_suggestion(std::move(message), name, {kWeekdays.begin(), kWeekdays.end()}));
  return std::nullopt;
}

std::optional<ast::Interval> AstBuilder::interval(P::IntervalContext* context) {
  auto start = time_literal(context->from_time, /*allow_end_of_day=*/false);
  auto end = time_literal(context->to_time, /*allow_end_of_day=*/true);
  if (!start || !end) return std::nullopt;
  return ast::Interval{*start, *end, context_range(context)};
}

// ---------------------------------------------------------------- retry

std::optional<ast::RetryBlock> AstBuilder::retry_block(P::RetryBlockContext* context) {
  if (context == nullptr || matched(context->LBRACE()) == nullptr) return std::nullopt;

  ast::RetryBlock block;
  block.range = context_range(context);
  for (P::RetryClauseContext* clause : context->retryClause()) add_retry_clause(clause, block);
  return block;
}

void AstBuilder::add_retry_clause(P::RetryClauseContext* context, ast::RetryBlock& block) {
  if (auto* attempts = dynamic_cast<P::AttemptsClauseContext*>(context)) {
    if (!is_first(block.attempts.has_value(), attempts, "attempts", "retry policy",
                  "attempt limit")) {
      return;
    }
    auto count = int_literal(attempts->INT());
    auto within = duration_literal(attempts->DURATION());
    if (!count || !within) return;
    block.attempts = *count;
    block.attempts_range = context_range(attempts);
    block.within = *within;
    return;
  }

  ast::RetryRule rule;
  rule.range = context_range(context);
  if (auto* on = dynamic_cast<P::OnClauseContext*>(context)) {
    auto disposition = identifier(on->IDENT());
    if (!disposition) return;
    rule.disposition = std::move(*disposition);
    if (auto built = retry_rule(on->retryAction(), std::move(rule))) {
      block.rules.push_back(std::move(*built));
    }
  } else if (auto* otherwise = dynamic_cast<P::OtherwiseClauseContext*>(context)) {
    rule.otherwise = true;
    if (auto built = retry_rule(otherwise->retryAction(), std::move(rule))) {
      block.rules.push_back(std::move(*built));
    }
  }
}

std::optional<ast::RetryRule> AstBuilder::retry_rule(P::RetryActionContext* action,
                                                     ast::RetryRule rule) {
  if (action == nullptr) return std::nullopt;
  if (matched(action->STOP()) != nullptr) {
    rule.stop = true;
    return rule;
  }
  rule.after = duration_literal(action->DURATION());
  if (!rule.after) return std::nullopt;
  return rule;
}

// ---------------------------------------------------------------- calendar

std::optional<ast::CalendarDecl> AstBuilder::calendar_decl(P::CalendarDeclContext* context) {
  auto name = identifier(context->IDENT());
  if (!name || matched(context->LBRACE()) == nullptr) return std::nullopt;

  ast::CalendarDecl calendar;
  calendar.name = std::move(*name);
  calendar.range = context_range(context);
  for (P::CalendarClauseContext* clause : context->calendarClause()) {
    if (auto* base = dynamic_cast<P::BaseClauseContext*>(clause)) {
      if (!is_first(calendar.base.has_value(), base, "base", "calendar", "base")) continue;
      calendar.base = identifier(base->IDENT());
    } else if (auto* entry = dynamic_cast<P::EntryClauseContext*>(clause)) {
      auto date = date_literal(entry->DATE());
      if (!date) continue;
      calendar.entries.push_back(ast::CalendarEntry{matched(entry->ADD()) != nullptr, *date,
                                                    string_literal(entry->STRING()),
                                                    context_range(entry)});
    }
  }
  return calendar;
}

}  // namespace vigie::parse
