#pragma once
// The identity of a run, stored in its store: what `vigie run` and
// `vigie work` compare before resuming or joining a run.

#include <string>

#include "ir/campaign.hpp"
#include "vigie/types.hpp"

namespace vigie::runtime {

// A fingerprint of the campaign's compiled rules. File paths are reduced to
// their names, so the same campaign read through another path has the same
// fingerprint.
std::string rules_fingerprint(const ir::Campaign& campaign);

// A fingerprint of the imported register: every accepted value and the
// row numbers of the rejected rows.
std::string register_fingerprint(const ImportResult& import);

// The first line that differs between two identities, for a message:
// "it contains dialer seed: 7 where this run has dialer seed: 8". `who` names
// the side being started ("this run", "this worker").
std::string first_difference(const std::string& stored, const std::string& wanted,
                             const std::string& who);

}  // namespace vigie::runtime
