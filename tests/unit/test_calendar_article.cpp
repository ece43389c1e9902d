#include "testutil.hpp"

#include "calendar/loader.hpp"
#include "platforms/post.hpp"

#include <doctest/doctest.h>

#include <string>

using herald::calendar::load_calendar;
using herald::calendar::LoadOptions;
using herald::calendar::LoadResult;
using herald::test::all_messages;
using herald::test::TestDir;

namespace {

// Lines 1-4; the first post starts on line 5.
const char* const k_prelude = "accounts:\n"
                              "  masto: {platform: mastodon}\n"
                              "defaults: {to: [masto]}\n"
                              "posts:\n";

LoadResult
load_posts(const TestDir& dir, std::string_view posts)
{
  dir.write("c.yaml", std::string(k_prelude) + std::string(posts));
  LoadOptions options;
  options.check_media = false;
  return load_calendar("c.yaml", options);
}

} // namespace

TEST_SUITE("calendar::Article")
{
  TEST_CASE("the long-form keys are read with where each was written")
  {
    TestDir dir;
    const auto loaded = load_posts(dir, "  - id: notes\n"
                                        "    at: 2026-12-01 09:00\n"
                                        "    text: The long notes\n"
                                        "    title: '  herald 2.0 is out '\n"
                                        "    link: https://example.org/2.0\n"
                                        "    tags: [release, cpp]\n"
                                        "    canonical_url: https://blog.example.org/2.0\n"
                                        "    series: Releases\n"
                                        "    published: false\n");
    REQUIRE(loaded.calendar);
    CHECK(all_messages(loaded) == "");
    const auto& article = loaded.calendar->posts.at(0).article;
    CHECK(article.title == "herald 2.0 is out");
    CHECK(article.link == "https://example.org/2.0");
    CHECK(article.tags == std::vector<std::string>{ "release", "cpp" });
    CHECK(article.canonical_url == "https://blog.example.org/2.0");
    CHECK(article.series == "Releases");
    CHECK_FALSE(article.published);
    CHECK(article.pos.at("title").line == 8);
    CHECK(article.pos.at("tags").line == 10);
    CHECK_FALSE(article.empty());
  }

  TEST_CASE("a post without them has an empty article")
  {
    TestDir dir;
    const auto loaded = load_posts(dir, "  - {id: a, at: 2026-12-01 09:00, text: hi}\n");
    REQUIRE(loaded.calendar);
    CHECK(loaded.calendar->posts.at(0).article.empty());
  }

  TEST_CASE("bad values say where and what")
  {
    TestDir dir;
    CHECK(all_messages(load_posts(dir, "  - id: a\n"
                                       "    at: 2026-12-01 09:00\n"
                                       "    text: hi\n"
                                       "    title: ''\n"
                                       "    link: example.org/page\n"
                                       "    tags: release\n"
                                       "    canonical_url: ftp://example.org\n"
                                       "    series: [a]\n"
                                       "    published: no\n")) ==
          "c.yaml:8:12: error: 'posts[0].title' must not be empty\n"
          "c.yaml:9:11: error: 'posts[0].link' must be an http or https URL, like "
          "https://example.org/page\n"
          "c.yaml:10:11: error: 'posts[0].tags' must be a list of tags, like [release, cpp]\n"
          "c.yaml:11:20: error: 'posts[0].canonical_url' must be an http or https URL, like "
          "https://example.org/page\n"
          "c.yaml:12:13: error: 'posts[0].series' must be a string\n"
          "c.yaml:13:16: error: 'posts[0].published' must be true or false\n");
  }

  TEST_CASE("a title is one line, and a tag listed twice is a warning")
  {
    TestDir dir;
    CHECK(all_messages(load_posts(dir, "  - id: a\n"
                                       "    at: 2026-12-01 09:00\n"
                                       "    text: hi\n"
                                       "    title: \"two\\nlines\"\n"
                                       "    tags: [cpp, cpp, '']\n")) ==
          "c.yaml:8:12: error: 'posts[0].title' must be one line\n"
          "c.yaml:9:17: warning: tag 'cpp' is listed twice in post 'a'\n"
          "c.yaml:9:22: error: 'posts[0].tags[2]' must not be empty\n");
  }

  TEST_CASE("the article goes through JSON unchanged, and an empty one stores nothing")
  {
    herald::platforms::OutArticle article{ "Title",      "https://example.org",
                                           { "a", "b" }, "https://c.example",
                                           "S",          false };
    const auto json = herald::platforms::to_json(article);
    const auto back = herald::platforms::article_from_json(json);
    CHECK(back.title == "Title");
    CHECK(back.link == "https://example.org");
    CHECK(back.tags == std::vector<std::string>{ "a", "b" });
    CHECK(back.canonical_url == "https://c.example");
    CHECK(back.series == "S");
    CHECK_FALSE(back.published);
    CHECK(herald::platforms::to_json(herald::platforms::OutArticle{}).dump() == "{}");
    CHECK(herald::platforms::article_from_json(nlohmann::json::array()).empty());
    CHECK(herald::platforms::article_from_json(nlohmann::json{ { "tags", "x" } }).tags.empty());
  }
}
