// libFuzzer harness: the YAML config loader. Any input must either load into a model that
// passes validate() or throw InputError; anything else (a crash, another exception, a sanitizer
// report) is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "qqt/config.hpp"
#include "qqt/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const bool allow_missing : {false, true}) {
    qqt::ConfigOptions options;
    options.allow_missing_parameters = allow_missing;
    try {
      const qqt::Config c = qqt::load_config_text(text, "fuzz.yaml", options);
      if (!allow_missing) qqt::validate(c.model);  // must not throw for a loaded config
    } catch (const qqt::InputError&) {}
  }
  return 0;
}
