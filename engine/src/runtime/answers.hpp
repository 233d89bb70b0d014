#pragma once
// Turns the textual answers a dialer reports into typed values.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/value.hpp"
#include "ir/campaign.hpp"
#include "vigie/types.hpp"

namespace vigie::runtime {

// Writes each valid answer into `answers` (indexed like the script's
// questions), replacing an earlier answer to the same question. Returns the
// number of answers ignored because the question is unknown, is a `say`
// step, or the value does not fit the question (unknown option, number
// out of range or not an integer where one is expected).
std::size_t apply_answers(const ir::Campaign& campaign, const std::vector<Answer>& reported,
                          std::span<common::Value> answers);

// The text form of an answer for stores and reports: option ids, multi
// options joined by '|', numbers as written.
std::string answer_text(const ir::Question& question, const common::Value& value);

// Splits a stored answer text back into the dialer's form: multi options
// are joined by '|', and an empty multi answer is "none of the options".
Answer answer_from_text(const std::string& question, const std::string& text);

// Returns why apply_answers would ignore `answer`, naming the question, the
// value and the values the question accepts; nullopt when it fits.
std::optional<std::string> answer_problem(const ir::Campaign& campaign, const Answer& answer);

}  // namespace vigie::runtime
