#include "changelog.hpp"

#include "util/trim.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <optional>

namespace herald::release {

namespace {

std::string_view
without_v(std::string_view version)
{
  if (!version.empty() && (version.front() == 'v' || version.front() == 'V')) {
    version.remove_prefix(1);
  }
  return version;
}

struct Heading
{
  std::string version; // as written, without brackets or a leading v
  std::string date;
};

// A level-2 heading's version and date: "## [1.4.0] - 2026-12-01", "## 1.4.0", "## v1.4.0
// (2026-12-01)", "## [Unreleased]".
std::optional<Heading>
version_heading(std::string_view line)
{
  if (!line.starts_with("## ")) {
    return std::nullopt;
  }
  std::string_view rest = trim_blanks(line.substr(3));
  Heading heading;
  if (rest.starts_with('[')) {
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) {
      return std::nullopt;
    }
    heading.version = std::string(without_v(trim_blanks(rest.substr(1, close - 1))));
    rest = trim_blanks(rest.substr(close + 1));
  } else {
    const size_t end = std::min(rest.find_first_of(" \t("), rest.size());
    heading.version = std::string(without_v(rest.substr(0, end)));
    rest = trim_blanks(rest.substr(end));
  }
  while (!rest.empty() && (rest.front() == '-' || rest.front() == '(' || rest.front() == ' ')) {
    rest.remove_prefix(1);
  }
  while (!rest.empty() && rest.back() == ')') {
    rest.remove_suffix(1);
  }
  heading.date = std::string(trim_blanks(rest));
  if (heading.version.empty()) {
    return std::nullopt;
  }
  return heading;
}

// "[1.4.0]: https://..." at the end of a Keep a Changelog file.
bool
is_link_definition(std::string_view line, std::string* label, std::string* url)
{
  line = trim_blanks(line);
  if (!line.starts_with('[')) {
    return false;
  }
  const size_t close = line.find("]:");
  if (close == std::string_view::npos) {
    return false;
  }
  if (label) {
    *label = std::string(without_v(trim_blanks(line.substr(1, close - 1))));
  }
  if (url) {
    *url = std::string(trim_blanks(line.substr(close + 2)));
  }
  return true;
}

std::vector<std::string_view>
lines_of(std::string_view text)
{
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = std::min(text.find('\n', start), text.size());
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

} // namespace

Result<ReleaseNotes, std::string>
read_changelog(std::string_view changelog, std::string_view version)
{
  const std::string wanted(without_v(trim_blanks(version)));
  const auto lines = lines_of(changelog);
  std::vector<std::string> found;
  ReleaseNotes notes;
  bool inside = false;
  bool seen = false;
  std::string body;
  for (const auto line : lines) {
    std::string label;
    std::string url;
    if (is_link_definition(line, &label, &url)) {
      if (label == wanted) {
        notes.url = url;
      }
      if (inside) {
        inside = false;
      }
      continue;
    }
    if (const auto heading = version_heading(line)) {
      found.push_back(heading->version);
      inside = heading->version == wanted && !seen;
      if (inside) {
        seen = true;
        notes.date = heading->date;
      }
      continue;
    }
    if (line.starts_with("# ")) {
      inside = false;
      continue;
    }
    if (inside) {
      body += std::string(line);
      body += '\n';
    }
  }
  if (!seen) {
    std::string versions;
    for (const auto& name : found) {
      versions += (versions.empty() ? "" : ", ") + name;
    }
    return unexpected(
      fmt::format("the changelog has no section for version {} ({})", wanted,
                  found.empty() ? "it has no '## ' version headings" : "it has: " + versions));
  }
  notes.version = wanted;
  notes.body = std::string(trim_blanks(body));
  while (notes.body.starts_with('\n')) {
    notes.body.erase(0, 1);
  }
  while (notes.body.ends_with('\n')) {
    notes.body.pop_back();
  }
  return notes;
}

Result<ReleaseNotes, std::string>
read_release_event(std::string_view json)
{
  const auto event = nlohmann::json::parse(json, nullptr, false);
  if (event.is_discarded() || !event.is_object()) {
    return unexpected(std::string("the release event is not a JSON object"));
  }
  const auto* release = event.contains("release") ? &event["release"] : &event;
  if (!release->is_object()) {
    return unexpected(std::string("the release event has no 'release' object"));
  }
  const auto text = [&](const char* key) {
    const auto it = release->find(key);
    return it != release->end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  ReleaseNotes notes;
  const std::string tag = text("tag_name");
  if (tag.empty()) {
    return unexpected(std::string("the release event has no 'tag_name'"));
  }
  notes.version = std::string(without_v(tag));
  notes.name = text("name");
  notes.url = text("html_url");
  notes.body = text("body");
  const auto prerelease = release->find("prerelease");
  notes.prerelease =
    prerelease != release->end() && prerelease->is_boolean() && prerelease->get<bool>();
  return notes;
}

} // namespace herald::release
