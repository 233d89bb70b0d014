#include "vigie/csv.hpp"

#include <fstream>
#include <sstream>

namespace vigie {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// A cursor over the text that counts lines as it goes.
class CsvParser {
 public:
  CsvParser(std::string_view text, char delimiter) : text_(text), delimiter_(delimiter) {}

  bool at_end() const { return pos_ >= text_.size(); }
  std::size_t line() const { return line_; }

  // Reads one record. A record that is a blank line returns no field.
  std::vector<std::string> next_record() {
    std::vector<std::string> fields;
    if (consume_line_break()) return fields;

    while (true) {
      fields.push_back(next_field());
      if (at_end() || consume_line_break()) return fields;
      ++pos_;  // the delimiter
    }
  }

 private:
  bool consume_line_break() {
    if (text_.substr(pos_, 2) == "\r\n") {
      pos_ += 2;
    } else if (pos_ < text_.size() && (text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    } else {
      return false;
    }
    ++line_;
    return true;
  }

  bool at_field_end() const {
    return at_end() || text_[pos_] == delimiter_ || text_[pos_] == '\n' || text_[pos_] == '\r';
  }

  std::string next_field() {
    if (pos_ < text_.size() && text_[pos_] == '"') return quoted_field();

    const std::size_t start = pos_;
    while (!at_field_end()) ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }

  std::string quoted_field() {
    const std::size_t opening_line = line_;
    ++pos_;
    std::string field;
    while (true) {
      if (at_end()) {
        throw CsvError(opening_line, "unterminated quoted field starting on line " +
                                         std::to_string(opening_line) +
                                         "; close the quote or double the quotes inside it");
      }
      const char c = text_[pos_];
      if (c == '"' && text_.substr(pos_, 2) == "\"\"") {
        field.push_back('"');
        pos_ += 2;
        continue;
      }
      if (c == '"') {
        ++pos_;
        break;
      }
      if (c == '\n') ++line_;
      if (c == '\r' && text_.substr(pos_, 2) != "\r\n") ++line_;
      field.push_back(c);
      ++pos_;
    }

    if (!at_field_end()) {
      throw CsvError(line_, "unexpected text after a closing quote on line " +
                                std::to_string(line_) +
                                "; a quote inside a quoted field must be doubled (\"\")");
    }
    return field;
  }

  std::string_view text_;
  char delimiter_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
};

}  // namespace

char detect_delimiter(std::string_view header_line) {
  std::size_t semicolons = 0;
  std::size_t commas = 0;
  bool in_quotes = false;
  for (char c : header_line) {
    if (c == '\n' || c == '\r') break;
    if (c == '"') in_quotes = !in_quotes;
    if (in_quotes) continue;
    if (c == ';') ++semicolons;
    if (c == ',') ++commas;
  }
  return semicolons > commas ? ';' : ',';
}

CsvTable parse_csv(std::string_view text, char delimiter) {
  CsvTable table;
  if (text.substr(0, kUtf8Bom.size()) == kUtf8Bom) {
    text.remove_prefix(kUtf8Bom.size());
    table.had_bom = true;
  }
  table.delimiter = delimiter != 0 ? delimiter : detect_delimiter(text);

  CsvParser parser(text, table.delimiter);
  bool header_read = false;
  while (!parser.at_end()) {
    const std::size_t line = parser.line();
    std::vector<std::string> fields = parser.next_record();
    if (fields.empty()) continue;
    if (!header_read) {
      table.header = std::move(fields);
      header_read = true;
      continue;
    }
    table.records.push_back(CsvRecord{line, std::move(fields)});
  }
  return table;
}

std::optional<std::string> read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return content.str();
}

CsvTable read_csv_file(const std::string& path, char delimiter) {
  const std::optional<std::string> text = read_text_file(path);
  if (!text) throw std::runtime_error("cannot read " + path + "; check that the file exists");
  return parse_csv(*text, delimiter);
}

std::optional<std::size_t> find_invalid_utf8(std::string_view text) {
  std::size_t line = 1;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte == '\n') ++line;

    std::size_t length = 1;
    unsigned min_code_point = 0;
    if (byte >= 0xF0 && byte <= 0xF4) {
      length = 4;
      min_code_point = 0x10000;
    } else if (byte >= 0xE0) {
      length = 3;
      min_code_point = 0x800;
    } else if (byte >= 0xC2 && byte <= 0xDF) {
      length = 2;
      min_code_point = 0x80;
    } else if (byte >= 0x80) {
      return line;
    }
    if (byte >= 0xF5) return line;
    if (i + length > text.size()) return line;

    unsigned code_point = length == 1 ? byte : byte & (0x7F >> length);
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return line;
      code_point = (code_point << 6) | (next & 0x3F);
    }
    // Overlong forms, UTF-16 surrogates and values past U+10FFFF are invalid.
    if (code_point < min_code_point || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return line;
    }
    i += length;
  }
  return std::nullopt;
}

std::string csv_escape(std::string_view field, char delimiter) {
  if (field.find_first_of(std::string{delimiter, '"', '\n', '\r'}) == std::string_view::npos) {
    return std::string(field);
  }
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string csv_line(const std::vector<std::string>& fields, char delimiter) {
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line.push_back(delimiter);
    line += csv_escape(fields[i], delimiter);
  }
  return line;
}

}  // namespace vigie
