#include "check/compiler.hpp"

#include <set>

#include "check/campaign_checker.hpp"
#include "check/declarations.hpp"
#include "check/loader.hpp"
#include "check/reporter.hpp"

namespace vigie::check {
namespace {

ir::Module compile_root(const common::SourceFile& root, common::SourceManager& sources,
                        common::Diagnostics& diagnostics) {
  Reporter reporter(diagnostics);
  std::vector<LoadedFile> files = load_files(root, sources, diagnostics, reporter);
  GlobalScope scope = collect_declarations(files, reporter);

  ir::Module module;
  std::set<std::string> used_retries;
  for (const Declared<ast::CampaignDecl>& declared : scope.campaigns) {
    CampaignChecker checker(*declared.decl, declared.file, scope, sources, reporter);
    module.campaigns.push_back(checker.check());
    if (declared.decl->retry) {
      if (const auto* name = std::get_if<ast::NameClause>(&*declared.decl->retry)) {
        used_retries.insert(name->name.name);
      }
    }
  }

  // A retry policy no campaign uses still gets the checks that need no
  // campaign, so that a shared file reports its own mistakes.
  for (const auto& [name, declared] : scope.retries) {
    if (used_retries.count(name) != 0) continue;
    RetrySite site{name, declared.file, declared.decl->name.range};
    resolve_retry(declared.decl->body, site, /*dispositions=*/nullptr, reporter);
  }
  return module;
}

}  // namespace

ir::Module compile_file(const std::string& path, common::SourceManager& sources,
                        common::Diagnostics& diagnostics) {
  const common::SourceFile* root = sources.load(path);
  if (root == nullptr) {
    common::SourcePos start{1, 1};
    diagnostics.error(path, common::SourceRange{start, start},
                      "cannot read campaign file '" + path + "'; check the path and permissions");
    return {};
  }
  return compile_root(*root, sources, diagnostics);
}

ir::Module compile_text(const std::string& path, const std::string& text,
                        common::SourceManager& sources, common::Diagnostics& diagnostics) {
  const common::SourceFile* root = sources.add(path, text);
  return compile_root(*root, sources, diagnostics);
}

}  // namespace vigie::check
