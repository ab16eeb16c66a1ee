#include "qqt/observations.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

#include "qqt/error.hpp"
#include "qqt/io.hpp"
#include "qqt/quantity.hpp"
#include "qqt/text.hpp"

namespace qqt {

namespace {

struct Field {
  std::string text;
  std::size_t line = 0;
  std::size_t column = 0;  // 1-based, in bytes, of the field's first character
};

struct Record {
  std::vector<Field> fields;
  std::size_t line = 0;
};

// RFC 4180 records with line/column positions. Comment lines ('#' first) and blank lines are skipped.
class CsvReader {
 public:
  CsvReader(std::string_view text, const std::string& source) : text_(text), source_(source) {}

  std::optional<Record> next() {
    while (pos_ < text_.size()) {
      // Skip blank and comment lines at a record start.
      const std::size_t eol = text_.find('\n', pos_);
      const std::string_view line = text_.substr(pos_, eol == std::string_view::npos ? text_.npos : eol - pos_);
      const std::string_view body = trim(line.substr(0, line.size() - (!line.empty() && line.back() == '\r' ? 1 : 0)));
      if (body.empty() || body.front() == '#') {
        advance_line(eol);
        continue;
      }
      return read_record();
    }
    return std::nullopt;
  }

  [[noreturn]] void fail(std::size_t line, std::size_t column, const std::string& message) const {
    throw InputError(fmt::format("{}:{}:{}: {}", source_, line, column, message));
  }

 private:
  void advance_line(std::size_t eol) {
    pos_ = eol == std::string_view::npos ? text_.size() : eol + 1;
    ++line_;
    line_start_ = pos_;
  }

  std::size_t column() const { return pos_ - line_start_ + 1; }

  bool at_record_end() const {
    return pos_ >= text_.size() || text_[pos_] == '\n' || (text_[pos_] == '\r' && (pos_ + 1 >= text_.size() || text_[pos_ + 1] == '\n'));
  }

  Record read_record() {
    Record record;
    record.line = line_;
    while (true) {
      // Leading blanks of a field.
      std::size_t p = pos_;
      while (p < text_.size() && (text_[p] == ' ' || text_[p] == '\t')) ++p;
      Field field;
      field.line = line_;
      if (p < text_.size() && text_[p] == '"') {
        pos_ = p;
        field.column = column();
        ++pos_;
        while (true) {
          if (pos_ >= text_.size()) fail(field.line, field.column, "a quoted field is not closed (missing \")");
          const char c = text_[pos_];
          if (c == '"') {
            if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
              field.text += '"';
              pos_ += 2;
              continue;
            }
            ++pos_;
            break;
          }
          if (c == '\n') {
            field.text += c;
            ++pos_;
            ++line_;
            line_start_ = pos_;
            continue;
          }
          field.text += c;
          ++pos_;
        }
        while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
        if (!at_record_end() && text_[pos_] != ',') {
          fail(line_, column(),
               fmt::format("unexpected '{}' after a closing quote; a quoted field must end at a comma or the line end", text_[pos_]));
        }
      } else {
        field.column = pos_ - line_start_ + 1 + (p - pos_);
        const std::size_t start = pos_;
        while (pos_ < text_.size() && text_[pos_] != ',' && !at_record_end()) {
          if (text_[pos_] == '"')
            fail(line_, column(), "a double quote inside an unquoted field; quote the whole field and double the quote (RFC 4180)");
          ++pos_;
        }
        field.text = std::string(trim(text_.substr(start, pos_ - start)));
      }
      record.fields.push_back(std::move(field));
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      // Record end: \n, \r\n or end of text.
      if (pos_ < text_.size() && text_[pos_] == '\r') ++pos_;
      if (pos_ < text_.size()) {
        ++pos_;
        ++line_;
        line_start_ = pos_;
      }
      return record;
    }
  }

  std::string_view text_;
  const std::string& source_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  std::size_t line_start_ = 0;
};

std::string shown(const std::string& s) { return fmt::format("'{}'", s); }

enum class Column { pool, samples_seen, weight, metric };  // metric: any column of metric.hpp's table

// "'error' or 'accuracy'" for messages.
std::string quoted_columns(MetricKind kind) {
  std::vector<std::string> names;
  for (const auto& c : info(kind).columns) names.push_back(fmt::format("'{}'", c.name));
  return fmt::format("{}", fmt::join(names, " or "));
}

}  // namespace

