// libFuzzer harness: sample counts, budget lists and FROM:TO:N ranges. Input errors are
// InputError; every accepted value is finite, > 0 and <= 1e18, and a range is ascending.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "qqt/error.hpp"
#include "qqt/quantity.hpp"

namespace {
void check(double v) {
  if (!std::isfinite(v) || !(v > 0) || v > qqt::kMaxCount) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    check(qqt::parse_count(text, "fuzz"));
  } catch (const qqt::InputError&) {}
  try {
    for (double v : qqt::parse_count_list(text, "fuzz")) check(v);
  } catch (const qqt::InputError&) {}
  try {
    const auto r = qqt::parse_count_range(text, "fuzz");
    for (std::size_t i = 0; i < r.size(); ++i) {
      check(r[i]);
      if (i > 0 && r[i] < r[i - 1]) std::abort();
    }
  } catch (const qqt::InputError&) {}
  return 0;
}
