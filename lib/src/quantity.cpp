#include "qqt/quantity.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <system_error>

#include "qqt/error.hpp"
#include "qqt/text.hpp"

namespace qqt {

namespace {

[[noreturn]] void bad_count(std::string_view what, std::string_view text, std::string_view rule) {
  throw InputError(fmt::format("{}: '{}' {}", what, text, rule));
}

}  // namespace

double parse_count(std::string_view text, std::string_view what) {
  const std::string_view s = trim(text);
  if (s.empty()) bad_count(what, text, "is empty; expected a sample count such as 640M or 1.28e7");
  double scale = 1.0;
  std::string_view digits = s;
  switch (s.back()) {
    case 'k': case 'K': scale = 1e3; break;
    case 'm': case 'M': scale = 1e6; break;
    case 'b': case 'B': case 'g': case 'G': scale = 1e9; break;
    case 't': case 'T': scale = 1e12; break;
    default: break;
  }
  if (scale != 1.0) digits = s.substr(0, s.size() - 1);
  const ParsedNumber number = parse_number(digits);
  if (number.status == NumberStatus::empty || number.status == NumberStatus::not_a_number) {
    bad_count(what, text,
              "is not a sample count; expected a number with an optional suffix K, M, B (or G) or T, "
              "e.g. 640M, 1.28e7, 12800000");
  }
  if (number.status == NumberStatus::not_finite) bad_count(what, text, "is not finite");
  const double value = number.value * scale;
  if (!(value > 0.0)) bad_count(what, text, "must be greater than 0");
  if (value > kMaxCount) bad_count(what, text, fmt::format("exceeds the largest supported count {:g}", kMaxCount));
  return value;
}

std::vector<double> parse_count_list(std::string_view text, std::string_view what) {
  const std::vector<std::string_view> items = split_list(text);
  if (items.size() > static_cast<std::size_t>(kMaxBudgets)) {
    throw InputError(fmt::format("{}: more than {} budgets", what, kMaxBudgets));
  }
  std::vector<double> out;
  out.reserve(items.size());
  for (const std::string_view item : items) out.push_back(parse_count(item, fmt::format("{} item {}", what, out.size() + 1)));
  return out;
}

std::vector<double> parse_count_range(std::string_view text, std::string_view what) {
  const auto c1 = text.find(':');
  const auto c2 = c1 == text.npos ? text.npos : text.find(':', c1 + 1);
  if (c1 == text.npos || c2 == text.npos || text.find(':', c2 + 1) != text.npos) {
    throw InputError(fmt::format("{}: '{}' must have the form FROM:TO:N, e.g. 1M:100B:50", what, text));
  }
  const double from = parse_count(text.substr(0, c1), fmt::format("{} FROM", what));
  const double to = parse_count(text.substr(c1 + 1, c2 - c1 - 1), fmt::format("{} TO", what));
  const std::string_view n_text = trim(text.substr(c2 + 1));
  long long n = 0;
  const auto [ptr, ec] = std::from_chars(n_text.data(), n_text.data() + n_text.size(), n);
  if (n_text.empty() || ec != std::errc() || ptr != n_text.data() + n_text.size() || n < 1 || n > kMaxBudgets) {
    throw InputError(fmt::format("{}: N in '{}' must be a whole number from 1 to {}", what, text, kMaxBudgets));
  }
  if (from > to) {
    throw InputError(fmt::format("{}: FROM must not exceed TO in '{}'", what, text));
  }
  if (n == 1) {
    if (from != to) throw InputError(fmt::format("{}: N = 1 needs FROM == TO in '{}'", what, text));
    return {from};
  }
  if (from == to) throw InputError(fmt::format("{}: FROM == TO needs N = 1 in '{}'", what, text));
  std::vector<double> out(static_cast<std::size_t>(n));
  const double log_from = std::log(from);
  const double step = (std::log(to) - log_from) / static_cast<double>(n - 1);
  // Budgets are whole samples: round each log-spaced point to the nearest integer, but only when
  // neighbours are at least one sample apart (then rounding keeps them strictly increasing).
  // Points are clamped to [FROM, TO] against rounding in exp(log(x)).
  const bool whole = from * std::expm1(step) >= 1.0;
  for (long long i = 0; i < n; ++i) {
    const double x = std::exp(log_from + step * static_cast<double>(i));
    out[static_cast<std::size_t>(i)] = std::clamp(whole ? std::round(x) : x, from, to);
  }
  out.front() = from;  // exact end points, whatever the rounding of exp(log(x))
  out.back() = to;
  return out;
}

std::string format_count(double samples, int digits) {
  struct Unit { double scale; const char* suffix; };
  static constexpr Unit kUnits[] = {{1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "K"}};
  for (const auto& u : kUnits) {
    if (samples >= u.scale && samples / u.scale < 1e4) {
      return fmt::format("{:.{}g}{}", samples / u.scale, digits, u.suffix);
    }
  }
  return fmt::format("{:.{}g}", samples, digits);
}

}  // namespace qqt
