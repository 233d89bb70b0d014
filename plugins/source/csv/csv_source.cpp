// The `csv` source: reads the register from a CSV file exported by office
// software (`;` or `,`, optional BOM, French dates, decimals and phones).
//
// Config keys:
//   path          the file, relative to the engine config's folder (required)
//   delimiter     auto (default), ";" or ","
//   encoding      utf-8 (default; a BOM is accepted), the only one supported
//   phone_region  region for national phone numbers, default FR
//   date_format   auto (default), dd/mm/yyyy or iso
//   columns       field name -> header name, for headers that differ from the
//                 campaign's field names. Unmapped fields are matched with
//                 headers ignoring letter case, accents, spaces and dashes.
//
// Duplicate keys are not rejected here: the engine checks them across sources.

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "vigie/config_reader.hpp"
#include "vigie/convert.hpp"
#include "vigie/csv.hpp"
#include "vigie/plugin.hpp"

namespace vigie::plugins {
namespace {

struct CsvSourceSettings {
  std::string instance;
  std::string config_path;  // "<default config>" when the path came from --roster
  std::string path;
  char delimiter = 0;  // 0: detect from the header
  ConvertOptions convert;
  std::map<std::string, std::string> columns;  // field -> header
};

// Folds a header or field name for matching: ASCII lower case, Latin-1
// accented letters to their base letter, spaces and dashes to '_'.
std::string fold_name(std::string_view text) {
  static const std::map<unsigned char, char> kAccents = {
      {0xA0, 'a'}, {0xA1, 'a'}, {0xA2, 'a'}, {0xA4, 'a'}, {0xA7, 'c'}, {0xA8, 'e'},
      {0xA9, 'e'}, {0xAA, 'e'}, {0xAB, 'e'}, {0xAE, 'i'}, {0xAF, 'i'}, {0xB4, 'o'},
      {0xB6, 'o'}, {0xB9, 'u'}, {0xBB, 'u'}, {0xBC, 'u'}, {0xBF, 'y'}};
  text = trim(text);
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte == 0xC3 && i + 1 < text.size()) {
      // Upper-case letters U+00C0..U+00DE are 0x20 below their lower case.
      auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0x9E) next = static_cast<unsigned char>(next + 0x20);
      const auto it = kAccents.find(next);
      if (it != kAccents.end()) {
        out.push_back(it->second);
        ++i;
        continue;
      }
    }
    if (byte == ' ' || byte == '-') {
      out.push_back('_');
    } else {
      out.push_back(static_cast<char>(std::tolower(byte)));
    }
  }
  return out;
}

CsvSourceSettings read_settings(const YAML::Node& node, const PluginContext& context) {
  const ConfigReader config(node, "csv source '" + context.instance + "'");
  config.allow_only({"path", "delimiter", "encoding", "phone_region", "columns", "date_format"});

  CsvSourceSettings settings;
  settings.instance = context.instance;
  settings.config_path = context.config_path;
  settings.path = resolve_path(context.config_dir, config.require_string("path"));

  const std::string delimiter = config.get_choice("delimiter", "auto", {"auto", ";", ","});
  settings.delimiter = delimiter == "auto" ? 0 : delimiter[0];

  std::string encoding = config.get_string("encoding", "utf-8");
  for (char& c : encoding) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (encoding != "utf-8" && encoding != "utf8") {
    config.fail("encoding", "encoding '" + encoding +
                                "' is not supported; convert the file to UTF-8 (for example "
                                "iconv -f LATIN1 -t UTF-8) and write encoding: utf-8");
  }

  settings.convert.phone_region = config.get_string("phone_region", "FR");
  if (!is_phone_region(settings.convert.phone_region)) {
    config.fail("phone_region", "unknown phone_region '" + settings.convert.phone_region +
                                    "'; use an ISO 3166 region code such as FR, BE or GP");
  }

  const std::string date_format =
      config.get_choice("date_format", "auto", {"auto", "dd/mm/yyyy", "iso"});
  if (date_format == "dd/mm/yyyy") settings.convert.date_format = DateFormat::day_month_year;
  if (date_format == "iso") settings.convert.date_format = DateFormat::iso;

  const YAML::Node columns = config.node("columns");
  if (columns.IsDefined() && !columns.IsNull()) {
    if (!columns.IsMap()) {
      throw ConfigError(columns, "'columns' must map field names to header names");
    }
    for (const auto& entry : columns) {
      settings.columns[entry.first.Scalar()] = ConfigReader::as_string(entry.second, "columns");
    }
  }
  return settings;
}

class CsvSource final : public Source {
 public:
  explicit CsvSource(CsvSourceSettings settings) : settings_(std::move(settings)) {}

