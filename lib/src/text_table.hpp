// Internal: tables for people, as aligned plain text (terminals) or Markdown (pull requests, CI
// summaries). One builder, two renderings, so every report has both forms.
#pragma once

#include <fmt/color.h>
#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "qqt/untrusted.hpp"

namespace qqt::detail {

class TextTable {
 public:
  /// Adds a row; the first row is the header. `highlight` colours the row green on a terminal.
  /// Cells pass through printable(): names from configs never put raw control bytes in a table.
  void row(std::vector<std::string> cells, bool highlight = false) {
    for (auto& cell : cells) cell = printable(cell);
    rows_.push_back(std::move(cells));
    highlight_.push_back(highlight);
  }

  /// Left-aligned columns padded to their widest cell; with `color`, a bold header.
  std::string render(bool color) const {
    std::vector<std::size_t> width = widths();
    std::string out;
    for (std::size_t r = 0; r < rows_.size(); ++r) {
      std::string line;
      for (std::size_t i = 0; i < rows_[r].size(); ++i) {
        line += rows_[r][i];
        if (i + 1 < rows_[r].size()) line += std::string(width[i] - display_width(rows_[r][i]) + 2, ' ');
      }
      if (color && r == 0) {
        line = fmt::format(fmt::emphasis::bold, "{}", line);
      } else if (color && highlight_[r]) {
        line = fmt::format(fg(fmt::terminal_color::green), "{}", line);
      }
      out += line + "\n";
    }
    return out;
  }

  /// A GitHub-flavoured Markdown pipe table ('|' in cells escaped).
  std::string render_markdown() const {
    std::string out;
    for (std::size_t r = 0; r < rows_.size(); ++r) {
      std::string line = "|";
      for (const auto& cell : rows_[r]) {
        std::string escaped;
        for (const char c : cell) {
          if (c == '|') escaped += '\\';
          escaped += c;
        }
        line += " " + (escaped.empty() ? std::string(" ") : escaped) + " |";
      }
      out += line + "\n";
      if (r == 0) {
        out += "|";
        for (std::size_t i = 0; i < rows_[0].size(); ++i) out += "---|";
        out += "\n";
      }
    }
    return out;
  }

  std::string render(bool markdown, bool color) const { return markdown ? render_markdown() : render(color); }

 private:
  // UTF-8 aware width: count code points, not bytes.
  static std::size_t display_width(const std::string& s) {
    return static_cast<std::size_t>(
        std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
  }
  std::vector<std::size_t> widths() const {
    std::vector<std::size_t> width;
    for (const auto& r : rows_) {
      width.resize(std::max(width.size(), r.size()), 0);
      for (std::size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], display_width(r[i]));
    }
    return width;
  }
  std::vector<std::vector<std::string>> rows_;
  std::vector<bool> highlight_;
};

/// A caption before a table: "\ncaption:\n" as text, "\n**caption**\n\n" in Markdown.
inline std::string caption(const std::string& text, bool markdown) { return markdown ? "\n**" + text + "**\n\n" : "\n" + text + ":\n"; }

}  // namespace qqt::detail
