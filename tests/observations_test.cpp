// observations.cpp <-> observations_test.cpp: the runs CSV is read per RFC 4180 and every bad row
// is an input error naming file, line, column and rule.
#include "qqt/observations.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "qqt/config.hpp"
#include "qqt/error.hpp"

using namespace qqt;

namespace {

Model pools_model() {
  Model m;
  for (const char* name : {"top 0-10%", "top 10-20%", "low", "a+b"}) {
    Pool p;
    p.name = name;
    p.size_samples = 1e6;
    m.pools.push_back(p);
  }
  return m;
}

std::string error_of(const std::string& text) {
  try {
    parse_observations(text, "runs.csv", pools_model());
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("a valid runs file: comments, blanks, quotes, suffixes, weights", "[observations]") {
  const std::string text =
      "# runs of the T-MARS buckets\n"
      "pool, samples_seen ,error,weight\n"
      "\n"
      "top 0-10%,12.8M,0.8,1\n"
      "\"top 10-20%\",2.56e7,0.75,2.5\r\n"
      "  # a comment between rows\n"
      "top 0-10%+low,1B,0.5,0\n"
      "\"a+b\",1000,0.9,1\n"
      "low + top 0-10% ,5k,0.25,1\n";
  const Observations o = parse_observations(text, "runs.csv", pools_model());
  CHECK(o.source == "runs.csv");
  CHECK(std::string(o.metric.name) == "error");
  REQUIRE(o.rows.size() == 5);
  CHECK(o.rows[0].pool == "top 0-10%");
  CHECK(o.rows[0].pools == std::vector<std::size_t>{0});
  CHECK(o.rows[0].samples_seen == 12.8e6);
  CHECK(o.rows[0].error == 0.8);
  CHECK(o.rows[0].weight == 1.0);
  CHECK(o.rows[0].line == 4);
  CHECK(o.rows[1].pools == std::vector<std::size_t>{1});
  CHECK(o.rows[1].samples_seen == 2.56e7);
  CHECK(o.rows[1].weight == 2.5);
  CHECK(o.rows[1].line == 5);
  // A mixture: both pools, ascending, whatever the order written.
  CHECK(o.rows[2].pools == std::vector<std::size_t>{0, 2});
  CHECK(o.rows[2].weight == 0.0);
  CHECK(o.rows[2].line == 7);
  // An exact pool name wins over splitting at '+'.
  CHECK(o.rows[3].pools == std::vector<std::size_t>{3});
  CHECK(o.rows[4].pools == std::vector<std::size_t>{0, 2});
  CHECK(o.rows[4].samples_seen == 5000.0);
}

TEST_CASE("accuracy is read as 1 - error, and quoted commas, quotes and line breaks", "[observations]") {
  Model m = pools_model();
  m.pools[2].name = "odd, \"quoted\"\nname";
  const std::string text =
      "accuracy,pool,samples_seen\n"
      "0.25,\"odd, \"\"quoted\"\"\n"
      "name\",1M\n"
      "0.5,top 0-10%,2M\n";
  const Observations o = parse_observations(text, "acc.csv", m);
  CHECK(std::string(o.metric.name) == "accuracy");
  REQUIRE(o.rows.size() == 2);
  CHECK(o.rows[0].pools == std::vector<std::size_t>{2});
  CHECK(o.rows[0].error == 0.75);
  CHECK(o.rows[1].line == 4);  // the quoted line break counts
  CHECK(o.rows[1].error == 0.5);
  CHECK(value_of(o.metric, 0.75) == 0.25);
}

TEST_CASE("a UTF-8 byte order mark before the header is ignored", "[observations]") {
  const Observations o = parse_observations("\xEF\xBB\xBFpool,samples_seen,error\nlow,1M,0.5\n", "bom.csv", pools_model());
  REQUIRE(o.rows.size() == 1);
  CHECK(o.rows[0].pools == std::vector<std::size_t>{2});
}

TEST_CASE("bad rows name file, line, column and rule", "[observations][errors]") {
  const std::string h = "pool,samples_seen,error\n";
  CHECK(error_of(h + "top 0-1%,1M,0.5\n") == "runs.csv:2:1: pool 'top 0-1%' is not a pool of the config (did you mean 'top 0-10%'?)");
  CHECK(error_of(h + "zzzzzzzz,1M,0.5\n") ==
        "runs.csv:2:1: pool 'zzzzzzzz' is not a pool of the config (pools: top 0-10%, top 10-20%, low, a+b)");
  CHECK(error_of(h + "low+lwo,1M,0.5\n") == "runs.csv:2:1: pool 'low+lwo': 'lwo' is not a pool of the config (did you mean 'low'?)");
  CHECK(error_of(h + "low+low,1M,0.5\n") == "runs.csv:2:1: pool 'low+low' names 'low' twice");
  CHECK(error_of(h + "low++top 0-10%,1M,0.5\n") == "runs.csv:2:1: pool 'low++top 0-10%' has an empty name between '+' signs");
  CHECK(error_of(h + ",1M,0.5\n") == "runs.csv:2:1: pool is empty; expected a pool name of the config or a+b+c");
  CHECK(error_of(h + "low,12X,0.5\n").rfind("runs.csv:2:5: samples_seen: '12X' is not a sample count", 0) == 0);
  CHECK(error_of(h + "low,-1M,0.5\n") == "runs.csv:2:5: samples_seen: '-1M' must be greater than 0");
  CHECK(error_of(h + "low,0,0.5\n") == "runs.csv:2:5: samples_seen: '0' must be greater than 0");
  CHECK(error_of(h + "low,1M,abc\n") == "runs.csv:2:8: error must be a number, got 'abc'");
  CHECK(error_of(h + "low,1M,nan\n") == "runs.csv:2:8: error must be a finite number, got 'nan'");
  CHECK(error_of(h + "low,1M,inf\n") == "runs.csv:2:8: error must be a finite number, got 'inf'");
  CHECK(error_of(h + "low,1M,-0.1\n") == "runs.csv:2:8: error must not be negative, got '-0.1'");
  CHECK(error_of(h + "low,1M,45\n") == "runs.csv:2:8: error must be in [0, 1] (a rate, not a percentage), got '45'");
  CHECK(error_of(h + "low,1M,\n") == "runs.csv:2:8: error is empty; expected a number");
  CHECK(error_of(h + "low,1M,0.5,7\n") == "runs.csv:2:12: the row has 4 fields but the header has 3");
  CHECK(error_of(h + "low,1M\n") == "runs.csv:2:5: the row has 2 fields but the header has 3");
  CHECK(error_of(h + "low,1M,0.5\nlow,2M,0.4\n\"low,3M,0.3\n") == "runs.csv:4:1: a quoted field is not closed (missing \")");
  CHECK(error_of(h + "\"low\"x,1M,0.5\n") ==
        "runs.csv:2:6: unexpected 'x' after a closing quote; a quoted field must end at a comma or the line end");
  CHECK(error_of(h + "lo\"w,1M,0.5\n").rfind("runs.csv:2:3: a double quote inside an unquoted field", 0) == 0);
  CHECK(error_of("pool,samples_seen,error,weight\nlow,1M,0.5,-1\n") == "runs.csv:2:12: weight must not be negative, got '-1'");
  CHECK(error_of("pool,samples_seen,error,weight\nlow,1M,0.5,0\n") == "runs.csv: every row has weight 0; at least one must be positive");
  CHECK(error_of("pool,samples_seen,accuracy\nlow,1M,1.5\n") ==
        "runs.csv:2:8: accuracy must be in [0, 1] (a rate, not a percentage), got '1.5'");
}

TEST_CASE("bad headers: missing, unknown and duplicate columns", "[observations][errors]") {
  CHECK(error_of("") ==
        "runs.csv: no header row; the first line must name the columns pool,samples_seen,error (or accuracy) and optionally weight "
        "(docs/fit.md)");
  CHECK(error_of("# only a comment\n\n").rfind("runs.csv: no header row", 0) == 0);
  CHECK(error_of("pool,samples_seen,error\n") == "runs.csv: no data rows after the header");
  CHECK(error_of("pool,error\nlow,0.5\n") ==
        "runs.csv:1:1: the header lacks the column 'samples_seen' (need pool, samples_seen and error or accuracy)");
  CHECK(error_of("pool,samples_seen\nlow,1M\n") == "runs.csv:1:1: the header lacks an 'error' or 'accuracy' column");
  CHECK(error_of("pool,samples_seen,error,accuracy\nlow,1M,0.5,0.5\n") ==
        "runs.csv:1:25: the header has both error and accuracy; give one of them");
  CHECK(error_of("pool,samples_seen,eror\nlow,1M,0.5\n") ==
        "runs.csv:1:19: header column 3 is not a known column (did you mean 'error'?), got 'eror'");
  CHECK(error_of("pool,samples_seen,error,pool\nlow,1M,0.5,low\n") == "runs.csv:1:25: header column 4 repeats column 1, got 'pool'");
  CHECK(
      error_of("pool,samples_seen,error,zzzzzzzzzz\nlow,1M,0.5,1\n") ==
      "runs.csv:1:25: header column 4 is not a known column (known: pool, samples_seen, error, accuracy, loss, weight), got 'zzzzzzzzzz'");
}

TEST_CASE("observation files: unreadable paths are input errors", "[observations][errors]") {
  CHECK_THROWS_WITH(load_observations_file("/nonexistent/runs.csv", pools_model()),
                    Catch::StartsWith("/nonexistent/runs.csv: cannot open the observations file"));
  CHECK_THROWS_WITH(load_observations_file("/tmp", pools_model()), "/tmp: is a directory, not an observations CSV");
}

TEST_CASE("a row's strategy: its pools whole, uniform over their data", "[observations]") {
  Observation row;
  row.pools = {0, 2};
  const Strategy s = strategy_of(row, pools_model());
  CHECK(s.fractions == std::vector<double>{1, 0, 1, 0});
  CHECK(s.weights.empty());
}

TEST_CASE("a loss config reads a loss column; a column of the other kind names both", "[observations][metric]") {
  Model loss = pools_model();
  loss.metric = {"C4 validation loss", MetricKind::loss};
  const Observations o = parse_observations("pool,samples_seen,loss\nlow,1B,2.75\ntop 0-10%,2B,12.5\n", "runs.csv", loss);
  CHECK(std::string(o.metric.name) == "loss");
  REQUIRE(o.rows.size() == 2);
  CHECK(o.rows[0].error == 2.75);  // y is the loss itself: no 1 - value, no [0, 1] limit
  CHECK(o.rows[1].error == 12.5);
  auto error_with = [](const std::string& text, const Model& model) {
    try {
      parse_observations(text, "runs.csv", model);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  CHECK(error_with("pool,samples_seen,loss\nlow,1B,0\n", loss) == "runs.csv:2:8: loss must be positive (a loss; lower is better), got '0'");
  CHECK(error_with("pool,samples_seen,loss\nlow,1B,-2\n", loss) == "runs.csv:2:8: loss must not be negative, got '-2'");
  CHECK(error_with("pool,samples_seen,error\nlow,1B,0.5\n", loss) ==
        "runs.csv:1:19: column 'error' is for metric kind error-rate, but the config's metric 'C4 validation loss' has kind loss (give "
        "loss)");
  CHECK(error_with("pool,samples_seen,accuracy\nlow,1B,0.5\n", loss)
            .rfind("runs.csv:1:19: column 'accuracy' is for metric kind error-rate", 0) == 0);
  CHECK(
      error_with("pool,samples_seen,loss\nlow,1B,2.5\n", pools_model()) ==
      "runs.csv:1:19: column 'loss' is for metric kind loss, but the config's metric 'error' has kind error-rate (give error or accuracy)");
  CHECK(error_with("pool,samples_seen\nlow,1B\n", loss) == "runs.csv:1:1: the header lacks a 'loss' column");
  CHECK(error_with("pool,samples_seen,error,loss\nlow,1B,0.5,2\n", pools_model()) ==
        "runs.csv:1:25: the header has both error and loss; give one of them");
  CHECK(error_with("", loss) ==
        "runs.csv: no header row; the first line must name the columns pool,samples_seen,loss and optionally weight (docs/fit.md)");
  CHECK(error_with("pool,loss\nlow,2\n", loss) ==
        "runs.csv:1:1: the header lacks the column 'samples_seen' (need pool, samples_seen and loss)");
}
