#include "release_template.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>

namespace herald::release {

namespace {

constexpr std::string_view k_sections[] = { "added",   "changed", "deprecated",
                                            "removed", "fixed",   "security" };

std::string
bullets(const std::vector<std::string>& items)
{
  std::string out;
  for (const auto& item : items) {
    out += (out.empty() ? "" : "\n") + std::string("\u2022 ") + item;
  }
  return out;
}

std::string
field_value(std::string_view field, const ReleaseNotes& notes, const PlainNotes& plain)
{
  if (field == "version") {
    return notes.version;
  }
  if (field == "name") {
    return notes.name.empty() ? "Version " + notes.version : notes.name;
  }
  if (field == "date") {
    return notes.date;
  }
  if (field == "url") {
    return notes.url;
  }
  if (field == "summary") {
    return plain.summary;
  }
  if (field == "notes") {
    return plain.text;
  }
  if (field == "items") {
    return bullets(plain.items);
  }
  const auto section = plain.section.find(std::string(field));
  return section == plain.section.end() ? std::string() : bullets(section->second);
}

// Trailing blanks off every line, runs of blank lines as one, no blank lines at either end.
std::string
tidy(const std::string& text)
{
  std::string out;
  size_t blank_run = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      end = text.size();
    }
    std::string line = text.substr(start, end - start);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) {
      line.pop_back();
    }
    if (line.empty()) {
      ++blank_run;
    } else {
      if (!out.empty()) {
        out += blank_run > 0 ? "\n\n" : "\n";
      }
      out += line;
      blank_run = 0;
    }
    start = end + 1;
  }
  return out;
}

} // namespace

const std::vector<std::string_view>&
template_fields()
{
  static const std::vector<std::string_view> fields = [] {
    std::vector<std::string_view> all{
      "version", "name", "date", "url", "summary", "notes", "items"
    };
    all.insert(all.end(), std::begin(k_sections), std::end(k_sections));
    return all;
  }();
  return fields;
}

std::optional<std::string>
template_problem(std::string_view text)
{
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '}') {
      if (i + 1 < text.size() && text[i + 1] == '}') {
        ++i;
        continue;
      }
      return "has a '}' that no '{' opens (write '}}' for the brace itself)";
    }
    if (text[i] != '{') {
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '{') {
      ++i;
      continue;
    }
    const size_t close = text.find('}', i);
    if (close == std::string_view::npos) {
      return "has a '{' without '}' (write '{{' for the brace itself)";
    }
    const std::string_view field = text.substr(i + 1, close - i - 1);
    const auto& known = template_fields();
    if (std::find(known.begin(), known.end(), field) == known.end()) {
      std::string list;
      for (const auto name : known) {
        list += fmt::format("{}{{{}}}", list.empty() ? "" : ", ", name);
      }
      return fmt::format("has an unknown field '{{{}}}' (known: {})", field, list);
    }
    i = close;
  }
  return std::nullopt;
}

std::string
render_template(std::string_view text, const ReleaseNotes& notes, const PlainNotes& plain)
{
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
      out += c;
      ++i;
      continue;
    }
    const size_t close = c == '{' ? text.find('}', i) : std::string_view::npos;
    if (close == std::string_view::npos) {
      out += c;
      continue;
    }
    out += field_value(text.substr(i + 1, close - i - 1), notes, plain);
    i = close;
  }
  return tidy(out);
}

std::optional<SkipRule>
parse_skip_rule(std::string_view word)
{
  if (word == "patch") {
    return SkipRule::patch;
  }
  if (word == "prerelease") {
    return SkipRule::prerelease;
  }
  return std::nullopt;
}

std::string_view
to_string(SkipRule rule)
{
  return rule == SkipRule::patch ? "patch" : "prerelease";
}

std::optional<SkipRule>
skipped_by(const ReleaseNotes& notes, const std::vector<SkipRule>& rules)
{
  // SemVer: MAJOR.MINOR.PATCH, then -PRERELEASE and/or +BUILD.
  const std::string_view version = notes.version;
  const size_t core_end = std::min(version.find('-'), version.find('+'));
  const std::string_view core = version.substr(0, core_end);
  const bool prerelease =
    notes.prerelease || (core_end != std::string_view::npos && version[core_end] == '-');
  const size_t second_dot = core.find('.', core.find('.') + 1);
  const std::string_view patch =
    core.find('.') == std::string_view::npos || second_dot == std::string_view::npos
      ? std::string_view()
      : core.substr(second_dot + 1);
  const bool is_patch =
    !patch.empty() && std::any_of(patch.begin(), patch.end(), [](char d) { return d != '0'; });
  for (const SkipRule rule : rules) {
    if ((rule == SkipRule::patch && is_patch) || (rule == SkipRule::prerelease && prerelease)) {
      return rule;
    }
  }
  return std::nullopt;
}

} // namespace herald::release
