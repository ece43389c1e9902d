#include "platforms/devto/devto.hpp"
#include "platforms/post.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace herald;
using namespace herald::platforms;
using namespace herald::platforms::devto;
using namespace std::chrono_literals;

TEST_SUITE("platforms::devto")
{
  const TimePoint now{ std::chrono::sys_days{ std::chrono::year{ 2026 } / 12 / 6 } };

  TEST_CASE("article_request: the envelope, published always sent, optional keys only when set")
  {
    OutArticle article;
    article.title = "Herald 2.0";
    article.published = false;
    CHECK(article_request(article, "# Hi\n") == nlohmann::json{ { "article",
                                                                  { { "title", "Herald 2.0" },
                                                                    { "body_markdown", "# Hi\n" },
                                                                    { "published", false } } } });
    article.published = true;
    article.tags = { "release", "cpp" };
    article.series = "Releases";
    article.canonical_url = "https://example.com/a";
    article.link = "https://example.com/ignored";
    CHECK(article_request(article, "text") ==
          nlohmann::json{ { "article",
                            { { "title", "Herald 2.0" },
                              { "body_markdown", "text" },
                              { "published", true },
                              { "tags", { "release", "cpp" } },
                              { "series", "Releases" },
                              { "canonical_url", "https://example.com/a" } } } });
  }

  TEST_CASE("article_problems: a title is required and at most 128 characters; at most 4 tags")
  {
    OutArticle article;
    auto problems = article_problems(article);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].key == "title");
    article.title = std::string(128, 'x');
    CHECK(article_problems(article).empty());
    article.title = std::string(64, 'x') + std::string(64, 'x') + "\xc3\xa9";
    problems = article_problems(article);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].message == "the title is 129 characters, dev.to takes at most 128");
    article.title = "ok";
    article.tags = { "a", "b", "c", "d" };
    CHECK(article_problems(article).empty());
    article.tags.emplace_back("e");
    problems = article_problems(article);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].key == "tags");
    CHECK(problems[0].message == "5 tags, a dev.to article takes at most 4");
  }

  TEST_CASE("message_problems: media are refused, text alone is not")
  {
    CHECK(message_problems(OutPart{ "text", {} }).empty());
    const auto problems = message_problems(OutPart{ "text", { OutMedia{ "/a/shot.png", "" } } });
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].find("cannot upload media") != std::string::npos);
  }

  TEST_CASE("answer_error: Forem's message; 401 auth, 422 permanent, 429 at Retry-After, 5xx")
  {
    const std::vector<std::string> secrets{ "k3y" };
    http::Response response;
    response.status = 422;
    response.body = R"({"error": "Title is blank: k3y", "status": 422})";
    auto error = answer_error(response, "devto: POST /api/articles", secrets, now);
    CHECK(error.kind == PublishError::Kind::permanent);
    CHECK(error.message == "devto: POST /api/articles: HTTP 422: Title is blank: ***");
    response.status = 401;
    response.body = R"({"error": "unauthorized", "status": 401})";
    CHECK(answer_error(response, "w", secrets, now).kind == PublishError::Kind::auth);
    response.status = 429;
    response.headers.push_back({ "Retry-After", "30" });
    error = answer_error(response, "w", secrets, now);
    CHECK(error.kind == PublishError::Kind::rate_limited);
    REQUIRE(error.retry_after);
    CHECK(*error.retry_after == now + 30s);
    response.status = 502;
    response.headers.clear();
    response.body = "<html>bad gateway</html>";
    error = answer_error(response, "w", secrets, now);
    CHECK(error.kind == PublishError::Kind::maybe_sent);
    CHECK(error.message == "w: HTTP 502");
    CHECK(forem_error("[1]").empty());
  }

  TEST_CASE("same_title and is_our_article: the title, white space aside; published since")
  {
    CHECK(same_title("Herald 2.0", "Herald 2.0"));
    CHECK(same_title(" Herald  2.0\n", "Herald 2.0"));
    CHECK_FALSE(same_title("Herald 2.0", "herald 2.0"));
    CHECK_FALSE(same_title("Herald 2.0", "Herald 2.0!"));
    CHECK_FALSE(same_title("", ""));
    const auto since = now - 1h;
    CHECK(
      is_our_article({ { "title", "T" }, { "published_at", "2026-12-06T00:00:00Z" } }, "T", since));
    // A few minutes early: the instance's clock may lag.
    CHECK(
      is_our_article({ { "title", "T" }, { "published_at", "2026-12-05T22:57:00Z" } }, "T", since));
    CHECK_FALSE(
      is_our_article({ { "title", "T" }, { "published_at", "2026-11-01T00:00:00Z" } }, "T", since));
    CHECK(is_our_article({ { "title", "T" }, { "published_at", nullptr } }, "T", since));
    CHECK_FALSE(is_our_article({ { "title", "U" }, { "published_at", nullptr } }, "T", since));
    CHECK_FALSE(is_our_article(nlohmann::json::array(), "T", since));
  }

  TEST_CASE("names: @username as a whole handle")
  {
    CHECK(names("cc @herald, thanks", "herald"));
    CHECK(names("@herald", "herald"));
    CHECK_FALSE(names("@heraldry is a craft", "herald"));
    CHECK_FALSE(names("@herald_bot hi", "herald"));
    CHECK(names("@heraldry and @herald.", "herald"));
    CHECK_FALSE(names("herald", "herald"));
    CHECK_FALSE(names("@", ""));
  }

  TEST_CASE("comment_url: the commenter's path and the id_code")
  {
    CHECK(comment_url("https://dev.to", "ada", "2k9f") == "https://dev.to/ada/comment/2k9f");
  }
}
