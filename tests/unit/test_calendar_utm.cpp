#include "testutil.hpp"

#include "calendar/loader.hpp"

#include <doctest/doctest.h>

#include <string>

using herald::calendar::load_calendar;
using herald::calendar::LoadOptions;
using herald::calendar::LoadResult;
using herald::calendar::render_for;
using herald::test::all_messages;
using herald::test::TestDir;

namespace {

LoadResult
load_text(const TestDir& dir, std::string_view text)
{
  dir.write("c.yaml", text);
  LoadOptions options;
  options.check_media = false;
  return load_calendar("c.yaml", options);
}

// Lines 1-3; `defaults:` (if any) starts on line 4.
constexpr std::string_view k_accounts = "accounts:\n"
                                        "  masto: {platform: mastodon}\n"
                                        "  sky: {platform: bluesky}\n";

std::string
rendered(const LoadResult& result, size_t post, const std::string& account)
{
  REQUIRE(result.calendar);
  return render_for(result.calendar->posts.at(post), account).at(0).text;
}

} // namespace

TEST_SUITE("calendar::Utm")
{
  TEST_CASE("defaults: utm tags every post's links per platform; a post turns it off")
  {
    TestDir dir;
    const auto result =
      load_text(dir, std::string(k_accounts) + "defaults:\n"
                                               "  to: [masto, sky]\n"
                                               "  utm: {exclude: [example.net]}\n"
                                               "posts:\n"
                                               "  - id: launch\n"
                                               "    at: 2026-12-01 09:00\n"
                                               "    campaign: spring\n"
                                               "    text: See https://example.org/a and "
                                               "https://example.net/b\n"
                                               "  - id: quiet\n"
                                               "    at: 2026-12-01 09:00\n"
                                               "    utm: false\n"
                                               "    text: https://example.org/c\n");
    CHECK(all_messages(result).empty());
    CHECK(rendered(result, 0, "masto") ==
          "See https://example.org/a?utm_source=mastodon&utm_medium=social&utm_campaign=spring&"
          "utm_content=launch and https://example.net/b");
    CHECK(rendered(result, 0, "sky") ==
          "See https://example.org/a?utm_source=bluesky&utm_medium=social&utm_campaign=spring&"
          "utm_content=launch and https://example.net/b");
    CHECK(rendered(result, 1, "masto") == "https://example.org/c");
  }

  TEST_CASE("without defaults, a post's own utm: turns tagging on, keys override templates")
  {
    TestDir dir;
    const auto result = load_text(
      dir, std::string(k_accounts) + "posts:\n"
                                     "  - id: tip\n"
                                     "    at: 2026-12-01 09:00\n"
                                     "    to: [masto]\n"
                                     "    utm: {medium: fediverse, content: '{post}-{account}'}\n"
                                     "    text: https://example.org/tip\n"
                                     "  - id: plain\n"
                                     "    at: 2026-12-01 09:00\n"
                                     "    to: [masto]\n"
                                     "    text: https://example.org/plain\n");
    CHECK(all_messages(result).empty());
    CHECK(rendered(result, 0, "masto") ==
          "https://example.org/tip?utm_source=mastodon&utm_medium=fediverse&utm_campaign=tip&"
          "utm_content=tip-masto");
    CHECK(rendered(result, 1, "masto") == "https://example.org/plain");
  }

  TEST_CASE("bad utm: and campaign: values are reported where they are")
  {
    TestDir dir;
    CHECK(all_messages(load_text(dir, std::string(k_accounts) +
                                        "defaults:\n"
                                        "  to: [masto]\n"
                                        "  utm: {sorce: x, medium: '{plattform}', exclude: "
                                        "['https://example.org/']}\n"
                                        "posts:\n"
                                        "  - id: a\n"
                                        "    at: 2026-12-01 09:00\n"
                                        "    campaign: [x]\n"
                                        "    utm: {campaign: '{campaign'}\n"
                                        "    text: hi\n")) ==
          "c.yaml:6:9: error: unknown key 'sorce' in 'defaults.utm', did you mean 'source'?\n"
          "c.yaml:6:27: error: 'defaults.utm.medium' has an unknown placeholder '{plattform}' "
          "(known: {platform}, {account}, {post}, {campaign})\n"
          "c.yaml:6:52: error: 'defaults.utm.exclude[0]' must be a domain name like example.org "
          "(no scheme or path), not 'https://example.org/'\n"
          "c.yaml:10:15: error: 'posts[0].campaign' must be a string\n"
          "c.yaml:11:21: error: 'posts[0].utm.campaign' has a '{' without '}'\n");
  }
}
