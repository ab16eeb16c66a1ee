// libFuzzer harness: the observations CSV reader. Any input either parses into rows whose values
// obey the documented rules or throws InputError; nothing else.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "qqt/config.hpp"
#include "qqt/error.hpp"
#include "qqt/observations.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const qqt::Config config = qqt::default_config();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const qqt::Observations obs = qqt::parse_observations(text, "fuzz.csv", config.model);
    if (obs.rows.empty()) std::abort();
    for (const auto& row : obs.rows) {
      if (!(row.samples_seen > 0) || !std::isfinite(row.samples_seen)) std::abort();
      if (!(row.error >= 0 && row.error <= 1)) std::abort();
      if (!(row.weight >= 0) || !std::isfinite(row.weight) || row.pools.empty()) std::abort();
      const qqt::Strategy s = qqt::strategy_of(row, config.model);
      if (s.fractions.size() != config.model.pools.size()) std::abort();
    }
  } catch (const qqt::InputError&) {}
  return 0;
}
