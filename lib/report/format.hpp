#pragma once

#include "analysis.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// The ways a Report is shown: a terminal table, CSV, JSON and a self-contained HTML page. They
// return text; cmd/ prints it or writes the file.
namespace herald::report {

// A one-line chart of `values`, one character each, scaled between their minimum and maximum:
// U+2581..U+2588 block characters when `utf8`, else " .:-=+*#". A flat series is all the
// lowest mark; an empty one is "". A longer series than `width` (hourly collects over a month)
// is sampled evenly down to `width` characters, keeping the first and the last value.
std::string sparkline(const std::vector<int64_t>& values, bool utf8, size_t width = 24);

// "4.25%", or "-" when absent.
std::string percent(std::optional<double> rate);

// The rows (by the report's grouping) as a table with a header, then the follower growth of
// each account with its sparkline, then the best weekday and hour.
std::string format_table(const Report& report, std::string_view zone, bool utf8);

// The rows as RFC 4180 CSV with a header line; rates as fractions (0.0425), empty when absent.
std::string format_csv(const Report& report);

// One CSV field: quoted as RFC 4180 says when it holds a comma, quote or line break, and with a
// single quote put first when it starts with =, +, -, @, a tab or a carriage return (so that a
// spreadsheet shows it as text instead of running it as a formula), unless it is a plain number
// such as -3 or -0.25.
std::string csv_field(std::string_view text);

// Whether `text` is digits with an optional leading '-' and an optional decimal point.
bool is_plain_number(std::string_view text);

// Everything: rows, total, each post with its latest counts, accounts with their follower
// series, best weekday and hour. Rates as fractions, null when absent.
nlohmann::json to_json(const Report& report, std::string_view zone);

// One HTML page, well-formed as XML too (no scripts, no external resources, all text escaped):
// the rows as a table, an inline SVG line chart of follower growth per account, and an SVG
// chart of each post's engagement rate over time.
std::string format_html(const Report& report, std::string_view title, std::string_view zone);

// `text` with & < > " ' escaped for HTML and XML.
std::string escape_html(std::string_view text);

} // namespace herald::report
