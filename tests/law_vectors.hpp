// The law vectors (tests/data/law/law_vectors.json, see its README.md): 136 cases computed from the
// spec by an independent oracle, read by law_test.cpp (Mixture) and fast_law_test.cpp (the search kernel).
#pragma once

#include <yaml-cpp/yaml.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "qqt/law.hpp"
#include "test_support.hpp"

namespace qqt::test {

struct LawVector {
  Model model;
  Strategy strategy;  ///< weights empty = uniform over kept data
  double budget = 0.0;
  double error = 0.0;  ///< the oracle's y(budget)
};

inline std::vector<LawVector> law_vectors() {
  const YAML::Node root = YAML::LoadFile(data_path("law/law_vectors.json"));
  std::vector<LawVector> out;
  for (const YAML::Node& v : root["cases"]) {
    LawVector c;
    const std::string law = v["law"].as<std::string>();
    if (law == "utility") {
      c.model.params.law = LawKind::utility;
    } else if (law == "effective-data") {
      c.model.params.law = LawKind::effective_data;
    } else if (law == "power") {
      c.model.params.law = LawKind::power;
    } else {
      throw std::runtime_error("law_vectors.json: unknown law " + law);
    }
    if (v["irreducible"]) {
      c.model.params.irreducible = v["irreducible"].as<std::string>() == "inside" ? Irreducible::inside : Irreducible::outside;
    }
    c.model.params.a = v["a"].as<double>();
    c.model.params.d = v["d"].as<double>();
    c.model.params.normalizer = v["normalizer"].as<double>();
    c.model.params.tau_scaling = v["tau_scaling"].as<double>();
    for (const auto& p : v["pools"]) {
      c.model.pools.push_back(
          {p["name"].as<std::string>(), p["size"].as<double>(), p["b"].as<double>(), p["tau"].as<double>(), std::nullopt});
    }
    c.strategy.fractions = v["fractions"].as<std::vector<double>>();
    if (!v["weights"].IsNull()) c.strategy.weights = v["weights"].as<std::vector<double>>();
    c.budget = v["budget"].as<double>();
    c.error = v["error"].as<double>();
    out.push_back(std::move(c));
  }
  return out;
}

/// The number of cases the file holds (all of them were kept).
inline constexpr std::size_t kLawVectorCount = 136;

}  // namespace qqt::test
