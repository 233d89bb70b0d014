#pragma once
// Checking a register import the way a run reads it, for `vigie import`
// and for the import_report.csv that every run writes. The report lists the
// rows the source rejected, the rows the roster rejected (a key already
// used by an earlier row), and the accepted rows with a doubtful value.

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "common/time.hpp"
#include "ir/campaign.hpp"
#include "runtime/run.hpp"
#include "store/store.hpp"
#include "vigie/types.hpp"

namespace vigie::runtime {

// What the campaign's source reads, with the run's activation date in the
// campaign's time zone as the reference date for two-digit years.
SourceSchema import_schema(const ir::Campaign& campaign, common::Instant activation,
                           const date::time_zone* zone);

// One line of import_report.csv.
struct ImportIssue {
  enum class Kind : std::uint8_t { rejected, suspicious };
  Kind kind = Kind::rejected;
  RejectedRow row;  // row number, field, value and reason
};

// Lists every rejected row and every warning of an accepted row, sorted by
// row number (rejections first within a row). `rejected` is the roster's
// list, which contains the source's rejections and its own. A warning of a
// row that the roster rejected is dropped, because the row is listed as
// rejected.
std::vector<ImportIssue> import_issues(const ImportResult& import,
                                       const std::vector<RejectedRow>& rejected);

// Writes import_report.csv: `row,status,field,value,reason`, status being
// `rejected` or `suspicious`. Throws RunError when the file cannot be written.
void write_import_report(const std::string& path, const std::vector<ImportIssue>& issues);

struct ImportReport {
  std::string campaign;
  std::string source_instance;
  std::string encoding;   // empty for a database source
  std::string delimiter;  // empty for a database source
  std::vector<std::string> notes;
  std::size_t rows_read = 0;  // records the source read: accepted + rejected
  std::size_t accepted = 0;
  std::size_t rejected = 0;
  std::size_t suspicious = 0;        // accepted rows with at least one warning
  std::size_t outside_audience = 0;  // accepted rows the audience filter leaves out
  std::vector<ImportIssue> issues;
  std::string report_path;           // the import_report.csv written
  std::optional<std::string> store;  // where accepted rows were stored, unless --check
  std::size_t stored = 0;
};

// Cycle number under which `vigie import` stores its register snapshot;
// the cycles of a run count from 1.
inline constexpr int kImportSnapshotCycle = 0;

// Reads the register with the campaign's source exactly as `vigie run`
// does (same config, --roster override and reference date), checks it,
// writes `options.out_dir`/import_report.csv and, when `store_rows`, saves
// the accepted rows in the run store as the snapshot of cycle
// kImportSnapshotCycle. Throws CampaignError when the campaign does not
// compile and RunError when the import cannot run.
ImportReport import_register(const RunOptions& options, bool store_rows);

// Prints the summary of an import, French labels first like the run summary.
void print_import_summary(std::ostream& out, const ImportReport& report);

}  // namespace vigie::runtime
