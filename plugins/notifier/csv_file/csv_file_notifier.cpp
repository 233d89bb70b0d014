// The `csv_file` notifier: appends one line per alert to a CSV file, for
// teams that import alerts into a spreadsheet.
//
// Config keys:
//   path   the file; relative paths resolve from the run's output folder.
//          Default: <instance>.csv in the output folder.
//
// Columns: cycle,route,contact_id,due,notifier, then one column per score in
// campaign order. `due` is the local due time with its offset. The header
// is written once, when the file is new or empty. Appending to a file whose
// header differs is an error, so that columns never shift. Each line is
// flushed before notify returns, and an alert whose (cycle, route,
// contact_id) is already in the file is not written again: a run resumed
// after a crash may deliver an alert a second time.

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "vigie/config_reader.hpp"
#include "vigie/csv.hpp"
#include "vigie/plugin.hpp"

namespace vigie::plugins::csv_file {
namespace {

std::string format_score(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

std::string format_utc(Instant instant) {
  const auto seconds = instant.time_since_epoch().count();
  const std::time_t time = static_cast<std::time_t>(seconds);
  std::tm utc{};
  gmtime_r(&time, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

class CsvFileNotifier final : public Notifier {
 public:
  explicit CsvFileNotifier(std::string path) : path_(std::move(path)) {}

  void notify(const Alert& alert) override {
    std::vector<std::string> header = {"cycle", "route", "contact_id", "due", "notifier"};
    for (const auto& [name, value] : alert.scores) header.push_back(name);
    open(csv_line(header));

    // Ids and route names are written so that a spreadsheet never runs them
    // as formulas; the key is compared in that written form.
    const std::string route = spreadsheet_safe(alert.route);
    const std::string contact = spreadsheet_safe(alert.contact_id);
    const std::string key = std::to_string(alert.cycle) + ',' + route + ',' + contact;
    if (!written_.insert(key).second) return;

    std::vector<std::string> fields = {
        std::to_string(alert.cycle), route, contact,
        alert.due_local.empty() ? format_utc(alert.due) : alert.due_local, alert.notifier};
    for (const auto& [name, value] : alert.scores) fields.push_back(format_score(value));
    out_ << csv_line(fields) << '\n';
    out_.flush();
    if (!out_) {
      written_.erase(key);
      throw PluginError("cannot write to " + path_ + "; check the disk space and permissions");
    }
  }

  void flush() override {
    if (!out_.is_open()) return;
    out_.flush();
    if (!out_)
      throw PluginError("cannot write to " + path_ + "; check the disk space and permissions");
  }

 private:
  void open(const std::string& header) {
    if (out_.is_open()) {
      if (header != header_) {
        throw PluginError(path_ + " has the columns " + header_ + " but an alert has " + header +
                          "; use one csv_file notifier per campaign");
      }
      return;
    }

    const std::optional<std::string> existing = read_text_file(path_);
    const bool is_new = !existing || existing->empty();
    if (!is_new) {
      const std::string first_line = existing->substr(0, existing->find_first_of("\r\n"));
      if (first_line != header) {
        throw PluginError(path_ + " already exists with the header " + first_line + " instead of " +
                          header + "; move the old file away or set another `path`");
      }
      remember_written(*existing);
      drop_cut_line(*existing);
    }

    out_.open(path_, std::ios::app | std::ios::binary);
    if (!out_)
      throw PluginError("cannot open " + path_ + " for writing; check that its folder exists");
    if (is_new) out_ << header << '\n';
    header_ = header;
  }

  // Keys of the alerts already in the file. A line cut short by a crash
  // (no final newline) is not counted: its alert is written again whole.
  void remember_written(const std::string& text) {
    CsvTable table;
    try {
      table = parse_csv(text.substr(0, text.find_last_of('\n') + 1), ',');
    } catch (const CsvError& error) {
      throw PluginError(path_ + ":" + std::to_string(error.line()) + ": " + error.what() +
                        "; move the damaged file away or set another `path`");
    }
    for (const CsvRecord& record : table.records) {
      if (record.fields.size() < 3) continue;
      written_.insert(record.fields[0] + ',' + record.fields[1] + ',' + record.fields[2]);
    }
  }

  // Removes a last line that a crash cut short, so that the next line
  // starts at a line boundary.
  void drop_cut_line(const std::string& text) const {
    if (text.empty() || text.back() == '\n') return;
    std::error_code error;
    std::filesystem::resize_file(path_, text.find_last_of('\n') + 1, error);
    if (error) {
      throw PluginError("cannot repair the last line of " + path_ + ": " + error.message() +
                        "; check the file's permissions");
    }
  }

  std::string path_;
  std::string header_;
  std::ofstream out_;
  std::unordered_set<std::string> written_;
};

void register_csv_file_notifier(Registry& registry) {
  registry.add_notifier("csv_file", [](const YAML::Node& node, const PluginContext& context) {
    const ConfigReader config(node, "csv_file notifier '" + context.instance + "'");
    config.allow_only({"path"});
    const std::string path = config.get_string("path", context.instance + ".csv");
    return std::make_unique<CsvFileNotifier>(resolve_path(context.output_dir, path));
  });
}

}  // namespace
}  // namespace vigie::plugins::csv_file

VIGIE_PLUGIN(notifier, csv_file, "1.0.0", vigie::plugins::csv_file::register_csv_file_notifier)
