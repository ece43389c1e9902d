#pragma once

#include "util/expected.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

// The web-analytics export that `herald report --clicks FILE` joins to the posts.
namespace herald::report {

// One row of the export: the visits a UTM-tagged link brought.
struct ClickRow
{
  std::string campaign; // utm_campaign
  std::string content;  // utm_content
  std::string source;   // utm_source, when the export has that column ("" matches any)
  int64_t clicks = 0;   // `clicks`, else `sessions`
  int64_t conversions = 0;
};

using ClickTable = std::vector<ClickRow>;

// RFC 4180 CSV: fields separated by ',', optionally in double quotes (a quote inside written
// twice; commas and line breaks allowed inside), lines ended by LF or CRLF, a UTF-8 byte order
// mark ignored. Error on an unterminated quote or text after a closing quote, with its line.
Result<std::vector<std::vector<std::string>>> parse_csv(std::string_view text);

// The export's rows. The header names its columns in any order and case: utm_campaign and
// utm_content (required), clicks or sessions (required), conversions and utm_source
// (optional). Counts may carry thousands separators ("1,204"). Errors name the file and line.
Result<ClickTable> parse_clicks(std::string_view text, std::string_view name);
Result<ClickTable> load_clicks(const std::filesystem::path& file);

} // namespace herald::report
