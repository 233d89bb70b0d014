#pragma once
// The output side of the formatter: lines with a block depth, code and an
// optional end-of-line comment. It does not depend on the grammar. Internal
// to parse/.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace vigie::parse {

// Width of UTF-8 text in code points, the unit of columns in diagnostics
// and in the formatter's alignment. Wide characters count as one.
std::size_t text_width(std::string_view text);

class LineWriter {
 public:
  // Starts a line of block depth `depth` whose code begins after `column`
  // spaces. Depth groups lines for the alignment of end-of-line comments.
  void start_line(int depth, std::size_t column);
  void blank_line();

  // Appends to the current line; start_line must have been called.
  void append(std::string_view text);
  // Appends spaces up to `column`, or one space when the line already
  // reaches it.
  void pad_to(std::size_t column);
  // Ends the current line's code with an end-of-line comment.
  void set_comment(std::string_view comment);

  // Width of the current line, indentation included.
  std::size_t column() const;
  bool line_has_code() const;
  bool line_has_comment() const;
  bool empty() const { return lines_.empty(); }
  std::size_t line_count() const { return lines_.size(); }

  // Returns the text, one '\n' after each line, with no trailing spaces.
  // End-of-line comments of consecutive lines of one depth (no blank line
  // between them) start in one column: two spaces after the widest code
  // among the lines that carry such a comment.
  std::string render() const;

 private:
  struct Line {
    int depth = 0;
    bool blank = false;
    std::string code;  // indentation included
    std::string comment;
  };

  std::vector<Line> lines_;
};

}  // namespace vigie::parse
