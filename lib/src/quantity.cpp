#include "qqt/quantity.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>
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
    case 'k':
    case 'K': scale = 1e3; break;
    case 'm':
    case 'M': scale = 1e6; break;
    case 'b':
    case 'B':
    case 'g':
    case 'G': scale = 1e9; break;
    case 't':
    case 'T': scale = 1e12; break;
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

namespace {

// A budget list whose items are read by `item` (parse_count or parse_budget).
template <typename Item>
std::vector<double> list_of(std::string_view text, std::string_view what, Item item) {
  const std::vector<std::string_view> items = split_list(text);
  if (items.size() > static_cast<std::size_t>(kMaxBudgets)) {
    throw InputError(fmt::format("{}: more than {} budgets", what, kMaxBudgets));
  }
  std::vector<double> out;
  out.reserve(items.size());
  for (const std::string_view piece : items) out.push_back(item(piece, fmt::format("{} item {}", what, out.size() + 1)));
  return out;
}

// "FROM:TO:N" whose end points are read by `item`.
template <typename Item>
std::vector<double> range_of(std::string_view text, std::string_view what, Item item) {
  const auto c1 = text.find(':');
  const auto c2 = c1 == text.npos ? text.npos : text.find(':', c1 + 1);
  if (c1 == text.npos || c2 == text.npos || text.find(':', c2 + 1) != text.npos) {
    throw InputError(fmt::format("{}: '{}' must have the form FROM:TO:N, e.g. 1M:100B:50", what, text));
  }
  const double from = item(text.substr(0, c1), fmt::format("{} FROM", what));
  const double to = item(text.substr(c1 + 1, c2 - c1 - 1), fmt::format("{} TO", what));
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

}  // namespace

std::vector<double> parse_count_list(std::string_view text, std::string_view what) {
  return list_of(text, what, [](std::string_view t, std::string_view w) { return parse_count(t, w); });
}

std::vector<double> parse_count_range(std::string_view text, std::string_view what) {
  return range_of(text, what, [](std::string_view t, std::string_view w) { return parse_count(t, w); });
}

namespace {

// The number before a "flops"/"flop" suffix (any case), or nullopt when `s` has no such suffix.
std::optional<std::string_view> flops_number(std::string_view s) {
  s = trim(s);
  auto ends_with = [&](std::string_view suffix) {
    if (s.size() < suffix.size()) return false;
    for (std::size_t i = 0; i < suffix.size(); ++i) {
      const char c = s[s.size() - suffix.size() + i];
      if (std::tolower(static_cast<unsigned char>(c)) != suffix[i]) return false;
    }
    return true;
  };
  for (const std::string_view suffix : {std::string_view("flops"), std::string_view("flop")}) {
    if (ends_with(suffix)) return trim(s.substr(0, s.size() - suffix.size()));
  }
  return std::nullopt;
}

}  // namespace

bool is_flops_budget(std::string_view text) { return flops_number(text).has_value(); }

double flops_of(double samples, double model_params) { return kFlopsPerParameterToken * model_params * samples; }

double parse_budget(std::string_view text, std::string_view what, std::optional<double> model_params) {
  const auto number = flops_number(text);
  if (!number) return parse_count(text, what);
  if (!model_params) {
    bad_count(what, text,
              "is a compute budget; give the model size (model_params in the config or --model-params, e.g. 1.1B) "
              "to convert it to tokens with C = 6 N D");
  }
  if (!(*model_params > 0) || !std::isfinite(*model_params)) {
    throw InternalError(fmt::format("parse_budget: model size must be finite and > 0, got {}", *model_params));
  }
  const ParsedNumber parsed = parse_number(*number);
  if (parsed.status == NumberStatus::empty || parsed.status == NumberStatus::not_a_number) {
    bad_count(what, text, "is not a compute budget; expected a number followed by flops, e.g. 3e21flops");
  }
  if (parsed.status == NumberStatus::not_finite) bad_count(what, text, "is not finite");
  const double flops = parsed.value;
  if (!(flops > 0.0)) bad_count(what, text, "must be greater than 0");
  const double samples = flops / (kFlopsPerParameterToken * *model_params);
  if (!(samples > 0.0) || samples > kMaxCount) {
    bad_count(what, text,
              fmt::format("is {:g} tokens at C = 6 N D with N = {:g}; budgets must be in (0, {:g}]", samples, *model_params, kMaxCount));
  }
  return samples;
}

std::vector<double> parse_budget_list(std::string_view text, std::string_view what, std::optional<double> model_params) {
  return list_of(text, what, [&](std::string_view t, std::string_view w) { return parse_budget(t, w, model_params); });
}

std::vector<double> parse_budget_range(std::string_view text, std::string_view what, std::optional<double> model_params) {
  return range_of(text, what, [&](std::string_view t, std::string_view w) { return parse_budget(t, w, model_params); });
}

std::string format_count(double samples, int digits) {
  struct Unit {
    double scale;
    const char* suffix;
  };
  static constexpr Unit kUnits[] = {{1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "K"}};
  for (const auto& u : kUnits) {
    if (samples >= u.scale && samples / u.scale < 1e4) {
      return fmt::format("{:.{}g}{}", samples / u.scale, digits, u.suffix);
    }
  }
  // Past 9999T, or below 1K: %g, written as a user types it ("1e18", not "1e+18"; parse_count reads both).
  std::string out = fmt::format("{:.{}g}", samples, digits);
  if (const auto e = out.find("e+"); e != std::string::npos) out.erase(e + 1, 1);
  return out;
}

}  // namespace qqt
