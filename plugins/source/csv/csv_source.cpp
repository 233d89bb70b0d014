// The `csv` source: reads the register from a CSV file exported by office
// software (`;` or `,`, optional BOM, French dates, decimals and phones).
//
// Config keys:
//   path          the file, relative to the engine config's folder (required)
//   delimiter     auto (default), ";", "," or tab
//   encoding      auto (default), utf-8, windows-1252 or iso-8859-1; see
//                 decode_text in vigie/csv.hpp for the detection
//   phone_region  region for national phone numbers, default FR
//   date_format   auto (default), dd/mm/yyyy (also reads dd/mm/yy) or iso
//   columns       field name -> header name, for headers that differ from the
//                 campaign's field names. Unmapped fields are matched with
//                 headers ignoring letter case, accents, spaces and dashes.
//
// Duplicate keys are not rejected here: the engine checks them across sources.

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "vigie/config_reader.hpp"
#include "vigie/convert.hpp"
#include "vigie/csv.hpp"
#include "vigie/plugin.hpp"
#include "vigie/source_config.hpp"

namespace vigie::plugins {
namespace {

struct CsvSourceSettings {
  std::string instance;
  std::string config_path;  // "<default config>" when the path came from --roster
  std::string path;
  char delimiter = 0;                    // 0: detect from the header
  std::optional<TextEncoding> encoding;  // nullopt: detect
  ConvertOptions convert;
  std::map<std::string, std::string> columns;  // field -> header
};

CsvSourceSettings read_settings(const YAML::Node& node, const PluginContext& context) {
  const ConfigReader config(node, "csv source '" + context.instance + "'");
  config.allow_only({"path", "delimiter", "encoding", "phone_region", "columns", "date_format"});

  CsvSourceSettings settings;
  settings.instance = context.instance;
  settings.config_path = context.config_path;
  settings.path = resolve_path(context.config_dir, config.require_string("path"));

  const std::string delimiter = config.get_choice("delimiter", "auto", {"auto", ";", ",", "tab"});
  if (delimiter == "tab") {
    settings.delimiter = '\t';
  } else {
    settings.delimiter = delimiter == "auto" ? 0 : delimiter[0];
  }

  const std::string encoding = config.get_string("encoding", "auto");
  if (encoding != "auto") {
    settings.encoding = parse_encoding_name(encoding);
    if (!settings.encoding) {
      config.fail("encoding", "unknown encoding '" + encoding +
                                  "'; use auto, utf-8, windows-1252 or iso-8859-1");
    }
  }

  read_convert_options(config, settings.convert);
  settings.columns = read_column_map(config, "header names");
  return settings;
}

class CsvSource final : public Source {
 public:
  explicit CsvSource(CsvSourceSettings settings) : settings_(std::move(settings)) {}

  ImportResult read(const SourceSchema& schema) override {
    const DecodedText decoded = load_text();
    const CsvTable table = parse_table(decoded.text);
    const std::vector<int> column_of = map_columns(schema, table);

    ImportResult result;
    result.encoding = encoding_name(decoded.encoding);
    result.delimiter = delimiter_name(table.delimiter);
    result.notes.push_back(describe(table, decoded.had_bom));
    describe_encoding(decoded, result.notes);
    if (table.first_multiline_record) {
      result.notes.push_back(
          "the record on line " + std::to_string(*table.first_multiline_record) +
          " has a quoted field spanning several lines; row numbers are the file line where each "
          "record starts, so after it they run ahead of a spreadsheet's row numbers");
    }
    for (std::size_t i = 0; i < schema.fields.size(); ++i) {
      if (column_of[i] < 0) {
        result.notes.push_back("optional field '" + schema.fields[i].name + "' has no column in " +
                               settings_.path + "; it is empty in every row");
      }
    }

    ConvertOptions options = settings_.convert;
    options.today = reference_date(schema);
    for (const CsvRecord& record : table.records) {
      convert_record(record, schema, column_of, table.header.size(), options, result);
    }
    return result;
  }

 private:
  DecodedText load_text() const {
    const std::optional<std::string> bytes = read_text_file(settings_.path);
    if (!bytes) {
      const std::string where = settings_.config_path == "<default config>"
                                    ? "the --roster option"
                                    : "the engine config " + settings_.config_path;
      throw PluginError("cannot read " + settings_.path + " for source '" + settings_.instance +
                        "'; check the path given in " + where);
    }

    try {
      return decode_text(*bytes, settings_.encoding);
    } catch (const EncodingError& error) {
      throw PluginError(settings_.path + ":" + std::to_string(error.line()) + ": " + error.what());
    } catch (const std::runtime_error& error) {
      throw PluginError(settings_.path + ": " + error.what());
    }
  }

  static void describe_encoding(const DecodedText& decoded, std::vector<std::string>& notes) {
    std::string note = std::string("encoding ") + encoding_name(decoded.encoding);
    if (decoded.first_non_utf8_line) {
      note += " (detected: line " + std::to_string(*decoded.first_non_utf8_line) +
              " is not valid UTF-8 and every byte is defined in Windows-1252; set encoding: in "
              "the engine config if the file is another encoding)";
    } else if (decoded.detected) {
      note += " (detected)";
    }
    notes.push_back(note);
    if (decoded.c1_controls > 0) {
      notes.push_back(std::to_string(decoded.c1_controls) +
                      " bytes between 0x80 and 0x9F are control characters in ISO-8859-1; if "
                      "the file shows euro signs or curly quotes, set encoding: windows-1252");
    }
  }

  CsvTable parse_table(const std::string& text) const {
    try {
      CsvTable table = parse_csv(text, settings_.delimiter);
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
      const std::optional<std::size_t> found = find_column(table.header, wanted);
      const int column = found ? static_cast<int>(*found) : -1;
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

  static void convert_record(const CsvRecord& record, const SourceSchema& schema,
                             const std::vector<int>& column_of, std::size_t width,
                             const ConvertOptions& options, ImportResult& result) {
    if (record.fields.size() == 1 && trim(record.fields[0]).empty()) return;
    if (record.fields.size() != width) {
      result.rejected.push_back(RejectedRow{
          record.line, "", "",
          "the row has " + std::to_string(record.fields.size()) + " fields but the header has " +
              std::to_string(width) + "; check the quotes and the delimiter"});
      return;
    }

    std::vector<std::optional<std::string_view>> texts;
    texts.reserve(column_of.size());
    for (const int column : column_of) {
      if (column < 0) {
        texts.emplace_back(std::nullopt);
      } else {
        texts.emplace_back(record.fields[static_cast<std::size_t>(column)]);
      }
    }
    convert_row(schema, record.line, texts, options, result);
  }

  std::string describe(const CsvTable& table, bool had_bom) const {
    std::string note = "read " + std::to_string(table.records.size()) + " records from " +
                       settings_.path + " (delimiter '" + delimiter_name(table.delimiter) + "'";
    if (had_bom) note += ", UTF-8 byte order mark removed";
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
