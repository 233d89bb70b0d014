// The `sql` source: reads the register from any database SOCI can open,
// with a query from the engine config. Each column of the result is turned
// into text and validated like a CSV field (convert_row in the SDK), so a
// register is typed and checked the same way whatever it comes from.
//
// Config keys:
//   connection    a SOCI connection string, "BACKEND://PARAMETERS"
//                 (sqlite3://db=register.db, postgresql://host=... dbname=...).
//                 A relative SQLite path resolves from the config's folder.
//   query         the SELECT that returns one row per person (required)
//   phone_region  region for national phone numbers, default FR
//   date_format   auto (default), dd/mm/yyyy or iso, for dates stored as text
//   columns       field name -> result column name, for columns that differ
//                 from the campaign's field names; unmapped fields match
//                 columns as in the csv source (vigie::find_column).
//
// Row numbers are positions in the query's result, the first row being 1;
// order the query (ORDER BY) for numbers that stay the same between runs.

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <soci/soci.h>

#include "vigie/config_reader.hpp"
#include "vigie/convert.hpp"
#include "vigie/plugin.hpp"
#include "vigie/source_config.hpp"

namespace vigie::plugins {
namespace {

struct SqlSourceSettings {
  std::string instance;
  std::string connection;
  std::string backend;  // the part before "://", for messages that must not show credentials
  std::string query;
  ConvertOptions convert;
  std::map<std::string, std::string> columns;  // field -> result column
};

// Resolves the `db=` path of an SQLite connection string from `dir`.
std::string resolve_sqlite_path(const std::string& connection, const std::string& dir) {
  const std::string prefix = "sqlite3://db=";
  if (connection.rfind(prefix, 0) != 0) return connection;

  const std::size_t end = connection.find(' ', prefix.size());
  const std::string path = connection.substr(prefix.size(), end - prefix.size());
  const std::string rest = end == std::string::npos ? "" : connection.substr(end);
  return prefix + resolve_path(dir, path) + rest;
}

SqlSourceSettings read_settings(const YAML::Node& node, const PluginContext& context) {
  const ConfigReader config(node, "sql source '" + context.instance + "'");
  config.allow_only({"connection", "query", "phone_region", "date_format", "columns"});

  SqlSourceSettings settings;
  settings.instance = context.instance;
  const std::string connection = config.require_string("connection");
  const std::size_t scheme_end = connection.find("://");
  if (scheme_end == std::string::npos || scheme_end == 0) {
    config.fail("connection",
                "'connection' must be a SOCI connection string BACKEND://PARAMETERS, such as "
                "sqlite3://db=register.db or postgresql://host=127.0.0.1 dbname=vigie");
  }
  settings.backend = connection.substr(0, scheme_end);
  settings.connection = resolve_sqlite_path(connection, context.config_dir);

  settings.query = config.require_string("query");
  if (trim(settings.query).empty()) config.fail("query", "'query' is empty; write the SELECT");

  read_convert_options(config, settings.convert);
  settings.columns = read_column_map(config, "result column names");
  return settings;
}

std::string number_text(double value) {
  char buffer[64];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  if (ec != std::errc()) return "";
  return std::string(buffer, end);
}

// The text form of one column, as convert_row reads it; empty for NULL.
std::string column_text(const soci::row& row, std::size_t i) {
  if (row.get_indicator(i) == soci::i_null) return "";

  switch (row.get_properties(i).get_data_type()) {
    case soci::dt_string:
    case soci::dt_xml:
      return row.get<std::string>(i);
    case soci::dt_integer:
      return std::to_string(row.get<int>(i));
    case soci::dt_long_long:
      return std::to_string(row.get<long long>(i));
    case soci::dt_unsigned_long_long:
      return std::to_string(row.get<unsigned long long>(i));
    case soci::dt_double:
      return number_text(row.get<double>(i));
    case soci::dt_date: {
      const std::tm tm = row.get<std::tm>(i);
      return format_date(CivilDate{tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday});
    }
    case soci::dt_blob:
      break;
  }
  // An empty text makes convert_row reject the row (or leave an optional
  // field empty) instead of reading binary data as a value.
  return "";
}

class SqlSource final : public Source {
 public:
  explicit SqlSource(SqlSourceSettings settings) : settings_(std::move(settings)) {}

  ImportResult read(const SourceSchema& schema) override {
    check_mapped_fields(schema);
    try {
      return read_rows(schema);
    } catch (const soci::soci_error& error) {
      // The message may quote the connection string, which can hold a
      // password: name only the backend.
      throw PluginError("source '" + settings_.instance + "' (" + settings_.backend +
                        "): the database could not be read: " + first_line(error.what()) +
                        ". Check `connection` and `query` in the engine config");
    }
  }

 private:
  static std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

  void check_mapped_fields(const SourceSchema& schema) const {
    std::vector<std::string> names;
    for (const FieldSpec& spec : schema.fields) names.push_back(spec.name);
    for (const auto& [field, column] : settings_.columns) {
      if (std::find(names.begin(), names.end(), field) == names.end()) {
        throw PluginError("source '" + settings_.instance + "' maps columns for field '" + field +
                          "', which campaign '" + schema.campaign +
                          "' does not declare; its fields are " + join_names(names));
      }
    }
  }

  ImportResult read_rows(const SourceSchema& schema) const {
    soci::session session(settings_.connection);
    soci::rowset<soci::row> rows = (session.prepare << settings_.query);

    ImportResult result;
    ConvertOptions options = settings_.convert;
    options.today = reference_date(schema);
    std::vector<std::optional<std::size_t>> column_of;
    std::size_t row_number = 0;
    for (const soci::row& row : rows) {
      ++row_number;
      if (row_number == 1) column_of = map_columns(schema, row);

      std::vector<std::string> texts(column_of.size());
      std::vector<std::optional<std::string_view>> views(column_of.size());
      for (std::size_t f = 0; f < column_of.size(); ++f) {
        if (!column_of[f]) continue;
        texts[f] = column_text(row, *column_of[f]);
        views[f] = texts[f];
      }
      convert_row(schema, row_number, views, options, result);
    }

    result.notes.push_back("read " + std::to_string(row_number) + " rows from the " +
                           settings_.backend + " query of source '" + settings_.instance + "'");
    return result;
  }

  // Matches each schema field to a result column; throws PluginError for a
  // required field without one.
  std::vector<std::optional<std::size_t>> map_columns(const SourceSchema& schema,
                                                      const soci::row& row) const {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < row.size(); ++i) names.push_back(row.get_properties(i).get_name());

    std::vector<std::optional<std::size_t>> column_of;
    for (const FieldSpec& field : schema.fields) {
      const auto mapped = settings_.columns.find(field.name);
      const std::string wanted = mapped != settings_.columns.end() ? mapped->second : field.name;
      const std::optional<std::size_t> column = find_column(names, wanted);
      if (!column && !field.optional) {
        throw PluginError("source '" + settings_.instance + "': the query returns no column '" +
                          wanted + "' for field '" + field.name + "'; it returns " +
                          join_names(names) + ". Select the column (or an alias: AS " + field.name +
                          ") or map it under `columns:` in the engine config");
      }
      column_of.push_back(column);
    }
    return column_of;
  }

  SqlSourceSettings settings_;
};

void register_sql_source(Registry& registry) {
  registry.add_source("sql", [](const YAML::Node& node, const PluginContext& context) {
    return std::make_unique<SqlSource>(read_settings(node, context));
  });
}

}  // namespace
}  // namespace vigie::plugins

VIGIE_PLUGIN(source, sql, "1.0.0", vigie::plugins::register_sql_source)
