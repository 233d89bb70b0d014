#pragma once
// `vigie fmt FILE... [--check]`: rewrites campaign files in the canonical
// layout of parse/format.hpp.

#include <iosfwd>
#include <string>
#include <vector>

namespace vigie::app {

struct FmtCommand {
  std::vector<std::string> files;
  bool check = false;  // list the files that are not formatted, write nothing
};

// Formats each file in place, or with `check` only lists on `out` the
// files whose layout differs. A file with parse errors is left unchanged
// and its diagnostics go to `err`; the other files are still processed.
// A file is replaced by writing a temporary file in its folder and renaming
// it over the original, so an interrupted run leaves the old or the new
// text, never a mix. Returns 2 when a file is missing, is a folder or
// cannot be read or written. Otherwise returns 1 when a file has errors
// or, with `check`, is not formatted, and 0 when every file is formatted.
int run_fmt(const FmtCommand& command, std::ostream& out, std::ostream& err);

}  // namespace vigie::app
