#include "qqt/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

#include "qqt/error.hpp"

namespace qqt {

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

std::vector<std::string_view> split_list(std::string_view text, char separator) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    out.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

ParsedNumber parse_number(std::string_view text) {
  ParsedNumber out;
  if (text.empty()) return out;
  // from_chars takes no '+'; accept one before a digit or a point (not "+-1", not "+").
  std::string_view digits = text;
  if (digits.size() > 1 && digits.front() == '+' && (std::isdigit(static_cast<unsigned char>(digits[1])) || digits[1] == '.')) {
    digits.remove_prefix(1);
  }
  const char* end = digits.data() + digits.size();
  const auto [ptr, ec] = std::from_chars(digits.data(), end, out.value, std::chars_format::general);
  if (ec == std::errc::invalid_argument || ptr != end) {
    out.status = NumberStatus::not_a_number;
  } else if (ec == std::errc::result_out_of_range || !std::isfinite(out.value)) {
    out.status = NumberStatus::not_finite;
  } else {
    out.status = NumberStatus::ok;
  }
  return out;
}

std::vector<double> parse_number_list(std::string_view text, std::string_view what) {
  std::vector<double> out;
  for (const std::string_view raw : split_list(text)) {
    const std::string_view item = trim(raw);
    const ParsedNumber number = parse_number(item);
    if (!number.ok()) {
      throw InputError(fmt::format("{}: '{}' is not a finite number (item {} of '{}')", what, item, out.size() + 1, text));
    }
    out.push_back(number.value);
  }
  return out;
}

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  // Levenshtein distance, case-insensitive, one row at a time.
  auto distance = [](std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      std::size_t diagonal = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j) {
        const std::size_t up = row[j];
        const char ca = static_cast<char>(std::tolower(static_cast<unsigned char>(a[i - 1])));
        const char cb = static_cast<char>(std::tolower(static_cast<unsigned char>(b[j - 1])));
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (ca == cb ? 0 : 1)});
        diagonal = up;
      }
    }
    return row[b.size()];
  };
  std::string best;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (const auto& c : candidates) {
    const std::size_t dist = distance(word, c);
    if (dist < best_distance) {
      best_distance = dist;
      best = c;
    }
  }
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  return best_distance <= limit ? best : std::string();
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  const std::string hint = closest_match(word, candidates);
  return hint.empty() ? std::string() : fmt::format(" (did you mean '{}'?)", hint);
}

std::string count_of(std::size_t n, std::string_view noun) { return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s"); }

}  // namespace qqt
