#include "vigie/source_config.hpp"

namespace vigie {

void read_convert_options(const ConfigReader& config, ConvertOptions& options) {
  options.phone_region = config.get_string("phone_region", "FR");
  if (!is_phone_region(options.phone_region)) {
    config.fail("phone_region", "unknown phone_region '" + options.phone_region +
                                    "'; use an ISO 3166 region code such as FR, BE or GP");
  }

  const std::string date_format =
      config.get_choice("date_format", "auto", {"auto", "dd/mm/yyyy", "iso"});
  if (date_format == "dd/mm/yyyy") options.date_format = DateFormat::day_month_year;
  if (date_format == "iso") options.date_format = DateFormat::iso;
}

std::map<std::string, std::string> read_column_map(const ConfigReader& config,
                                                   const std::string& column_word) {
  std::map<std::string, std::string> map;
  const YAML::Node columns = config.node("columns");
  if (!columns.IsDefined() || columns.IsNull()) return map;
  if (!columns.IsMap()) {
    throw ConfigError(columns, "'columns' must map field names to " + column_word);
  }
  for (const auto& entry : columns) {
    map[entry.first.Scalar()] = ConfigReader::as_string(entry.second, "columns");
  }
  return map;
}

}  // namespace vigie
