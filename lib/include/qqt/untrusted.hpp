// Untrusted text (pool names, metric labels, paths, YAML scalars) on its way to a person or a
// parser. One sanitiser for messages and tables, one rule for JSON: control characters never
// reach a terminal raw, every message stays one line, and JSON is always valid UTF-8.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace qqt {

/// `text` with every control character (C0, DEL, C1) and every byte that is not part of valid
/// UTF-8 escaped as C-style text: "\n", "\r", "\t", "\e" (ESC), "\0", other bytes "\xNN". Valid
/// UTF-8 letters pass unchanged. Applied to every error message (qqt/error.hpp) and table cell.
std::string printable(std::string_view text);

/// Length in bytes (1-4) of the valid UTF-8 sequence starting at `text[i]`, or 0 if the bytes
/// there are not valid UTF-8 (stray continuation, overlong form, surrogate, past U+10FFFF, cut off).
std::size_t utf8_sequence_length(std::string_view text, std::size_t i);

}  // namespace qqt
