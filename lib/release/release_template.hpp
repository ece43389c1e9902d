#pragma once

#include "changelog.hpp"
#include "markdown.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// `release:` in a calendar: the text of a release's announcement from a template with named
// fields, and the releases that are not announced at all (herald-calendar(5)).
namespace herald::release {

// The fields a template may name, in the order the manual lists them.
const std::vector<std::string_view>& template_fields();

// What is wrong with `text` as a template, or nothing: every `{` opens a known field (`{{` and
// `}}` are the braces themselves).
std::optional<std::string> template_problem(std::string_view text);

// `text` with each field replaced: {version}, {name} (the release's name, else "Version" and
// the version), {date}, {url}, {summary}, {notes} (all of them, plain text), {items} (every
// top-level item as a "• " line), and one per Keep a Changelog section ({added}, {changed},
// {deprecated}, {removed}, {fixed}, {security}: that section's items as "• " lines). A field
// with nothing in it leaves no blank lines behind: runs of them become one, and the text is
// trimmed. `text` must have passed template_problem().
std::string render_template(std::string_view text, const ReleaseNotes& notes,
                            const PlainNotes& plain);

// The releases a calendar does not announce (`skip:`).
enum class SkipRule
{
  patch,      // 1.4.1: a third number other than 0
  prerelease, // 1.5.0-rc.1 (a SemVer pre-release), or a GitHub release marked as one
};

std::optional<SkipRule> parse_skip_rule(std::string_view word);
std::string_view to_string(SkipRule rule);

// The first rule of `rules` that `notes` falls under, if any.
std::optional<SkipRule> skipped_by(const ReleaseNotes& notes, const std::vector<SkipRule>& rules);

} // namespace herald::release
