#pragma once
// Internal to check/: reads a file and, transitively, the files it imports.

#include <string>
#include <vector>

#include "ast/ast.hpp"
#include "check/reporter.hpp"
#include "common/diagnostic.hpp"
#include "common/source.hpp"

namespace vigie::check {

struct LoadedFile {
  std::string path;  // the SourceManager key; diagnostics name the file by it
  ast::File ast;
};

// Parses `root` and follows its imports depth first. Import paths are
// relative to the directory of the importing file. A file reached twice
// (by two imports or two spellings of one path) is parsed once. An import
// cycle, an unreadable file or an empty path is a diagnostic against the
// import's path literal. Returns the files with every file after the files
// it imports, so the root comes last.
std::vector<LoadedFile> load_files(const common::SourceFile& root, common::SourceManager& sources,
                                   common::Diagnostics& diagnostics, Reporter& reporter);

}  // namespace vigie::check
