// Pool configurations in YAML (docs/config.md): strict loading with file:line:col errors.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qqt/fit_record.hpp"
#include "qqt/law.hpp"

namespace qqt {

/// How strictly a config is read.
struct ConfigOptions {
  /// When true, a, d and each pool's b and tau may be absent (fitting starts from them); absent
  /// values are NaN in the returned model. When false (planning), they are required. Default false.
  bool allow_missing_parameters = false;
};

/// A loaded configuration: the model and where it came from.
struct Config {
  Model model;
  std::string source;            ///< file path, "<stdin>", or "built-in:NAME" for the embedded default
  std::optional<FitRecord> fit;  ///< the `fit:` block of a config written by `qqt fit`, if any
  /// `model_params`: the trained model's size N in parameters (> 0), if given. Converts compute
  /// budgets with C = 6 N D (parse_budget_list); not used by the law.
  std::optional<double> model_params;
  /// True when the YAML sets `irreducible`; false when the law uses the default (outside). Reports
  /// say which, since the two forms can pick different levels (docs/config.md "irreducible").
  bool irreducible_given = false;
};

/// Reads a config from `path` ("-" reads standard input; "builtin:NAME" is the built-in config
/// NAME, see builtin_configs). Throws InputError "FILE:LINE:COL: KEY.PATH rule, got VALUE" on any
/// violation of docs/config.md.
Config load_config_file(const std::string& path, const ConfigOptions& options = {});

/// Parses `text` as a config; `source` names it in error messages.
Config load_config_text(std::string_view text, const std::string& source, const ConfigOptions& options = {});

/// The built-in default (configs/datacomp-medium-tmars-imagenet.yaml, embedded at build time).
Config default_config();
/// Its file name and text, for `qqt config` style display and tests.
std::string_view default_config_name();
std::string_view default_config_text();

/// A config embedded at build time (configs/NAME.yaml, listed in lib/CMakeLists.txt).
struct BuiltinConfig {
  std::string name;            ///< NAME of `--config builtin:NAME`, e.g. "c4-2.8b"
  std::string_view file_name;  ///< "c4-2.8b.yaml"
  std::string_view text;       ///< the YAML
  std::string description;     ///< the file's first comment line, without "# "
  bool is_default = false;     ///< used when no --config is given
};
/// Every built-in config, the default first.
std::vector<BuiltinConfig> builtin_configs();
/// The prefix that selects a built-in config in load_config_file: "builtin:".
inline constexpr std::string_view kBuiltinPrefix = "builtin:";
/// Loads the built-in config `name` ("c4-2.8b"; "c4-2.8b.yaml" also works). Throws InputError
/// naming the known ones (with "did you mean") for an unknown name.
Config builtin_config(std::string_view name, const ConfigOptions& options = {});

}  // namespace qqt
