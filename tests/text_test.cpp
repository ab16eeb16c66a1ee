#include "qqt/text.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "qqt/error.hpp"

using namespace qqt;

namespace {
std::vector<std::string> items(std::string_view text, char sep = ',') {
  std::vector<std::string> out;
  for (const auto item : split_list(text, sep)) out.emplace_back(item);
  return out;
}
}  // namespace

TEST_CASE("trim drops blanks at both ends only", "[text]") {
  CHECK(trim("  a b \t\r\n") == "a b");
  CHECK(trim("") == "");
  CHECK(trim(" \t ") == "");
  CHECK(trim("x") == "x");
}

TEST_CASE("split_list keeps every item as written, empty ones too", "[text]") {
  CHECK(items("a,b,c") == std::vector<std::string>{"a", "b", "c"});
  CHECK(items("") == std::vector<std::string>{""});
  CHECK(items("a,,b") == std::vector<std::string>{"a", "", "b"});
  CHECK(items("a,") == std::vector<std::string>{"a", ""});
  CHECK(items(",a") == std::vector<std::string>{"", "a"});
  CHECK(items(" a , b ") == std::vector<std::string>{" a ", " b "});
  CHECK(items("top 0-10%+top 10-20%", '+') == std::vector<std::string>{"top 0-10%", "top 10-20%"});
}

TEST_CASE("parse_number reads the whole text or says why not", "[text]") {
  CHECK(parse_number("0.5").ok());
  CHECK(parse_number("0.5").value == 0.5);
  CHECK(parse_number("-1.25e-3").value == -0.00125);
  CHECK(parse_number("+2").value == 2.0);
  CHECK(parse_number("+.5").value == 0.5);
  CHECK(parse_number("1E3").value == 1000.0);
  CHECK(parse_number("").status == NumberStatus::empty);
  for (const char* bad : {"x", "1x", " 1", "1 ", "+", "+-1", "--1", "0x10", "1,5", "."}) {
    INFO(bad);
    CHECK(parse_number(bad).status == NumberStatus::not_a_number);
  }
  CHECK(parse_number("+inf").status == NumberStatus::not_a_number);  // from_chars takes no sign before inf
  for (const char* huge : {"1e999", "-1e999", "inf", "nan", "-inf"}) {
    INFO(huge);
    CHECK(parse_number(huge).status == NumberStatus::not_finite);
  }
}

TEST_CASE("parse_number_list: blanks around items are fine, bad items are named", "[text]") {
  CHECK(parse_number_list("0.5, 0.3 ,0.2", "--weights") == std::vector<double>{0.5, 0.3, 0.2});
  CHECK(parse_number_list("1", "--weights") == std::vector<double>{1.0});
  CHECK_THROWS_AS(parse_number_list("0.5,x", "--weights"), InputError);
  CHECK_THROWS_WITH(parse_number_list("0.5,x", "--weights"), "--weights: 'x' is not a finite number (item 2 of '0.5,x')");
  CHECK_THROWS_WITH(parse_number_list("1,", "--fractions"), "--fractions: '' is not a finite number (item 2 of '1,')");
  CHECK_THROWS_WITH(parse_number_list("inf", "--weights"), "--weights: 'inf' is not a finite number (item 1 of 'inf')");
}

TEST_CASE("did you mean: case-insensitive edit distance within 2 or a third of the word", "[text]") {
  CHECK(closest_match("pool", {"pools", "law"}) == "pools");
  CHECK(closest_match("TAU", {"tau", "b"}) == "tau");
  CHECK(closest_match("xylophone", {"tau", "b"}).empty());
  // "mixtrue" -> "mixture": two substitutions (distance 2).
  CHECK(closest_match("mixtrue", {"topk", "mixture"}) == "mixture");
  // A 12-letter word allows 4 edits (12 / 3): "thresholdxyz" is 3 insertions from "threshold".
  CHECK(closest_match("thresholdxyz", {"threshold"}) == "threshold");
  // Ties go to the first candidate.
  CHECK(closest_match("ab", {"ac", "ad"}) == "ac");
  CHECK(closest_match("x", {}).empty());
  CHECK(did_you_mean("mixtrue", {"mixture"}) == " (did you mean 'mixture'?)");
  CHECK(did_you_mean("zzzzzzzz", {"mixture"}).empty());
}
