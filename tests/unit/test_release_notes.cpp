#include "release/announcement.hpp"
#include "release/changelog.hpp"
#include "release/markdown.hpp"
#include "release/release_template.hpp"

#include <doctest/doctest.h>

using namespace herald::release;

namespace {

// Shaped like real Keep a Changelog files: an intro, Unreleased, versions with subsections,
// nested lists, code spans, links, emoji, and the link definitions at the end.
constexpr const char* k_changelog = R"(# Changelog

All notable changes to this project will be documented in this file.

The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.1.0/).

## [Unreleased]

- Something not out yet.

## [1.4.0] - 2026-12-01

Threads split themselves, and release notes become posts. 🎉

### Added

- `split: thread` cuts a long post into a thread ([#42](https://github.com/h/h/pull/42)).
- **Dry runs** of `herald post`:
  - per account, with the counts
  - and no state touched
- Link cards on Bluesky <https://bsky.app>.

### Fixed

- A crash when the state's directory was read-only (\*rare\*).

## 1.3.2

### Fixed

- Nothing much.

[Unreleased]: https://github.com/h/h/compare/v1.4.0...HEAD
[1.4.0]: https://github.com/h/h/compare/v1.3.2...v1.4.0
)";

} // namespace

TEST_SUITE("release::notes")
{
  TEST_CASE("a Keep a Changelog section, its date and its link")
  {
    const auto notes = read_changelog(k_changelog, "v1.4.0");
    REQUIRE(notes);
    CHECK(notes->version == "1.4.0");
    CHECK(notes->date == "2026-12-01");
    CHECK(notes->url == "https://github.com/h/h/compare/v1.3.2...v1.4.0");
    CHECK(notes->body.starts_with("Threads split themselves"));
    CHECK(notes->body.ends_with("(\\*rare\\*)."));

    const auto plain = read_changelog(k_changelog, "1.3.2");
    REQUIRE(plain);
    CHECK(plain->body == "### Fixed\n\n- Nothing much.");
    CHECK(plain->url.empty());
  }

  TEST_CASE("a missing version names the versions the file has")
  {
    const auto notes = read_changelog(k_changelog, "1.5.0");
    REQUIRE_FALSE(notes);
    CHECK(notes.error() ==
          "the changelog has no section for version 1.5.0 (it has: Unreleased, 1.4.0, 1.3.2)");
    CHECK(read_changelog("# Changelog\n\nnothing\n", "1.0").error() ==
          "the changelog has no section for version 1.0 (it has no '## ' version headings)");
  }

  TEST_CASE("Markdown becomes plain text without Markdown syntax")
  {
    const auto notes = read_changelog(k_changelog, "1.4.0");
    REQUIRE(notes);
    const auto plain = to_plain_text(notes->body);
    CHECK(plain.text == "Threads split themselves, and release notes become posts. 🎉\n"
                        "\n"
                        "Added:\n"
                        "• split: thread cuts a long post into a thread "
                        "(#42 (https://github.com/h/h/pull/42)).\n"
                        "• Dry runs of herald post:\n"
                        "  • per account, with the counts\n"
                        "  • and no state touched\n"
                        "• Link cards on Bluesky https://bsky.app.\n"
                        "\n"
                        "Fixed:\n"
                        "• A crash when the state's directory was read-only (*rare*).");
    CHECK(plain.summary == "Threads split themselves, and release notes become posts. 🎉");
    CHECK(plain.items.size() == 4);
    CHECK(plain.section.at("added").size() == 3);
    CHECK(plain.section.at("fixed") ==
          std::vector<std::string>{ "A crash when the state's directory was read-only (*rare*)." });
  }

  TEST_CASE("inline Markdown")
  {
    CHECK(inline_text("see [the docs](https://x.org/d \"Docs\")") ==
          "see the docs (https://x.org/d)");
    CHECK(inline_text("[https://x.org](https://x.org)") == "https://x.org");
    CHECK(inline_text("![logo](logo.png) and [ref][1]") == "logo and ref");
    CHECK(inline_text("**bold**, *em*, __strong__, ~~gone~~ and `a * b`") ==
          "bold, em, strong, gone and a * b");
    CHECK(inline_text("snake_case_name stays, 2 * 3 too") == "snake_case_name stays, 2 * 3 too");
    CHECK(inline_text("<!-- x --> kept as text here") == "<!-- x --> kept as text here");
  }

  TEST_CASE("without a paragraph the summary is the first items; comments go")
  {
    const auto plain =
      to_plain_text("<!-- generated -->\n### Added\n- one\n- two\n- three\n- four\n");
    CHECK(plain.summary == "• one\n• two\n• three");
    CHECK(plain.text == "Added:\n• one\n• two\n• three\n• four");
  }

  TEST_CASE("a GitHub release event")
  {
    const auto notes = read_release_event(
      R"({"action":"published","release":{"tag_name":"v2.0.0","name":"herald 2.0",)"
      R"("body":"- one\r\n- two","html_url":"https://github.com/h/h/releases/tag/v2.0.0"}})");
    REQUIRE(notes);
    CHECK(notes->version == "2.0.0");
    CHECK(notes->name == "herald 2.0");
    CHECK(notes->url == "https://github.com/h/h/releases/tag/v2.0.0");
    CHECK(to_plain_text(notes->body).text == "• one\n• two");
    CHECK(read_release_event("[]").error() == "the release event is not a JSON object");
    CHECK(read_release_event(R"({"release":{}})").error() == "the release event has no 'tag_name'");
  }

  TEST_CASE("the default announcement: short for microblogs, whole for chats")
  {
    ReleaseNotes notes{ "1.4.0", "", "", "https://x.org/1.4.0", "Intro.\n\n- a\n- b" };
    const auto plain = to_plain_text(notes.body);
    CHECK(default_announcement(notes, plain, true) ==
          "Version 1.4.0 is out\n\nIntro.\n\nhttps://x.org/1.4.0");
    notes.name = "herald 1.4.0";
    CHECK(default_announcement(notes, plain, false) ==
          "herald 1.4.0 is out\n\nIntro.\n\n• a\n• b\n\nhttps://x.org/1.4.0");
    CHECK(wants_short_form(500));
    CHECK_FALSE(wants_short_form(2000));
    CHECK_FALSE(wants_short_form(0));
  }

  TEST_CASE("a template's fields, its braces and the blank lines an empty field leaves")
  {
    const ReleaseNotes notes{ "1.4.0", "", "2026-12-01", "https://x.org/1.4.0",
                              "Intro.\n\n### Added\n- a\n- b\n\n### Fixed\n- c\n" };
    const auto plain = to_plain_text(notes.body);
    CHECK(render_template("{name} ({date}) {{beta}}: {summary}\n{url}", notes, plain) ==
          "Version 1.4.0 (2026-12-01) {beta}: Intro.\nhttps://x.org/1.4.0");
    CHECK(render_template("New:\n{added}\n\nFixed:\n{fixed}\n\n{security}\n\n\n{url}  ", notes,
                          plain) == "New:\n• a\n• b\n\nFixed:\n• c\n\nhttps://x.org/1.4.0");
    CHECK(render_template("{items}", notes, plain) == "• a\n• b\n• c");
    CHECK(render_template("{version}: {notes}", notes, plain) ==
          "1.4.0: Intro.\n\nAdded:\n• a\n• b\n\nFixed:\n• c");
  }

  TEST_CASE("a template naming an unknown field or with a stray brace is refused")
  {
    CHECK_FALSE(template_problem("{name} {{x}} {fixed} {security}"));
    CHECK(template_problem("{nmae} is out")
            ->starts_with("has an unknown field '{nmae}' (known: "
                          "{version}, {name}, {date}, {url}, "));
    CHECK(*template_problem("{name is out") ==
          "has a '{' without '}' (write '{{' for the brace itself)");
    CHECK(*template_problem("name} is out") ==
          "has a '}' that no '{' opens (write '}}' for the brace itself)");
  }

  TEST_CASE("skip rules: patch releases and pre-releases")
  {
    const auto release = [](std::string version, bool prerelease = false) {
      ReleaseNotes notes;
      notes.version = std::move(version);
      notes.prerelease = prerelease;
      return notes;
    };
    const std::vector<SkipRule> both{ SkipRule::patch, SkipRule::prerelease };
    CHECK_FALSE(skipped_by(release("1.4.0"), both));
    CHECK_FALSE(skipped_by(release("2.0"), both));
    CHECK_FALSE(skipped_by(release("1.4.0+build.7"), both));
    CHECK(skipped_by(release("1.4.1"), both) == SkipRule::patch);
    CHECK(skipped_by(release("1.4.10"), both) == SkipRule::patch);
    CHECK(skipped_by(release("1.5.0-rc.1"), both) == SkipRule::prerelease);
    CHECK(skipped_by(release("1.5.0", true), both) == SkipRule::prerelease);
    CHECK_FALSE(skipped_by(release("1.4.1"), { SkipRule::prerelease }));
    CHECK_FALSE(skipped_by(release("1.5.0-rc.1"), { SkipRule::patch }));
    CHECK(parse_skip_rule("patch") == SkipRule::patch);
    CHECK_FALSE(parse_skip_rule("major"));
  }

  TEST_CASE("a GitHub release marked as a pre-release")
  {
    const auto notes =
      read_release_event(R"({"release":{"tag_name":"v2.0.0","prerelease":true,"body":""}})");
    REQUIRE(notes);
    CHECK(notes->prerelease);
  }
}
