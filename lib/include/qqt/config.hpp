// Pool configurations in YAML (docs/config.md): strict loading with file:line:col errors.
#pragma once

#include <optional>
#include <string>
#include <string_view>

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
  std::string source;  ///< file path, "<stdin>", or "built-in:NAME" for the embedded default
  std::optional<FitRecord> fit;  ///< the `fit:` block of a config written by `qqt fit`, if any
};

/// Reads a config from `path` ("-" reads standard input). Throws InputError
/// "FILE:LINE:COL: KEY.PATH rule, got VALUE" on any violation of docs/config.md.
Config load_config_file(const std::string& path, const ConfigOptions& options = {});

/// Parses `text` as a config; `source` names it in error messages.
Config load_config_text(std::string_view text, const std::string& source, const ConfigOptions& options = {});

/// The built-in default (configs/datacomp-medium-tmars-imagenet.yaml, embedded at build time).
Config default_config();
/// Its file name and text, for `qqt config` style display and tests.
std::string_view default_config_name();
std::string_view default_config_text();

}  // namespace qqt
