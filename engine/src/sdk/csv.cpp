#include "vigie/csv.hpp"

#include <iconv.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
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
  // True when the last record read had a line break inside a quoted field.
  bool record_spanned_lines() const { return record_spanned_lines_; }

  // Reads one record. A record that is a blank line returns no field.
  std::vector<std::string> next_record() {
    record_spanned_lines_ = false;
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
      if (c == '\n' || (c == '\r' && text_.substr(pos_, 2) != "\r\n")) {
        ++line_;
        record_spanned_lines_ = true;
      }
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
  bool record_spanned_lines_ = false;
};

std::size_t line_of_offset(std::string_view text, std::size_t offset) {
  return 1 + static_cast<std::size_t>(std::count(
                 text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

// Converts single-byte text to UTF-8 with iconv. Returns the offset of the
// first byte the encoding leaves undefined, or nullopt when all converted.
std::optional<std::size_t> iconv_to_utf8(std::string_view bytes, const char* from,
                                         std::string& out) {
  iconv_t converter = iconv_open("UTF-8", from);
  if (converter == reinterpret_cast<iconv_t>(-1)) {
    throw std::runtime_error(std::string("iconv cannot convert from ") + from + " to UTF-8 (" +
                             std::strerror(errno) +
                             "); check that glibc's gconv modules are installed");
  }

  // A byte of these encodings becomes at most 3 bytes of UTF-8 (U+20AC, €).
  out.assign(bytes.size() * 3, '\0');
  char* in_ptr = const_cast<char*>(bytes.data());  // iconv's signature is not const-correct
  std::size_t in_left = bytes.size();
  char* out_ptr = out.data();
  std::size_t out_left = out.size();
  const std::size_t status = iconv(converter, &in_ptr, &in_left, &out_ptr, &out_left);
  const int error = errno;
  iconv_close(converter);

  out.resize(out.size() - out_left);
  if (status == static_cast<std::size_t>(-1)) {
    if (error == EILSEQ || error == EINVAL) return static_cast<std::size_t>(in_ptr - bytes.data());
    throw std::runtime_error(std::string("iconv failed to convert from ") + from + ": " +
                             std::strerror(error));
  }
  return std::nullopt;
}

std::string hex_byte(unsigned char byte) {
  static const char* const kDigits = "0123456789ABCDEF";
  return std::string("0x") + kDigits[byte >> 4] + kDigits[byte & 0xF];
}

// Rejects what no supported encoding reads: UTF-16 and NUL bytes.
void check_not_utf16(std::string_view bytes) {
  if (bytes.substr(0, 2) == "\xFF\xFE" || bytes.substr(0, 2) == "\xFE\xFF") {
    throw EncodingError(1,
                        "the file is UTF-16 (it starts with a UTF-16 byte order mark); export it "
                        "as CSV UTF-8, or convert it with iconv -f UTF-16 -t UTF-8");
  }
  const std::size_t nul = bytes.find('\0');
  if (nul != std::string_view::npos) {
    throw EncodingError(line_of_offset(bytes, nul),
                        "the file contains a NUL byte on line " +
                            std::to_string(line_of_offset(bytes, nul)) +
                            ", which no register encoding has; it is probably UTF-16: export it "
                            "as CSV UTF-8");
  }
}

DecodedText decode_windows_1252(std::string_view bytes, DecodedText decoded) {
  const auto undefined = iconv_to_utf8(bytes, "WINDOWS-1252", decoded.text);
  if (!undefined) return decoded;

  const std::size_t line = line_of_offset(bytes, *undefined);
  const std::string byte = hex_byte(static_cast<unsigned char>(bytes[*undefined]));
  if (decoded.detected) {
    throw EncodingError(
        line, "the file is neither UTF-8 (line " + std::to_string(*decoded.first_non_utf8_line) +
                  ") nor Windows-1252 (byte " + byte + " on line " + std::to_string(line) +
                  " is undefined there); export it as CSV UTF-8, or set "
                  "encoding: iso-8859-1 if the file really is ISO-8859-1");
  }
  throw EncodingError(line, "byte " + byte + " on line " + std::to_string(line) +
                                " is undefined in Windows-1252; set encoding: iso-8859-1 or "
                                "export the file as CSV UTF-8");
}

}  // namespace

char detect_delimiter(std::string_view header_line) {
  std::size_t semicolons = 0;
  std::size_t commas = 0;
  std::size_t tabs = 0;
  bool in_quotes = false;
  for (char c : header_line) {
    if (c == '\n' || c == '\r') break;
    if (c == '"') in_quotes = !in_quotes;
    if (in_quotes) continue;
    if (c == ';') ++semicolons;
    if (c == ',') ++commas;
    if (c == '\t') ++tabs;
  }
  if (tabs > semicolons && tabs > commas) return '\t';
  return semicolons > commas ? ';' : ',';
}

std::string delimiter_name(char delimiter) {
  if (delimiter == '\t') return "tab";
  return std::string(1, delimiter);
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
    if (parser.record_spanned_lines() && !table.first_multiline_record) {
      table.first_multiline_record = line;
    }
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

const char* encoding_name(TextEncoding encoding) {
  switch (encoding) {
    case TextEncoding::utf8:
      return "UTF-8";
    case TextEncoding::windows_1252:
      return "Windows-1252";
    case TextEncoding::iso_8859_1:
      return "ISO-8859-1";
  }
  return "unknown";
}

std::optional<TextEncoding> parse_encoding_name(std::string_view name) {
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "utf-8" || lower == "utf8") return TextEncoding::utf8;
  if (lower == "windows-1252" || lower == "cp1252") return TextEncoding::windows_1252;
  if (lower == "iso-8859-1" || lower == "iso8859-1" || lower == "latin1" || lower == "latin-1") {
    return TextEncoding::iso_8859_1;
  }
  return std::nullopt;
}

DecodedText decode_text(std::string_view bytes, std::optional<TextEncoding> encoding) {
  check_not_utf16(bytes);

  DecodedText decoded;
  decoded.detected = !encoding;
  decoded.had_bom = bytes.substr(0, kUtf8Bom.size()) == kUtf8Bom;
  if (decoded.had_bom) bytes.remove_prefix(kUtf8Bom.size());

  if (!encoding || *encoding == TextEncoding::utf8) {
    const std::optional<std::size_t> invalid = find_invalid_utf8(bytes);
    if (!invalid) {
      decoded.encoding = TextEncoding::utf8;
      decoded.text = std::string(bytes);
      return decoded;
    }
    if (encoding || decoded.had_bom) {
      const std::string why =
          encoding ? "the config sets encoding: utf-8" : "it starts with a UTF-8 byte order mark";
      throw EncodingError(*invalid, "line " + std::to_string(*invalid) +
                                        " is not valid UTF-8, but " + why +
                                        "; export the file as CSV UTF-8, or set encoding: auto, "
                                        "windows-1252 or iso-8859-1");
    }
    decoded.first_non_utf8_line = invalid;
    encoding = TextEncoding::windows_1252;
  }

  decoded.encoding = *encoding;
  if (*encoding == TextEncoding::windows_1252)
    return decode_windows_1252(bytes, std::move(decoded));

  decoded.c1_controls =
      static_cast<std::size_t>(std::count_if(bytes.begin(), bytes.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte >= 0x80 && byte <= 0x9F;
      }));
  if (iconv_to_utf8(bytes, "ISO-8859-1", decoded.text)) {
    // Every byte is defined in ISO-8859-1, so iconv cannot stop early.
    throw std::runtime_error("iconv rejected a byte of an ISO-8859-1 file");
  }
  return decoded;
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

std::string spreadsheet_safe(std::string_view text) {
  if (text.empty() || std::string_view("=+-@\t\r").find(text.front()) == std::string_view::npos) {
    return std::string(text);
  }
  return "'" + std::string(text);
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
