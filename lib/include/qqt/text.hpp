// Text as users type it: trimming, comma lists, numbers, and "did you mean" hints. The one place
// that splits a list or reads a number from text; every flag, config field and CSV cell goes
// through it (quantity.hpp adds the sample-count suffixes on top).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace qqt {

/// `s` without leading and trailing blanks (spaces, tabs, CR, LF).
std::string_view trim(std::string_view s);

/// The items of a `separator`-separated list, as written (not trimmed), in order. Every separator
/// ends an item, so "a,,b" gives "a", "", "b", "a," gives "a", "" and "" gives one empty item:
/// callers decide whether an empty item is an error.
std::vector<std::string_view> split_list(std::string_view text, char separator = ',');

/// How reading a number from text went.
enum class NumberStatus {
  ok,            ///< the whole text is one finite decimal or scientific number
  empty,         ///< the text is empty
  not_a_number,  ///< not a number, or characters after it
  not_finite,    ///< a number too large for a double, or inf/nan spelled out
};

/// A number read from text: `value` is meaningful only when status is ok.
struct ParsedNumber {
  double value = 0.0;
  NumberStatus status = NumberStatus::empty;
  bool ok() const { return status == NumberStatus::ok; }
};

/// Reads all of `text` (no blanks around it) as a double: decimal or scientific notation, an
/// optional sign ('+' or '-'), as std::from_chars(general) reads it. Never throws: callers word the
/// error with the key, file:line:col or flag they know.
ParsedNumber parse_number(std::string_view text);

/// A comma list of finite numbers ("0.5,0.3,0.2"; blanks around items ignored), e.g. --weights.
/// Throws InputError "WHAT: 'ITEM' is not a finite number (item K of 'TEXT')" for any bad item.
std::vector<double> parse_number_list(std::string_view text, std::string_view what);

/// "1 row", "2 rows", "0 rows": `n` and `noun`, with an "s" unless n is 1 (messages and reports
/// say "1 row", never "1 rows"). `noun` is a regular English noun.
std::string count_of(std::size_t n, std::string_view noun);

/// The closest of `candidates` to `word` if it is a plausible typo (case-insensitive edit distance
/// <= 2, or <= 1/3 of the length), else empty. Used for "did you mean" hints.
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

/// " (did you mean 'X'?)" for closest_match(word, candidates), or "" when nothing is close.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace qqt