  ImportResult read(const SourceSchema& schema) override {
    const CsvTable table = load_table();
    const std::vector<int> column_of = map_columns(schema, table);

    ImportResult result;
    result.notes.push_back(describe(table));
    for (std::size_t i = 0; i < schema.fields.size(); ++i) {
      if (column_of[i] < 0) {
        result.notes.push_back("optional field '" + schema.fields[i].name + "' has no column in " +
                               settings_.path + "; it is empty in every row");
      }
    }

    for (const CsvRecord& record : table.records) {
      convert_record(record, schema, column_of, table.header.size(), result);
    }
    return result;
  }

 private:
  CsvTable load_table() const {
    const std::optional<std::string> text = read_text_file(settings_.path);
    if (!text) {
      const std::string where = settings_.config_path == "<default config>"
                                    ? "the --roster option"
                                    : "the engine config " + settings_.config_path;
      throw PluginError("cannot read " + settings_.path + " for source '" + settings_.instance +
                        "'; check the path given in " + where);
    }
    if (const auto line = find_invalid_utf8(*text)) {
      throw PluginError(settings_.path + ":" + std::to_string(*line) +
                        ": the file is not valid UTF-8; export it as UTF-8 (for example "
                        "iconv -f LATIN1 -t UTF-8)");
    }

    try {
      CsvTable table = parse_csv(*text, settings_.delimiter);
      if (table.header.empty()) {
        throw PluginError(settings_.path +
                          " is empty; it needs a header line and one row per person");
      }
      return table;
    } catch (const CsvError& error) {
      throw PluginError(settings_.path + ":" + std::to_string(error.line()) + ": " + error.what());
    }
  }

  // Returns, for each schema field, its column index or -1.
  std::vector<int> map_columns(const SourceSchema& schema, const CsvTable& table) const {
    for (const auto& [field, header] : settings_.columns) {
      const bool known = std::any_of(schema.fields.begin(), schema.fields.end(),
                                     [&](const FieldSpec& spec) { return spec.name == field; });
      if (!known) {
        std::vector<std::string> names;
        for (const FieldSpec& spec : schema.fields) names.push_back(spec.name);
        throw PluginError("source '" + settings_.instance + "' maps columns for field '" + field +
                          "', which campaign '" + schema.campaign +
                          "' does not declare; its fields are " + join_names(names));
      }
    }

    std::vector<int> column_of;
    for (const FieldSpec& field : schema.fields) {
      const auto mapped = settings_.columns.find(field.name);
      const std::string wanted = mapped != settings_.columns.end() ? mapped->second : field.name;
      const int column = find_column(table.header, wanted);
      if (column < 0 && !field.optional) {
        throw PluginError(settings_.path + ": missing required column '" + wanted +
                          "' for field '" + field.name + "'; the header has " +
                          join_names(table.header) +
                          ". Add the column or map it under `columns:` in the engine config");
      }
      column_of.push_back(column);
    }
    return column_of;
  }

  static int find_column(const std::vector<std::string>& header, const std::string& wanted) {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (trim(header[i]) == trim(wanted)) return static_cast<int>(i);
    }
    const std::string folded = fold_name(wanted);
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (fold_name(header[i]) == folded) return static_cast<int>(i);
    }
    return -1;
  }

  void convert_record(const CsvRecord& record, const SourceSchema& schema,
                      const std::vector<int>& column_of, std::size_t width,
                      ImportResult& result) const {
    if (record.fields.size() == 1 && trim(record.fields[0]).empty()) return;
    if (record.fields.size() != width) {
      result.rejected.push_back(RejectedRow{
          record.line, "", "",
          "the row has " + std::to_string(record.fields.size()) + " fields but the header has " +
              std::to_string(width) + "; check the quotes and the delimiter"});
      return;
    }

    Row row;
    row.row_number = record.line;
    for (std::size_t i = 0; i < schema.fields.size(); ++i) {
      const std::string_view text =
          column_of[i] < 0 ? std::string_view() : std::string_view(record.fields[column_of[i]]);
      Converted<FieldValue> value = convert_field(schema.fields[i], text, settings_.convert);
      if (!value.ok()) {
        result.rejected.push_back(
            RejectedRow{record.line, schema.fields[i].name, std::string(trim(text)), value.error});
        return;
      }
      row.values.push_back(std::move(*value.value));
    }
    result.rows.push_back(std::move(row));
  }

  std::string describe(const CsvTable& table) const {
    std::string note = "read " + std::to_string(table.records.size()) + " records from " +
                       settings_.path + " (delimiter '" + std::string(1, table.delimiter) + "'";
    if (table.had_bom) note += ", UTF-8 byte order mark removed";
    return note + ")";
  }

  CsvSourceSettings settings_;
};

void register_csv_source(Registry& registry) {
  registry.add_source("csv", [](const YAML::Node& node, const PluginContext& context) {
    return std::make_unique<CsvSource>(read_settings(node, context));
  });
}

}  // namespace
}  // namespace vigie::plugins

VIGIE_PLUGIN(source, csv, "1.0.0", vigie::plugins::register_csv_source)
