#include "testutil.hpp"

#include "calendar/loader.hpp"
#include "calendar/top_level_sections.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>

using herald::calendar::load_calendar;
using herald::calendar::LoadOptions;
using herald::calendar::without_top_level_block;
using herald::test::all_messages;
using herald::test::TestDir;

namespace {

size_t
lines(const std::string& text)
{
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

const char* const k_calendar = R"(timezone: UTC
posts:
- id: a
  at: 2099-01-01T09:00:00Z
  to: [m]
  text: |
    posts: not a key here
- id: b
  at: 2099-01-02T09:00:00Z
  to: [m]
  text: hi
# a comment
accounts:
  m:
    platform: stub
    dir: out
)";

} // namespace

TEST_SUITE("calendar::without_top_level_block")
{
  TEST_CASE("the posts block goes, with its compact sequence; lines and the rest stay")
  {
    const auto cut = without_top_level_block(k_calendar, "posts");
    REQUIRE(cut);
    CHECK(lines(*cut) == lines(k_calendar));
    CHECK(cut->find("id: a") == std::string::npos);
    CHECK(cut->find("id: b") == std::string::npos);
    CHECK(cut->find("timezone: UTC\n") == 0);
    CHECK(cut->find("accounts:\n  m:\n    platform: stub\n") != std::string::npos);
  }

  TEST_CASE("a block that ends the file goes with its line breaks")
  {
    CHECK(without_top_level_block("accounts: {}\nposts:\n  - a\n\n  - b\n", "posts") ==
          "accounts: {}\n");
  }

  TEST_CASE("a similar key is not the block")
  {
    const auto cut = without_top_level_block("posts_old:\n  - x\nposts :\n  - y\n", "posts");
    REQUIRE(cut);
    CHECK(cut->find("posts_old:\n  - x\n") == 0);
    CHECK(cut->find('y') == std::string::npos);
  }

  TEST_CASE("what is not plain block style is left to the parser")
  {
    for (const char* text : { "---\nposts: []\n", "{posts: []}\n", "\tposts: []\n",
                              "\"posts\": []\n", "? posts\n: []\n", "posts: []\n...\n",
                              "%YAML 1.2\n---\nposts: []\n", "posts: []\nposts: []\n" }) {
      CAPTURE(text);
      CHECK_FALSE(without_top_level_block(text, "posts"));
    }
  }
}

TEST_SUITE("calendar::load_calendar without posts")
{
  TEST_CASE("a broken post does not stop a command that reads only the accounts")
  {
    TestDir dir;
    std::string text = k_calendar;
    text.replace(text.find("to: [m]"), 7, "tooo: [m]"); // an unknown key in a post
    dir.write("herald.yaml", text);
    CHECK(load_calendar("herald.yaml").diagnostics.has_errors());
    LoadOptions settings;
    settings.read_posts = false;
    const auto loaded = load_calendar("herald.yaml", settings);
    CHECK_MESSAGE(!loaded.diagnostics.has_errors(), all_messages(loaded));
    REQUIRE(loaded.calendar);
    CHECK(loaded.calendar->posts.empty());
    CHECK(loaded.calendar->accounts.size() == 1);
    CHECK(loaded.calendar->accounts.count("m") == 1);
  }

  TEST_CASE("an unset secret is no reason to read the posts after all")
  {
    // A CI runner has the secrets of the accounts it posts to, not of every account.
    TestDir dir;
    dir.write("herald.yaml", k_calendar);
    LoadOptions settings;
    settings.read_posts = false;
    settings.check_account = [](const herald::calendar::Account& account,
                                herald::Diagnostics& diagnostics) {
      diagnostics.unset_secret({ "herald.yaml", 14, 3 }, account.name, "TOKEN is not set");
    };
    const auto loaded = load_calendar("herald.yaml", settings);
    CHECK(loaded.diagnostics.error_count() == 1);
    REQUIRE(loaded.calendar);
    CHECK(loaded.calendar->posts.empty());
  }

  TEST_CASE("an error elsewhere is reported as a full read finds it, at its place")
  {
    TestDir dir;
    std::string text = k_calendar;
    text.replace(text.find("    platform: stub\n"), 19, "    plattform: stub\n");
    text.replace(text.find("to: [m]"), 7, "tooo: [m]");
    dir.write("herald.yaml", text);
    LoadOptions settings;
    settings.read_posts = false;
    const auto messages = all_messages(load_calendar("herald.yaml", settings));
    CHECK(messages == all_messages(load_calendar("herald.yaml")));
    CHECK(messages.find("herald.yaml:15:5:") != std::string::npos); // the account's error
    CHECK(messages.find("tooo") != std::string::npos);              // the post's, from a full read
  }
}
