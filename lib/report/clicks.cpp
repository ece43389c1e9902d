#include "clicks.hpp"

#include <fmt/core.h>

#include <fstream>
#include <optional>
#include <sstream>

namespace herald::report {

namespace {

std::string
lower(std::string_view text)
{
  std::string out;
  for (const char c : text) {
    out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return out;
}

std::string_view
trim(std::string_view text)
{
  const size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) {
    return {};
  }
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// A count as analytics tools write it: "1204", "1,204", "1 204"; empty is 0.
std::optional<int64_t>
parse_count(std::string_view text)
{
  int64_t value = 0;
  bool digits = false;
  for (const char c : trim(text)) {
    if (c >= '0' && c <= '9') {
      if (value > (INT64_MAX - 9) / 10) {
        return std::nullopt;
      }
      value = value * 10 + (c - '0');
      digits = true;
    } else if (c != ',' && c != ' ' && c != '_') {
      return std::nullopt;
    }
  }
  return digits || trim(text).empty() ? std::optional<int64_t>(value) : std::nullopt;
}

} // namespace

Result<std::vector<std::vector<std::string>>>
parse_csv(std::string_view text)
{
  if (text.starts_with("\xEF\xBB\xBF")) {
    text.remove_prefix(3);
  }
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  size_t line = 1;
  size_t i = 0;
  bool row_started = false;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '"' && field.empty()) {
      const size_t opened_on = line;
      ++i;
      while (true) {
        if (i >= text.size()) {
          return unexpected(fmt::format("line {}: a quoted field is never closed", opened_on));
        }
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        line += text[i] == '\n' ? 1 : 0;
        field += text[i++];
      }
      if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
        return unexpected(fmt::format("line {}: text after a closing quote", line));
      }
      row_started = true;
      continue;
    }
    if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      row_started = true;
      ++i;
      continue;
    }
    if (c == '\r' || c == '\n') {
      if (row_started || !field.empty()) {
        row.push_back(std::move(field));
        rows.push_back(std::move(row));
      }
      field.clear();
      row.clear();
      row_started = false;
      i += (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ? 2 : 1;
      ++line;
      continue;
    }
    field += c;
    row_started = true;
    ++i;
  }
  if (row_started || !field.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<ClickTable>
parse_clicks(std::string_view text, std::string_view name)
{
  auto rows = parse_csv(text);
  if (!rows) {
    return unexpected(fmt::format("{}: {}", name, rows.error()));
  }
  if (rows->empty()) {
    return unexpected(fmt::format("{}: empty; expected a header with utm_campaign, utm_content "
                                  "and clicks or sessions",
                                  name));
  }
  int campaign = -1, content = -1, source = -1, clicks = -1, sessions = -1, conversions = -1;
  const auto& header = rows->front();
  for (size_t i = 0; i < header.size(); ++i) {
    const auto column = lower(trim(header[i]));
    const int index = static_cast<int>(i);
    if (column == "utm_campaign") {
      campaign = index;
    } else if (column == "utm_content") {
      content = index;
    } else if (column == "utm_source") {
      source = index;
    } else if (column == "clicks") {
      clicks = index;
    } else if (column == "sessions") {
      sessions = index;
    } else if (column == "conversions") {
      conversions = index;
    }
  }
  if (clicks < 0) {
    clicks = sessions;
  }
  if (campaign < 0 || content < 0 || clicks < 0) {
    return unexpected(fmt::format("{}:1: the header needs utm_campaign, utm_content and clicks or "
                                  "sessions columns",
                                  name));
  }
  ClickTable table;
  for (size_t r = 1; r < rows->size(); ++r) {
    const auto& row = (*rows)[r];
    const auto cell = [&](int column) -> std::string {
      return column >= 0 && size_t(column) < row.size() ? std::string(trim(row[size_t(column)]))
                                                        : std::string();
    };
    ClickRow out{ cell(campaign), cell(content), cell(source), 0, 0 };
    const auto click_count = parse_count(cell(clicks));
    const auto conversion_count = parse_count(cell(conversions));
    if (!click_count || !conversion_count) {
      // Rows are counted from the header, which is what a spreadsheet shows as its line.
      return unexpected(fmt::format("{}:{}: '{}' is not a count", name, r + 1,
                                    click_count ? cell(conversions) : cell(clicks)));
    }
    out.clicks = *click_count;
    out.conversions = *conversion_count;
    table.push_back(std::move(out));
  }
  return table;
}

Result<ClickTable>
load_clicks(const std::filesystem::path& file)
{
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return unexpected(fmt::format("cannot read {}", file.string()));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_clicks(text.str(), file.string());
}

} // namespace herald::report
