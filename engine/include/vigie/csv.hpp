#pragma once
// A CSV reader and writer shared by plugins (RFC 4180): fields may be
// quoted, and a quoted field may hold the delimiter, line breaks and
// doubled quotes. A UTF-8 byte order mark is dropped. Line breaks may be
// LF or CRLF. Also the conversion of register files from the encodings
// office software writes (Windows-1252, ISO-8859-1) to UTF-8.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace vigie {

// A malformed file (an unterminated quote, text after a closing quote).
// `line` is the 1-based line where the problem was found.
class CsvError : public std::runtime_error {
 public:
  CsvError(std::size_t line, const std::string& message)
      : std::runtime_error(message), line_(line) {}
  std::size_t line() const { return line_; }

 private:
  std::size_t line_;
};

struct CsvRecord {
  std::size_t line = 0;  // 1-based line where the record starts; the header is line 1
  std::vector<std::string> fields;
};

struct CsvTable {
  char delimiter = ',';
  bool had_bom = false;
  std::vector<std::string> header;
  std::vector<CsvRecord> records;  // blank lines are skipped
  // The starting line of the first record whose quoted field spans several
  // lines. After that record, file lines run ahead of the row numbers a
  // spreadsheet shows.
  std::optional<std::size_t> first_multiline_record;
};

// Chooses `;`, `,` or a tab from the header line: the one that occurs most
// often outside quotes; `,` when none occurs (a one-column file).
char detect_delimiter(std::string_view header_line);

// The delimiter as messages and reports write it: ";", "," or "tab".
std::string delimiter_name(char delimiter);

// Parses a whole file. `delimiter` 0 means detect it from the first line.
// Throws CsvError.
CsvTable parse_csv(std::string_view text, char delimiter = 0);

// Reads `path` and parses it. Throws std::runtime_error naming the path
// when the file cannot be read, and CsvError.
CsvTable read_csv_file(const std::string& path, char delimiter = 0);

// Reads a whole file as bytes; nullopt when it cannot be opened.
std::optional<std::string> read_text_file(const std::string& path);

// Returns the 1-based line of the first byte that is not valid UTF-8, or
// nullopt when `text` is valid UTF-8.
std::optional<std::size_t> find_invalid_utf8(std::string_view text);

// ---------------------------------------------------------------- encodings

enum class TextEncoding : std::uint8_t { utf8, windows_1252, iso_8859_1 };

// The usual name of an encoding: "UTF-8", "Windows-1252" or "ISO-8859-1".
const char* encoding_name(TextEncoding encoding);

// Reads an encoding name as a config writes it, ignoring letter case:
// utf-8 or utf8; windows-1252 or cp1252; iso-8859-1, iso8859-1, latin1 or
// latin-1. Nullopt for any other name.
std::optional<TextEncoding> parse_encoding_name(std::string_view name);

// Bytes that the chosen or detected encoding cannot read. `line` is the
// 1-based line of the first such byte.
class EncodingError : public std::runtime_error {
 public:
  EncodingError(std::size_t line, const std::string& message)
      : std::runtime_error(message), line_(line) {}
  std::size_t line() const { return line_; }

 private:
  std::size_t line_;
};

struct DecodedText {
  std::string text;  // UTF-8, without a byte order mark
  TextEncoding encoding = TextEncoding::utf8;
  bool detected = false;  // the encoding was detected, not given
  bool had_bom = false;   // the bytes started with a UTF-8 byte order mark
  // With detection: the line of the first byte that is not valid UTF-8,
  // which made the file read as Windows-1252.
  std::optional<std::size_t> first_non_utf8_line;
  // ISO-8859-1 only: bytes 0x80..0x9F, control characters in that encoding
  // that usually mean the file is Windows-1252.
  std::size_t c1_controls = 0;
};

// Converts a file's bytes to UTF-8 with glibc's iconv. With `encoding`
// nullopt the encoding is detected: valid UTF-8 (with or without a byte
// order mark) is UTF-8, and anything else is read as Windows-1252 when
// every byte is defined there. Throws EncodingError for a UTF-16 file, a
// NUL byte, or a UTF-8 byte order mark followed by invalid UTF-8. Also
// throws it for invalid UTF-8 when `encoding` is utf8, and for a byte that
// Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) when reading
// or detecting Windows-1252.
// Throws std::runtime_error when iconv has no converter for the encoding.
DecodedText decode_text(std::string_view bytes, std::optional<TextEncoding> encoding);

// ---------------------------------------------------------------- writing

// Quotes `field` when it contains the delimiter, a quote or a line break.
std::string csv_escape(std::string_view field, char delimiter = ',');

// Keeps a spreadsheet from reading a text as a formula: a text that starts
// with =, +, -, @, a tab or a carriage return gets a leading apostrophe,
// which spreadsheets show as text. For fields that come from a register or
// a person (ids, values), never for numbers the engine writes.
std::string spreadsheet_safe(std::string_view text);

// Joins fields into one CSV line, without the line break.
std::string csv_line(const std::vector<std::string>& fields, char delimiter = ',');

}  // namespace vigie
