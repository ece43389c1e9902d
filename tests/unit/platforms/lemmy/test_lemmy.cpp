#include "platforms/lemmy/lemmy.hpp"
#include "platforms/post.hpp"
#include "schedule/zone.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace herald;
using namespace herald::platforms;
using namespace herald::platforms::lemmy;

TEST_SUITE("platforms::lemmy")
{
  TEST_CASE("title_problems: a title of 3 to 200 characters on one line; no drafts")
  {
    OutArticle article;
    article.title = "herald 2.0";
    CHECK(title_problems(article).empty());
    SUBCASE("missing")
    {
      article.title = "";
      const auto problems = title_problems(article);
      REQUIRE(problems.size() == 1);
      CHECK(problems[0].key == "title");
      CHECK(problems[0].message == "a Lemmy post needs 'title:'");
    }
    SUBCASE("characters, not bytes: 200 of 'é' fit, 201 do not")
    {
      std::string title;
      for (int i = 0; i < 200; ++i) {
        title += "é";
      }
      article.title = title;
      CHECK(title_problems(article).empty());
      article.title = title + "é";
      REQUIRE(title_problems(article).size() == 1);
      CHECK(title_problems(article)[0].message ==
            "the title is 201 characters; Lemmy takes 3 to 200");
    }
    SUBCASE("trimmed before counting, as Lemmy does")
    {
      article.title = "  ab  ";
      REQUIRE(title_problems(article).size() == 1);
      CHECK(title_problems(article)[0].message ==
            "the title is 2 characters; Lemmy takes 3 to 200");
    }
    SUBCASE("two lines")
    {
      article.title = "one\ntwo";
      CHECK(title_problems(article)[0].message == "a Lemmy title is one line");
    }
    SUBCASE("a link that is not http(s), and a draft")
    {
      article.link = "ftp://example.com/x";
      article.published = false;
      const auto problems = title_problems(article);
      REQUIRE(problems.size() == 2);
      CHECK(problems[0].key == "link");
      CHECK(problems[1].key == "published");
    }
  }

  TEST_CASE("trimmed: as Lemmy trims a title")
  {
    CHECK(trimmed("  a title \t\n") == "a title");
    CHECK(trimmed(" \n ").empty());
    CHECK(trimmed("x") == "x");
  }

  TEST_CASE("body_rule: 50,000 UTF-16 units")
  {
    CHECK_FALSE(text::too_long(std::string(50'000, 'a'), body_rule()));
    CHECK(text::too_long(std::string(50'001, 'a'), body_rule()));
    std::string emoji;
    for (int i = 0; i < 25'001; ++i) {
      emoji += "\U0001F600"; // two UTF-16 units each
    }
    CHECK(text::too_long(emoji, body_rule()));
  }

  TEST_CASE("is_community_name: name@instance")
  {
    CHECK(is_community_name("technology@lemmy.world"));
    CHECK_FALSE(is_community_name("technology"));
    CHECK_FALSE(is_community_name("@lemmy.world"));
    CHECK_FALSE(is_community_name("technology@"));
    CHECK_FALSE(is_community_name("a@b@c"));
    CHECK_FALSE(is_community_name("a b@c"));
    CHECK_FALSE(is_community_name("!technology@lemmy.world"));
  }

  TEST_CASE("lemmy_error and login_refused")
  {
    CHECK(lemmy_error(R"({"error":"couldnt_find_community"})").code == "couldnt_find_community");
    CHECK(lemmy_error(R"({"error":"x","message":"why"})").message == "why");
    CHECK(lemmy_error("<html>").code.empty());
    http::Response response;
    response.status = 400;
    response.body = R"({"error":"not_logged_in"})";
    CHECK(login_refused(response));
    response.body = R"({"error":"incorrect_login"})";
    CHECK(login_refused(response));
    response.body = R"({"error":"invalid_post_title"})";
    CHECK_FALSE(login_refused(response));
    response.status = 401;
    response.body = "";
    CHECK(login_refused(response));
  }

  TEST_CASE("path_ids: the ancestors and the comment, without the post's 0")
  {
    CHECK(path_ids("0.12") == std::vector<int64_t>{ 12 });
    CHECK(path_ids("0.12.34") == std::vector<int64_t>{ 12, 34 });
    CHECK(path_ids("0").empty());
    CHECK(path_ids("").empty());
    CHECK(path_ids("1.2").empty());
    CHECK(path_ids("0.x").empty());
    CHECK(path_ids("0..3").empty());
    // Depth first: an answer sorts right after what it answers, before the next sibling.
    CHECK(path_ids("0.12.34") < path_ids("0.13"));
    CHECK(path_ids("0.12") < path_ids("0.12.34"));
    CHECK(path_ids("0.9") < path_ids("0.10"));
  }

  TEST_CASE("parse_time: with an offset (0.19) or without (UTC, before)")
  {
    const auto at = parse_rfc3339("2026-12-01T08:00:05Z");
    REQUIRE(at);
    CHECK(parse_time("2026-12-01T08:00:05.123456Z") == *at);
    CHECK(parse_time("2026-12-01T08:00:05.123456") == *at);
    CHECK(parse_time("2026-12-01T09:00:05+01:00") == *at);
    CHECK_FALSE(parse_time("yesterday"));
  }

  TEST_CASE("handle_of: name@host of the actor id")
  {
    CHECK(handle_of({ { "name", "ada" }, { "actor_id", "https://lemmy.world/u/ada" } }) ==
          "ada@lemmy.world");
    CHECK(handle_of({ { "name", "ada" } }) == "ada");
  }

  TEST_CASE("jwt_file: under lemmy/, named by the user and the instance")
  {
    const auto path = jwt_file("/state", "herald", "https://lemmy.example");
    CHECK(path.parent_path() == "/state/lemmy");
    CHECK(path.filename().string().starts_with("herald@lemmy.example"));
    CHECK(jwt_file("", "herald", "https://lemmy.example").empty());
  }
}
