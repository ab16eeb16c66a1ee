// Sample counts and budget lists as users type them: "12.8M", "1.28e7", "12800000", "2B", "1.5t".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qqt {

/// Parses a positive, finite sample count. Accepts a decimal or scientific number with an optional
/// case-insensitive suffix K (1e3), M (1e6), B or G (1e9), T (1e12). Surrounding blanks are ignored.
/// Throws InputError "<what>: '<text>' is not a sample count (…)" on anything else, on values
/// that are not finite or not > 0. `what` names the source, e.g. "--budget" or "pools[2].size".
double parse_count(std::string_view text, std::string_view what);

/// A comma-separated list of counts ("32M,64M,1.28e8"). Empty items are errors.
std::vector<double> parse_count_list(std::string_view text, std::string_view what);

/// "FROM:TO:N": N ≥ 1 budgets spaced evenly in log between FROM and TO inclusive (FROM < TO, or
/// FROM == TO with N == 1). N is at most kMaxBudgets.
std::vector<double> parse_count_range(std::string_view text, std::string_view what);

/// Training compute per parameter and token: C = 6 N D FLOPs for a dense transformer of N
/// parameters trained on D tokens (forward 2 N D + backward 4 N D; Kaplan et al. 2020, Eq. 2.1;
/// Hoffmann et al. 2022, Sec. 3). For language models a sample of the law is a token.
inline constexpr double kFlopsPerParameterToken = 6.0;

/// True when `text` is a compute budget: a number followed by "flops" or "flop" (any case), e.g.
/// "3e21flops", "1.5e20 FLOPs".
bool is_flops_budget(std::string_view text);

/// One budget in samples (tokens): a count as parse_count reads it, or a compute budget (see
/// is_flops_budget) converted with D = C / (6 N), N = `model_params`. Throws InputError "<what>:
/// '<text>' …" for a compute budget without a model size (nullopt), a C that is not finite and
/// > 0, or a D above kMaxCount; otherwise as parse_count.
double parse_budget(std::string_view text, std::string_view what, std::optional<double> model_params);

/// A comma-separated list of budgets (parse_budget items; counts and FLOPs may be mixed).
std::vector<double> parse_budget_list(std::string_view text, std::string_view what, std::optional<double> model_params);

/// "FROM:TO:N" where FROM and TO are parse_budget items (e.g. 1e20flops:1e22flops:20), converted
/// to samples; then as parse_count_range.
std::vector<double> parse_budget_range(std::string_view text, std::string_view what, std::optional<double> model_params);

/// Training FLOPs of `samples` tokens on a model of `model_params` parameters: 6 N D.
double flops_of(double samples, double model_params);

/// Upper bound on the number of budgets one run accepts (keeps memory and output bounded).
inline constexpr int kMaxBudgets = 1'000'000;

/// Largest budget or size accepted (spec §5 bounds evaluation time up to 1e18 samples).
inline constexpr double kMaxCount = 1e18;

/// Human form for tables and labels: 640000000 -> "640M", 12800000 -> "12.8M", 1.5e9 -> "1.5B".
/// Uses up to `digits` significant digits (trailing zeros dropped). Not for machine output.
std::string format_count(double samples, int digits = 4);

}  // namespace qqt
