// Release notes: a changelog, Markdown and a release event from a project's repository. Any
// input: no crash, no hang, and a section found is a part of the input. The version line is
// also a `release:` template: one that passes the check renders.
#include "release/announcement.hpp"
#include "release/changelog.hpp"
#include "release/markdown.hpp"
#include "release/release_template.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace herald::release;

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // The first line names the version to look for.
  const size_t newline = input.find('\n');
  const std::string_view version = input.substr(0, newline);
  const std::string_view changelog =
    newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
  if (const auto notes = read_changelog(changelog, version)) {
    if (!notes->body.empty() && changelog.find(notes->body) == std::string_view::npos) {
      std::abort();
    }
    (void)default_announcement(*notes, to_plain_text(notes->body), true);
  }
  const auto plain = to_plain_text(input);
  if (plain.items.size() < plain.section.size()) {
    std::abort(); // every section listed has an item
  }
  if (!template_problem(version)) {
    ReleaseNotes notes;
    notes.version = "1.4.0";
    notes.body = std::string(changelog);
    (void)render_template(version, notes, plain);
  }
  (void)skipped_by(ReleaseNotes{ std::string(version), "", "", "", "" },
                   { SkipRule::patch, SkipRule::prerelease });
  (void)read_release_event(input);
  return 0;
}
