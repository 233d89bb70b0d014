#pragma once
// Turns the textual answers a dialer reports into typed values.

#include <cstddef>
#include <span>
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

}  // namespace vigie::runtime
