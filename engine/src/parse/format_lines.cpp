#include "parse/format_lines.hpp"

#include <algorithm>

namespace vigie::parse {
namespace {

std::string_view trim_right(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

std::size_t text_width(std::string_view text) {
  // Counts the bytes that start a code point: every byte but 10xxxxxx.
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

void LineWriter::start_line(int depth, std::size_t column) {
  Line line;
  line.depth = depth;
  line.code.assign(column, ' ');
  lines_.push_back(std::move(line));
}

void LineWriter::blank_line() {
  Line line;
  line.blank = true;
  lines_.push_back(std::move(line));
}

void LineWriter::append(std::string_view text) {
  lines_.back().code += text;
}

void LineWriter::pad_to(std::size_t column) {
  std::size_t width = this->column();
  lines_.back().code.append(width < column ? column - width : 1, ' ');
}

void LineWriter::set_comment(std::string_view comment) {
  lines_.back().comment = std::string(trim_right(comment));
}

std::size_t LineWriter::column() const {
  return lines_.empty() ? 0 : text_width(lines_.back().code);
}

bool LineWriter::line_has_code() const {
  return !lines_.empty() && trim_right(lines_.back().code).size() > 0;
}

bool LineWriter::line_has_comment() const {
  return !lines_.empty() && !lines_.back().comment.empty();
}

std::string LineWriter::render() const {
  std::string text;
  std::size_t group_begin = 0;
  while (group_begin < lines_.size()) {
    // A group is a run of non-blank lines of one depth.
    std::size_t group_end = group_begin + 1;
    while (group_end < lines_.size() && !lines_[group_begin].blank && !lines_[group_end].blank &&
           lines_[group_end].depth == lines_[group_begin].depth) {
      ++group_end;
    }

    std::size_t comment_column = 0;
    for (std::size_t i = group_begin; i < group_end; ++i) {
      const Line& line = lines_[i];
      if (line.comment.empty()) continue;
      comment_column = std::max(comment_column, text_width(trim_right(line.code)) + 2);
    }

    for (std::size_t i = group_begin; i < group_end; ++i) {
      const Line& line = lines_[i];
      std::string_view code = trim_right(line.code);
      text += code;
      if (!line.comment.empty()) {
        text.append(comment_column - text_width(code), ' ');
        text += line.comment;
      }
      text += '\n';
    }
    group_begin = group_end;
  }
  return text;
}

}  // namespace vigie::parse
