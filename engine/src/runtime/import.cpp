#include "runtime/import.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <set>
#include <tuple>

#include <spdlog/spdlog.h>

#include "eval/evaluator.hpp"
#include "runtime/campaign_input.hpp"
#include "runtime/plugins.hpp"
#include "runtime/records.hpp"
#include "runtime/report.hpp"
#include "runtime/roster.hpp"

namespace vigie::runtime {
namespace fs = std::filesystem;

namespace {

const char* kind_name(ImportIssue::Kind kind) {
  return kind == ImportIssue::Kind::rejected ? "rejected" : "suspicious";
}

// The text the store keeps for a field, the same as Roster::field_text.
std::string field_text(const FieldValue& value) {
  struct Visitor {
    std::string operator()(std::monostate) const { return ""; }
    std::string operator()(const std::string& text) const { return text; }
    std::string operator()(std::int64_t i) const { return value_text(common::Value::of_int(i)); }
    std::string operator()(double d) const { return value_text(common::Value::of_decimal(d)); }
    std::string operator()(bool b) const { return value_text(common::Value::of_bool(b)); }
    std::string operator()(const CivilDate& d) const {
      return value_text(common::Value::of_date(days_from_civil(d)));
    }
  };
  return std::visit(Visitor{}, value);
}

// The accepted rows as store records: every row of the import that neither
// the source nor the roster rejected, inside the audience or not.
std::vector<store::ContactRecord> accepted_contacts(const ir::Campaign& campaign,
                                                    const ImportResult& import,
                                                    const std::set<std::size_t>& rejected_rows) {
  std::optional<std::size_t> phone_field;
  for (std::size_t f = 0; f < campaign.fields.size(); ++f) {
    if (campaign.fields[f].type == ir::FieldType::phone) {
      phone_field = f;
      break;
    }
  }

  std::vector<store::ContactRecord> contacts;
  for (const Row& row : import.rows) {
    if (rejected_rows.count(row.row_number) != 0) continue;

    store::ContactRecord record;
    record.row_number = row.row_number;
    record.contact_id = field_text(row.values[static_cast<std::size_t>(campaign.key_field)]);
    if (phone_field) record.phone = field_text(row.values[*phone_field]);
    for (std::size_t f = 0; f < campaign.fields.size(); ++f) {
      record.fields.emplace_back(campaign.fields[f].name, field_text(row.values[f]));
    }
    contacts.push_back(std::move(record));
  }
  return contacts;
}

void store_snapshot(const std::string& url, const ir::Campaign& campaign,
                    common::Instant activation, const std::vector<store::ContactRecord>& contacts,
                    const std::vector<RejectedRow>& rejected) {
  // NOTE: the store keeps the rows a cycle already contains. Importing again
  // into the same store adds new keys and leaves rows stored earlier as
  // they were, so a corrected register needs a new --out folder.
  std::unique_ptr<store::Store> store = store::Store::open(url);
  store->begin_cycle(campaign.name, kImportSnapshotCycle, activation);
  store->save_contacts(kImportSnapshotCycle, contacts);
  store->save_rejected(kImportSnapshotCycle, rejected_records(rejected));
  store->end_cycle(kImportSnapshotCycle, activation);
}

ImportReport check_register(const ir::Campaign& campaign, const ImportResult& import,
                            const date::time_zone* zone, common::Instant activation) {
  // The roster applies the run's own rules (duplicate keys, audience), so
  // the import rejects exactly what the first cycle would.
  eval::CompiledCampaign compiled(campaign);
  const Roster roster(campaign, compiled, import, zone, activation, /*cycle=*/1);

  ImportReport report;
  report.campaign = campaign.name;
  report.source_instance = campaign.source_instance;
  report.encoding = import.encoding;
  report.delimiter = import.delimiter;
  report.notes = import.notes;
  report.rows_read = import.rows.size() + import.rejected.size();
  report.issues = import_issues(import, roster.rejected());

  std::set<std::size_t> rejected_rows;
  std::set<std::size_t> suspicious_rows;
  for (const ImportIssue& issue : report.issues) {
    auto& rows = issue.kind == ImportIssue::Kind::rejected ? rejected_rows : suspicious_rows;
    rows.insert(issue.row.row_number);
  }
  report.rejected = roster.rejected().size();
  report.accepted = report.rows_read - std::min(report.rows_read, report.rejected);
  report.suspicious = suspicious_rows.size();
  report.outside_audience = roster.excluded();
  return report;
}

}  // namespace

SourceSchema import_schema(const ir::Campaign& campaign, common::Instant activation,
                           const date::time_zone* zone) {
  SourceSchema schema = schema_of(campaign);
  const date::year_month_day local{date::floor<date::days>(zone->to_local(activation))};
  schema.today = CivilDate{static_cast<int>(local.year()),
                           static_cast<int>(static_cast<unsigned>(local.month())),
                           static_cast<int>(static_cast<unsigned>(local.day()))};
  return schema;
}

std::vector<ImportIssue> import_issues(const ImportResult& import,
                                       const std::vector<RejectedRow>& rejected) {
  std::vector<ImportIssue> issues;
  std::set<std::size_t> rejected_rows;
  for (const RejectedRow& row : rejected) {
    issues.push_back({ImportIssue::Kind::rejected, row});
    rejected_rows.insert(row.row_number);
  }
  for (const RejectedRow& row : import.suspicious) {
    if (rejected_rows.count(row.row_number) != 0) continue;
    issues.push_back({ImportIssue::Kind::suspicious, row});
  }

  std::stable_sort(issues.begin(), issues.end(), [](const ImportIssue& a, const ImportIssue& b) {
    return std::tie(a.row.row_number, a.kind) < std::tie(b.row.row_number, b.kind);
  });
  return issues;
}

void write_import_report(const std::string& path, const std::vector<ImportIssue>& issues) {
  std::ofstream out(path);
  if (!out) throw RunError("cannot write " + path + "; check that the output folder is writable");
  out << "row,status,field,value,reason\n";
  for (const ImportIssue& issue : issues) {
    out << issue.row.row_number << ',' << kind_name(issue.kind) << ',' << csv_field(issue.row.field)
        << ',' << csv_field(issue.row.value) << ',' << csv_field(issue.row.reason) << '\n';
  }
  if (!out) throw RunError("cannot write " + path + "; check that the output folder is writable");
}

ImportReport import_register(const RunOptions& options, bool store_rows) {
  CompiledInput input;
  compile_campaign(options, input);
  const ir::Campaign& campaign = *input.campaign;
  const date::time_zone* zone = common::find_zone(campaign.timezone);
  if (zone == nullptr) throw RunError("unknown time zone '" + campaign.timezone + "'");
  const common::Instant activation = activation_time(options, zone);

  std::error_code ec;
  fs::create_directories(options.out_dir, ec);
  if (ec) {
    throw RunError("cannot create the output folder " + options.out_dir + ": " + ec.message());
  }

  // The dialer is built too, as for `vigie plan`: the same config mistakes
  // stop an import and a run.
  PluginSet plugins(campaign, options, PluginNeeds::simulation);
  ImportResult import;
  try {
    import = plugins.source().read(import_schema(campaign, activation, zone));
  } catch (const std::exception& error) {
    // Copy the message while the plugin's library is still loaded.
    throw RunError(error.what());
  }
  for (const std::string& note : import.notes) {
    spdlog::info("source {}: {}", campaign.source_instance, note);
  }

  ImportReport report = check_register(campaign, import, zone, activation);
  report.report_path = (fs::path(options.out_dir) / "import_report.csv").string();
  write_import_report(report.report_path, report.issues);
  if (!store_rows) return report;

  std::set<std::size_t> rejected_rows;
  std::vector<RejectedRow> rejected;
  for (const ImportIssue& issue : report.issues) {
    if (issue.kind != ImportIssue::Kind::rejected) continue;
    rejected_rows.insert(issue.row.row_number);
    rejected.push_back(issue.row);
  }
  const std::vector<store::ContactRecord> contacts =
      accepted_contacts(campaign, import, rejected_rows);
  try {
    store_snapshot(plugins.store_url(), campaign, activation, contacts, rejected);
  } catch (const store::StoreError& error) {
    throw RunError(error.what());
  }
  report.store = plugins.store_url();
  report.stored = contacts.size();
  return report;
}

void print_import_summary(std::ostream& out, const ImportReport& report) {
  out << "Import du registre / register import : " << report.campaign << ", source "
      << report.source_instance << '\n';
  if (!report.encoding.empty()) {
    out << "  encodage / encoding : " << report.encoding
        << "   séparateur / delimiter : " << report.delimiter << '\n';
  }
  out << "  lignes lues / rows read : " << report.rows_read << '\n';
  out << "  acceptées / accepted : " << report.accepted
      << "   (hors public / outside audience : " << report.outside_audience << ")\n";
  out << "  rejetées / rejected : " << report.rejected << '\n';
  out << "  douteuses / suspicious : " << report.suspicious << '\n';
  out << "  rapport / report : " << report.report_path << '\n';
  if (report.store) {
    out << "  enregistrées / stored : " << report.stored << " dans / in " << *report.store << '\n';
  } else {
    out << "  vérification seule, rien n'est enregistré / check only, nothing stored\n";
  }
}

}  // namespace vigie::runtime
