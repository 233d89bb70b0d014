#pragma once
// A deterministic text dump of checked campaigns, for tests that compare
// two compiles (for example a file and its `vigie fmt` output). Every
// member of the IR is printed except source positions (`range` members),
// which a change of layout moves. TestExpect::text, the expectation as
// written, is printed without the whitespace outside its string literals
// for the same reason.

#include <string>

#include "ir/campaign.hpp"

namespace vigie::ir {

std::string dump(const Campaign& campaign);
std::string dump(const Module& module);

}  // namespace vigie::ir
