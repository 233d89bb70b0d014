#pragma once
// Config keys that every register source reads the same way, so that the
// csv and sql sources (and integrators' own) accept the same spellings and
// give the same messages.

#include <map>
#include <string>

#include "vigie/config_reader.hpp"
#include "vigie/convert.hpp"

namespace vigie {

// Reads `phone_region` (default FR) and `date_format` (auto, dd/mm/yyyy or
// iso) into `options`; a wrong value is a ConfigError at its position.
void read_convert_options(const ConfigReader& config, ConvertOptions& options);

// Reads `columns`, a map from field name to the source's column name;
// `column_word` names the source's columns in the message ("header names").
std::map<std::string, std::string> read_column_map(const ConfigReader& config,
                                                   const std::string& column_word);

}  // namespace vigie
