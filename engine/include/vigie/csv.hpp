#pragma once
// A CSV reader and writer shared by plugins (RFC 4180): fields may be
// quoted, and a quoted field may hold the delimiter, line breaks and
// doubled quotes. A UTF-8 byte order mark is dropped. Line breaks may be
// LF or CRLF.

#include <cstddef>
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
};

// Chooses `;` or `,` from the header line: the one that occurs more often
// outside quotes; `,` when neither occurs (a one-column file).
char detect_delimiter(std::string_view header_line);

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

// Quotes `field` when it contains the delimiter, a quote or a line break.
std::string csv_escape(std::string_view field, char delimiter = ',');

// Joins fields into one CSV line, without the line break.
std::string csv_line(const std::vector<std::string>& fields, char delimiter = ',');

}  // namespace vigie
