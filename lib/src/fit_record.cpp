#include "qqt/fit_record.hpp"

#include <fmt/format.h>

#include "qqt/error.hpp"
#include "qqt/text.hpp"

namespace qqt {

Loss parse_loss(std::string_view text, std::string_view what) {
  if (text == "squared") return {};
  if (text.substr(0, 6) == "huber:") {
    const ParsedNumber delta = parse_number(text.substr(6));
    if (delta.ok() && delta.value > 0) return {Loss::Kind::huber, delta.value};
    throw InputError(
        fmt::format("{}: DELTA in '{}' must be a finite number > 0 (the residual where huber turns linear, e.g. huber:0.01)", what, text));
  }
  throw InputError(fmt::format("{}: '{}' is not a loss; use squared or huber:DELTA", what, text));
}

std::string to_string(const Loss& loss) {
  return loss.kind == Loss::Kind::squared ? std::string("squared") : fmt::format("huber:{}", loss.delta);
}

}  // namespace qqt
