#pragma once

#include "util/expected.hpp"

#include <string>
#include <string_view>
#include <vector>

// Release notes from where projects keep them: a Keep a Changelog file, or a GitHub release
// event ($GITHUB_EVENT_PATH).
namespace herald::release {

struct ReleaseNotes
{
  std::string version;     // as asked for ("1.4.0")
  std::string name;        // the release's name, when the source has one ("herald 1.4.0")
  std::string date;        // as written in the heading, when there is one
  std::string url;         // the release's page: the changelog's link for the version, html_url
  std::string body;        // the version's notes, Markdown
  bool prerelease = false; // the source says so (a GitHub release's `prerelease`)
};

// The section of `changelog` (Keep a Changelog: "## [1.4.0] - 2026-12-01"; also "## 1.4.0",
// "## v1.4.0 (2026-12-01)") for `version` ("1.4.0" or "v1.4.0"): its body up to the next
// level-2 heading or the link definitions at the end, and its link ("[1.4.0]: https://...").
// The error names the versions the file has.
Result<ReleaseNotes, std::string> read_changelog(std::string_view changelog,
                                                 std::string_view version);

// A GitHub release event (the JSON of $GITHUB_EVENT_PATH): release.name, tag_name, body and
// html_url. The version is the tag without a leading "v".
Result<ReleaseNotes, std::string> read_release_event(std::string_view json);

} // namespace herald::release