Observations parse_observations(std::string_view text, const std::string& source, const Model& model) {
  if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF && static_cast<unsigned char>(text[1]) == 0xBB &&
      static_cast<unsigned char>(text[2]) == 0xBF) {
    text.remove_prefix(3);  // UTF-8 byte order mark
  }
  CsvReader reader(text, source);
  Observations out;
  out.source = source;

  const MetricKind kind = model.metric.kind;
  const MetricKindInfo& kind_info = info(kind);
  const auto header = reader.next();
  if (!header) {
    std::vector<std::string> others;
    for (std::size_t i = 1; i < kind_info.columns.size(); ++i) others.emplace_back(kind_info.columns[i].name);
    throw InputError(
        fmt::format("{}: no header row; the first line must name the columns pool,samples_seen,{}{} and optionally weight (docs/fit.md)",
                    source, kind_info.columns.front().name, others.empty() ? "" : fmt::format(" (or {})", fmt::join(others, " or "))));
  }
  std::vector<std::string> kNames = {"pool", "samples_seen"};
  for (const auto& c : metric_column_names()) kNames.push_back(c);
  kNames.push_back("weight");
  std::map<Column, std::size_t> index;
  std::optional<ColumnMatch> metric_column;  // the metric column the header names
  for (std::size_t i = 0; i < header->fields.size(); ++i) {
    const Field& f = header->fields[i];
    const auto it = std::find(kNames.begin(), kNames.end(), f.text);
    if (it == kNames.end()) {
      const std::string hint = closest_match(f.text, kNames);
      reader.fail(f.line, f.column,
                  fmt::format("header column {} is not a known column ({}), got {}", i + 1,
                              hint.empty() ? fmt::format("known: {}", fmt::join(kNames, ", ")) : fmt::format("did you mean '{}'?", hint),
                              shown(f.text)));
    }
    const auto match = find_metric_column(f.text);
    const Column column = f.text == "pool"           ? Column::pool
                          : f.text == "samples_seen" ? Column::samples_seen
                          : match                    ? Column::metric
                                                     : Column::weight;
    if (column == Column::metric && metric_column && std::string_view(metric_column->column.name) != f.text) {
      reader.fail(f.line, f.column, fmt::format("the header has both {} and {}; give one of them", metric_column->column.name, f.text));
    }
    if (!index.emplace(column, i).second) {
      reader.fail(f.line, f.column, fmt::format("header column {} repeats column {}, got {}", i + 1, index[column] + 1, shown(f.text)));
    }
    if (column == Column::metric) {
      metric_column = match;
      if (match->kind != kind) {
        // The file and the config disagree on what the law predicts: say both.
        reader.fail(f.line, f.column,
                    fmt::format("column '{}' is for metric kind {}, but the config's metric '{}' has kind {} (give {})", f.text,
                                to_string(match->kind), model.metric.name, to_string(kind), accepted_columns(kind)));
      }
    }
  }
  const Field& first = header->fields.front();
  for (const Column c : {Column::pool, Column::samples_seen}) {
    if (!index.count(c)) {
      reader.fail(first.line, first.column,
                  fmt::format("the header lacks the column '{}' (need pool, samples_seen and {})",
                              c == Column::pool ? "pool" : "samples_seen", accepted_columns(kind)));
    }
  }
  if (!metric_column) {
    const std::string columns = quoted_columns(kind);
    reader.fail(
        first.line, first.column,
        fmt::format("the header lacks {} {} column", std::string("aeiou").find(columns[1]) != std::string::npos ? "an" : "a", columns));
  }
  out.metric = metric_column->column;
  const std::size_t value_column = index[Column::metric];
  const char* value_name = out.metric.name;

  std::vector<std::string> names;
  std::map<std::string, std::size_t> by_name;
  for (std::size_t i = 0; i < model.pools.size(); ++i) {
    names.push_back(model.pools[i].name);
    by_name.emplace(model.pools[i].name, i);
  }
  auto unknown_pool = [&](const Field& f, const std::string& name, bool part) {
    const std::string hint = closest_match(name, names);
    reader.fail(f.line, f.column,
                fmt::format("pool {}'{}' is not a pool of the config ({})", part ? fmt::format("'{}': ", f.text) : "", name,
                            hint.empty() ? fmt::format("pools: {}", fmt::join(names, ", ")) : fmt::format("did you mean '{}'?", hint)));
  };
  auto number = [&](const Field& f, const char* column, bool metric) {
    const ParsedNumber parsed = parse_number(f.text);
    const double value = parsed.value;
    if (parsed.status == NumberStatus::empty) reader.fail(f.line, f.column, fmt::format("{} is empty; expected a number", column));
    if (parsed.status == NumberStatus::not_a_number) {
      reader.fail(f.line, f.column, fmt::format("{} must be a number, got {}", column, shown(f.text)));
    }
    if (parsed.status == NumberStatus::not_finite) {
      reader.fail(f.line, f.column, fmt::format("{} must be a finite number, got {}", column, shown(f.text)));
    }
    if (value < 0) reader.fail(f.line, f.column, fmt::format("{} must not be negative, got {}", column, shown(f.text)));
    if (metric && !in_range(kind, y_of(out.metric, value))) {
      reader.fail(f.line, f.column, fmt::format("{} {}, got {}", column, kind_info.range_rule, shown(f.text)));
    }
    return value;
  };

  double total_weight = 0.0;
  while (const auto record = reader.next()) {
    if (record->fields.size() != header->fields.size()) {
      const Field& f = record->fields.size() > header->fields.size() ? record->fields[header->fields.size()] : record->fields.back();
      reader.fail(f.line, f.column,
                  fmt::format("the row has {} fields but the header has {}", record->fields.size(), header->fields.size()));
    }
    Observation row;
    row.line = record->line;

    const Field& pool = record->fields[index[Column::pool]];
    row.pool = pool.text;
    if (row.pool.empty()) reader.fail(pool.line, pool.column, "pool is empty; expected a pool name of the config or a+b+c");
    if (const auto it = by_name.find(row.pool); it != by_name.end()) {
      row.pools = {it->second};
    } else if (row.pool.find('+') == std::string::npos) {
      unknown_pool(pool, row.pool, false);
    } else {
      for (const std::string_view raw : split_list(row.pool, '+')) {
        const std::string part(trim(raw));
        if (part.empty()) reader.fail(pool.line, pool.column, fmt::format("pool {} has an empty name between '+' signs", shown(row.pool)));
        const auto part_it = by_name.find(part);
        if (part_it == by_name.end()) unknown_pool(pool, part, true);
        if (std::find(row.pools.begin(), row.pools.end(), part_it->second) != row.pools.end()) {
          reader.fail(pool.line, pool.column, fmt::format("pool {} names '{}' twice", shown(row.pool), part));
        }
        row.pools.push_back(part_it->second);
      }
      std::sort(row.pools.begin(), row.pools.end());
    }

    const Field& n = record->fields[index[Column::samples_seen]];
    try {
      row.samples_seen = parse_count(n.text, "samples_seen");
    } catch (const InputError& e) {
      reader.fail(n.line, n.column, e.what());
    }

    const Field& v = record->fields[value_column];
    const double value = number(v, value_name, true);
    row.error = y_of(out.metric, value);

    if (index.count(Column::weight)) row.weight = number(record->fields[index[Column::weight]], "weight", false);
    total_weight += row.weight;
    out.rows.push_back(std::move(row));
  }
  if (out.rows.empty()) throw InputError(fmt::format("{}: no data rows after the header", source));
  if (!(total_weight > 0)) throw InputError(fmt::format("{}: every row has weight 0; at least one must be positive", source));
  return out;
}

Observations load_observations_file(const std::string& path, const Model& model) {
  const InputText input = read_input(path, "observations file", "an observations CSV");
  return parse_observations(input.text, input.source, model);
}

Strategy strategy_of(const Observation& row, const Model& model) {
  Strategy s;
  s.fractions.assign(model.pools.size(), 0.0);
  for (const std::size_t i : row.pools) {
    if (i >= model.pools.size()) throw InternalError(fmt::format("observation pool index {} out of range", i));
    s.fractions[i] = 1.0;
  }
  return s;
}

}  // namespace qqt
