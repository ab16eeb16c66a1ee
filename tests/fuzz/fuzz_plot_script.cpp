// libFuzzer harness: the gnuplot script writer. Pool names and the metric label come from the
// input; every label of the plot must come back out of the script as literal text (a single-quoted
// gnuplot string, where only '' is special), and outside those strings the script must hold no
// backquote (command substitution) or '@' (macro). A label is never code.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "qqt/config.hpp"
#include "qqt/error.hpp"
#include "qqt/plan.hpp"
#include "qqt/plot.hpp"

namespace {

// The single-quoted strings of one script line, decoded, in order; aborts on a backquote or '@'
// outside them or on a string that runs past the end of the line.
std::vector<std::string> line_strings(const std::string& line) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '`' || c == '@') std::abort();
    if (c == '"') {  // the writer's own constants ("Helvetica,13", "#e0e0e0", the title's "\n"): never a label, never code
      const std::size_t close = line.find('"', i + 1);
      if (close == std::string::npos) std::abort();
      const std::string constant = line.substr(i + 1, close - i - 1);
      if (constant != "\\n" && constant.find_first_of("`@'\\") != std::string::npos) std::abort();
      i = close;
      continue;
    }
    if (c != '\'') continue;
    std::string s;
    for (++i;; ++i) {
      if (i >= line.size()) std::abort();  // unterminated: the label broke the line
      if (line[i] == '\'') {
        if (i + 1 < line.size() && line[i + 1] == '\'') {
          s += '\'';
          ++i;
          continue;
        }
        break;
      }
      s += line[i];
    }
    out.push_back(s);
  }
  return out;
}

// The single-quoted strings of a gnuplot script (line_strings of every line). Inline data blocks
// ("$d0 << EOD" to "EOD") are numbers only and skipped.
std::multiset<std::string> quoted_strings(const std::string& script) {
  std::multiset<std::string> out;
  bool in_data = false;
  std::size_t pos = 0;
  while (pos < script.size()) {
    std::size_t end = script.find('\n', pos);
    if (end == std::string::npos) end = script.size();
    const std::string line = script.substr(pos, end - pos);
    pos = end + 1;
    if (in_data) {
      if (line == "EOD") in_data = false;
      continue;
    }
    if (line.find("<< EOD") != std::string::npos) in_data = true;
    for (auto& s : line_strings(line)) out.insert(std::move(s));
  }
  return out;
}

// What gnuplot will show for a label: control characters become spaces (plot.cpp gp_string).
std::string shown(const std::string& label) {
  std::string out;
  for (const char c : label) {
    const auto byte = static_cast<unsigned char>(c);
    out += byte < 0x20 || byte == 0x7f ? ' ' : c;
  }
  return out;
}

// `text` without blanks and control characters (which gp_string turns into blanks).
std::string squeezed(const std::string& text) {
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte > 0x20 && byte != 0x7f) out += c;
  }
  return out;
}

// The title and subtitle are wrapped at blanks into several literal strings on the `set title`
// line (joined by gnuplot's "\n"): in order, without their blanks, they are the title and the
// subtitle without theirs.
void check_title(const std::string& script, const qqt::PlotSpec& spec) {
  const std::size_t at = script.find("\nset title ");
  if (at == std::string::npos) std::abort();
  const std::size_t end = script.find('\n', at + 1);
  std::string joined;
  for (const auto& piece : line_strings(script.substr(at + 1, end - at - 1))) joined += piece;
  if (squeezed(joined) != squeezed(spec.title + spec.subtitle)) std::abort();
}

void check_spec(const qqt::PlotSpec& spec, const qqt::PlotOptions& options) {
  const std::string script = qqt::gnuplot_script(spec, options, "out.svg");
  const std::multiset<std::string> strings = quoted_strings(script);
  check_title(script, spec);
  std::vector<std::string> labels{spec.x_label, spec.y_label};
  for (const auto& s : spec.series) {
    if (!s.title.empty()) labels.push_back(s.title);
  }
  for (const auto& m : spec.marks) labels.push_back(m.label);
  for (const auto& l : labels) {
    if (!strings.count(shown(l))) std::abort();  // the label did not come back as one literal string
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const qqt::Config base = qqt::default_config();
  FuzzedDataProvider in(data, size);
  qqt::Config config = base;
  config.model.metric.name = in.ConsumeRandomLengthString(64);
  for (auto& pool : config.model.pools) pool.name = in.ConsumeRandomLengthString(64);
  config.source = in.ConsumeRandomLengthString(64);
  qqt::PlotOptions options;
  options.budgets_samples = {1e6, 1e8, 1e10};
  try {
    qqt::validate(config.model);  // names must be unique and non-empty
    check_spec(qqt::utility_plot(config), options);
    check_spec(qqt::curves_plot(config, qqt::topk_strategies(config.model), options), options);
  } catch (const qqt::InputError&) {}
  return 0;
}
