#pragma once
// `vigie explain`: evaluates a campaign's rules for one person's answers and
// roster fields, and keeps every intermediate result (each `let`, each score
// rule, each route) so that a designer or an operator can see why the person
// gets a score and an alert.

#include <cstdint>
#include <deque>
#include <iosfwd>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/source.hpp"
#include "common/time.hpp"
#include "common/value.hpp"
#include "eval/evaluator.hpp"
#include "ir/campaign.hpp"

namespace vigie::runtime {

// An input does not fit the campaign: unknown question or field, invalid
// option, number out of range, malformed date or number. The message names
// the value and the fix.
class ExplainError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The inputs as the command line gives them.
struct ExplainInputs {
  // Each item is `QUESTION=VALUE` pairs separated by commas; multi options
  // are joined by '|'. A number may use a decimal comma ("temp=30,5").
  std::vector<std::string> answers;
  // Each item is one `FIELD=VALUE`.
  std::vector<std::string> fields;
  // `today` as YYYY-MM-DD or dd/mm/yyyy. When absent, `today` is the date
  // of `now` in the contact's time zone, as in a live cycle. That zone is
  // the `timezone from` field when given and known, else the campaign's.
  std::optional<std::string> today;
  common::Instant now{};
  std::optional<std::string> outcome;  // a disposition name; default completed
  std::int64_t attempts = 0;           // 0 or more
  std::int64_t cycle = 1;              // 1 or more
};

// A value with the type needed to display it. Text values point into
// the campaign or into Explanation::texts.
struct ExplainedValue {
  ir::Type type;
  common::Value value;
};

struct GivenValue {
  std::string name;  // field name or question id
  ExplainedValue value;
};

// An answer cleared because its question's `if` does not hold.
struct DiscardedAnswer {
  std::string question;
  std::string condition;  // source text of the `if`
};

struct LetLine {
  std::string name;
  std::string expression;  // source text
  ExplainedValue value;
};

struct RuleLine {
  std::string condition;  // source text
  ExplainedValue held;    // the condition's value: bool, or missing
  ExplainedValue points;  // points added: the rule's points when it holds, else 0
};

struct ScoreLine {
  std::string name;
  std::vector<RuleLine> rules;
  ExplainedValue total;
};

struct RouteLine {
  std::string name;
  std::string title;
  std::string when;     // source text
  ExplainedValue held;  // the `when` value: bool, or missing
  bool fires = false;
  std::string notifier;
  common::Seconds within{0};
};

// Everything `vigie explain` shows. Valid while the campaign it was built
// from is alive.
struct Explanation {
  const ir::Campaign* campaign = nullptr;

  std::vector<GivenValue> fields;   // as given, in source order
  std::vector<GivenValue> answers;  // as given, in script order, before discarding
  common::Value today;              // date, or missing
  std::int32_t requested_outcome = ir::kCompleted;
  std::int64_t attempts = 0;
  std::int64_t cycle = 1;

  std::vector<DiscardedAnswer> discarded;
  bool complete = false;                // every applicable required question answered
  std::vector<std::string> unanswered;  // applicable required questions left unanswered
  // The outcome the rules saw: `completed` becomes `partial` when the
  // questionnaire is incomplete, as in a run.
  std::int32_t outcome = ir::kCompleted;

  std::vector<LetLine> lets;
  std::vector<ScoreLine> scores;
  std::vector<RouteLine> routes;
  std::string useful_when;  // source text, or the default `outcome == completed`
  bool useful = false;

  // Storage for the text values of fields; shared so that copies stay valid.
  std::shared_ptr<std::deque<std::string>> texts = std::make_shared<std::deque<std::string>>();
};

// Picks the campaign named `name` in `module`, or its only campaign when
// `name` is absent. Throws ExplainError naming `path` and the campaigns
// when there is none, several, or none with that name.
const ir::Campaign& select_campaign(const ir::Module& module, const std::string& path,
                                    const std::optional<std::string>& name);

// Validates `inputs` against the campaign and evaluates its rules.
// `compiled` must be built from `campaign`; `sources` must hold the files
// of the compile, for the rules' source text. Throws ExplainError on the
// first input that does not fit.
Explanation explain(const ir::Campaign& campaign, const eval::CompiledCampaign& compiled,
                    const common::SourceManager& sources, const ExplainInputs& inputs);

// Returns the source text of `range` in `file`, with the lines of a range
// over several lines joined by one space and their comments removed. Empty
// when the file is not in `sources`.
std::string source_text(const common::SourceManager& sources, const std::string& file,
                        const common::SourceRange& range);

// Prints the explanation for people, labels in French then English.
void print_explanation(std::ostream& out, const Explanation& explanation);

// Prints the explanation as one JSON object (2-space indent) and a newline.
void print_explanation_json(std::ostream& out, const Explanation& explanation);

}  // namespace vigie::runtime
