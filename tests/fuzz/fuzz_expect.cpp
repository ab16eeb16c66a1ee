// libFuzzer harness: the `--expect` baseline reader (regression.cpp). Any file either compares
// with the plan (a report) or throws InputError naming the file; nothing else.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "qqt/config.hpp"
#include "qqt/error.hpp"
#include "qqt/plan.hpp"
#include "qqt/regression.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const qqt::Config config = qqt::default_config();
  static const qqt::PlanResult plan = [] {
    const qqt::Config& c = config;
    qqt::PlanOptions o;
    o.budgets_samples = {32e6, 640e6};
    return qqt::plan(c.model, qqt::topk_strategies(c.model), o);
  }();
  static const std::string path = [] {
    std::string p = "/tmp/qqt-fuzz-expect-XXXXXX";
    const int fd = ::mkstemp(p.data());
    if (fd < 0) std::abort();
    ::close(fd);
    return p;
  }();
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) std::abort();
  if (size && std::fwrite(data, 1, size, f) != size) std::abort();
  std::fclose(f);
  try {
    const qqt::RegressionReport r = qqt::compare_with_baseline(config, plan, qqt::load_baseline(path), {});
    if (r.budgets_compared > plan.budgets.size()) std::abort();
  } catch (const qqt::InputError&) {}
  return 0;
}
