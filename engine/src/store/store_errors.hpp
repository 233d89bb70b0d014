#pragma once
// Translation of SOCI errors into words an operator can act on: the
// backend's own message without SOCI's internal prefixes, and a remedy
// chosen from the SQLite result code or the PostgreSQL SQLSTATE.

#include <string>

#include <soci/soci.h>

#include "store/schema.hpp"

namespace vigie::store {

// Returns the database's own message from a SOCI error, on one line.
std::string describe_error(const soci::soci_error& error);

// Returns what the operator can do about `error`.
std::string remedy_for(const soci::soci_error& error, Dialect dialect);

}  // namespace vigie::store
