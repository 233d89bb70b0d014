// Retry blocks -> ir::RetryPolicy, including the rule that every non-final
// disposition has an `on` line or falls under `otherwise`.

#include <map>

#include "check/declarations.hpp"

namespace vigie::check {
namespace {

std::string describe(const RetrySite& site) {
  return site.name.empty() ? std::string("this retry block") : "retry '" + site.name + "'";
}

ir::RetryAction action_of(const ast::RetryRule& rule) {
  ir::RetryAction action;
  if (rule.stop || !rule.after) {
    action.kind = ir::RetryAction::Kind::stop;
    return action;
  }
  action.kind = ir::RetryAction::Kind::retry;
  action.delay = common::Seconds(rule.after->seconds);
  return action;
}

void check_limits(const ast::RetryBlock& block, const RetrySite& site, ir::RetryPolicy& policy,
                  Reporter& reporter) {
  if (!block.attempts) {
    reporter.error(site.file, site.range,
                   describe(site) +
                       " has no `attempts N within D` line; add one, as in `attempts 4 within "
                       "48h`");
  } else if (*block.attempts < 1) {
    reporter.error(site.file, block.attempts_range,
                   "attempts must be at least 1, not " + std::to_string(*block.attempts));
  } else {
    policy.attempts = static_cast<int>(std::min<std::int64_t>(*block.attempts, 1'000'000));
  }

  if (block.within) {
    if (block.within->seconds <= 0) {
      reporter.error(site.file, block.within->range,
                     "the retry window must be longer than zero, as in `within 48h`");
    }
    policy.within = common::Seconds(block.within->seconds);
  }
}

class RuleChecker {
 public:
  RuleChecker(const RetrySite& site, const std::vector<ir::Disposition>& dispositions,
              Reporter& reporter, ir::RetryPolicy& policy)
      : site_(site), dispositions_(dispositions), reporter_(reporter), policy_(policy) {
    policy_.on.assign(dispositions.size(), ir::RetryAction{});
  }

  void check(const ast::RetryRule& rule) {
    if (rule.otherwise) {
      check_otherwise(rule);
      return;
    }

    std::int32_t index = find(rule.disposition);
    if (index < 0) return;
    auto [it, inserted] = seen_.emplace(index, &rule);
    if (!inserted) {
      reporter_.error(site_.file, rule.disposition.range,
                      "'" + rule.disposition.name + "' already has a line at " +
                          format_position(site_.file, it->second->disposition.range) +
                          "; keep one `on` line per disposition");
      return;
    }

    // `on refused stop` restates what a final disposition does, so it is
    // accepted. `on refused after 1h` promises a retry that never happens,
    // so it is an error rather than a warning.
    const ir::Disposition& disposition = dispositions_[static_cast<std::size_t>(index)];
    if (disposition.final && !rule.stop) {
      reporter_.error(site_.file, rule.disposition.range,
                      "disposition '" + disposition.name +
                          "' is final, so an attempt ending with it is never retried; write "
                          "`on " +
                          disposition.name + " stop` or remove the line");
      return;
    }
    policy_.on[static_cast<std::size_t>(index)] = action_of(rule);
  }

  // A non-final disposition needs a decision: its own line or `otherwise`.
  // `callback` is exempt because the time the person gave sets the next
  // attempt; without a time, `otherwise` applies, or the next opening when
  // there is no `otherwise` (see schedule::next_step).
  void check_gaps() {
    for (std::size_t i = 0; i < dispositions_.size(); ++i) {
      const ir::Disposition& disposition = dispositions_[i];
      bool decided = policy_.on[i].kind != ir::RetryAction::Kind::unset;
      if (i == ir::kCallback) continue;
      if (disposition.final || i == ir::kUnreachable || decided || otherwise_ != nullptr) {
        continue;
      }
      const std::string& name = disposition.name;
      reporter_.error(site_.file, site_.range,
                      describe(site_) + " says nothing about '" + name + "'; add `on " + name +
                          " after 30m`, `on " + name + " stop` or an `otherwise` line");
    }
  }

 private:
  void check_otherwise(const ast::RetryRule& rule) {
    if (otherwise_ != nullptr) {
      reporter_.error(site_.file, rule.range,
                      "`otherwise` is already given at " +
                          format_position(site_.file, otherwise_->range) + "; keep one");
      return;
    }
    otherwise_ = &rule;
    policy_.otherwise = action_of(rule);
  }

  std::int32_t find(const ast::Identifier& name) {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < dispositions_.size(); ++i) {
      if (dispositions_[i].name == name.name) {
        if (i != ir::kUnreachable) return static_cast<std::int32_t>(i);
        reporter_.error(site_.file, name.range,
                        "'unreachable' is an outcome given when attempts run out, not a "
                        "disposition an attempt reports; remove this line");
        return -1;
      }
      if (i != ir::kUnreachable) names.push_back(dispositions_[i].name);
    }

    reporter_.error(site_.file, name.range,
                    unknown_message("disposition", name.name, names, "dispositions"));
    return -1;
  }

  const RetrySite& site_;
  const std::vector<ir::Disposition>& dispositions_;
  Reporter& reporter_;
  ir::RetryPolicy& policy_;
  std::map<std::int32_t, const ast::RetryRule*> seen_;
  const ast::RetryRule* otherwise_ = nullptr;
};

}  // namespace

ir::RetryPolicy resolve_retry(const ast::RetryBlock& block, const RetrySite& site,
                              const std::vector<ir::Disposition>* dispositions,
                              Reporter& reporter) {
  ir::RetryPolicy policy;
  policy.name = site.name;
  check_limits(block, site, policy, reporter);
  if (dispositions == nullptr) return policy;

  RuleChecker rules(site, *dispositions, reporter, policy);
  for (const ast::RetryRule& rule : block.rules) rules.check(rule);
  rules.check_gaps();
  return policy;
}

}  // namespace vigie::check
