#include "platforms/linkedin/comments.hpp"

#include <doctest/doctest.h>

using namespace herald::platforms;

namespace {

const std::string k_post = "urn:li:share:7100000000000000001";
const std::string k_me = "urn:li:person:abc123XYZ";
const std::string k_first = "urn:li:comment:(urn:li:activity:7100000000000000001,72001)";
const std::string k_nested = "urn:li:comment:(urn:li:activity:7100000000000000001,72002)";

nlohmann::json
comment(const std::string& urn, const std::string& actor, const std::string& parent = "")
{
  nlohmann::json c = { { "$URN", urn },
                       { "actor", actor },
                       { "object", k_post },
                       { "message", { { "text", "does it keep (my) calendar?" } } },
                       { "created", { { "actor", actor }, { "time", 1764576000123 } } } };
  if (!parent.empty()) {
    c["parentComment"] = parent;
  }
  return c;
}

} // namespace

TEST_SUITE("platforms::linkedin::comments")
{
  TEST_CASE("a stranger's first-level comment answers the post and is said to us")
  {
    const auto c = linkedin::parse_comment(comment(k_first, "urn:li:person:bob"), k_post, k_me);
    REQUIRE(c);
    CHECK(c->message.id == k_first);
    CHECK(c->message.in_reply_to == k_post);
    CHECK(c->message.cid == k_first); // an answer to it names it as parentComment
    CHECK(c->message.author == "urn:li:person:bob");
    CHECK(c->message.text == "does it keep (my) calendar?"); // comments are not little text
    CHECK_FALSE(c->message.ours);
    CHECK(c->message.addressed.reply);
    CHECK(c->created_ms == 1764576000123);
    CHECK(c->message.created_at.time_since_epoch().count() == 1764576000);
    CHECK(c->message.url ==
          "https://www.linkedin.com/feed/update/urn:li:share:7100000000000000001/?commentUrn="
          "urn%3Ali%3Acomment%3A%28urn%3Ali%3Aactivity%3A7100000000000000001%2C72001%29");
  }

  TEST_CASE("a nested reply answers its parent comment, and an answer to it goes there too")
  {
    const auto c =
      linkedin::parse_comment(comment(k_nested, "urn:li:person:bob", k_first), k_post, k_me);
    REQUIRE(c);
    CHECK(c->message.in_reply_to == k_first);
    CHECK(c->message.cid == k_first);
  }

  TEST_CASE("our own comment is ours and waits for nobody")
  {
    auto element = comment(k_nested, k_me, k_first);
    element.erase("$URN");
    element["commentUrn"] = k_nested; // the older name of the same field
    const auto c = linkedin::parse_comment(element, k_post, k_me);
    REQUIRE(c);
    CHECK(c->message.id == k_nested);
    CHECK(c->message.ours);
    CHECK_FALSE(c->message.addressed.any());
  }

  TEST_CASE("an element without a comment URN, or of another shape, is no comment")
  {
    CHECK_FALSE(linkedin::parse_comment(nlohmann::json::object(), k_post, k_me));
    CHECK_FALSE(linkedin::parse_comment(nlohmann::json::array({ 1, 2 }), k_post, k_me));
    const auto odd = linkedin::parse_comment(
      { { "$URN", k_first }, { "message", "text" }, { "created", { { "time", "soon" } } } }, k_post,
      k_me);
    REQUIRE(odd);
    CHECK(odd->message.text.empty());
    CHECK(odd->created_ms == 0);
  }

  TEST_CASE("a post: its commentary as shown, unescaped")
  {
    const auto post = linkedin::parse_post({ { "id", k_post },
                                             { "author", k_me },
                                             { "commentary", "herald \\(v2\\) \\#release" },
                                             { "createdAt", 1764576000000 } },
                                           k_me);
    REQUIRE(post);
    CHECK(post->ours);
    CHECK(post->text == "herald (v2) #release");
    CHECK(post->url == "https://www.linkedin.com/feed/update/urn:li:share:7100000000000000001/");
    CHECK_FALSE(linkedin::parse_post({ { "author", k_me } }, k_me));
    CHECK(linkedin::unescape_little_text("a\\\\b \\_c\\_ d\\") == "a\\b _c_ d\\");
  }

  TEST_CASE("a comment URN names the entity it is on")
  {
    CHECK(linkedin::commented_entity(k_first) == "urn:li:activity:7100000000000000001");
    CHECK(linkedin::commented_entity("urn:li:comment:(urn:li:ugcPost:5,6)") == "urn:li:ugcPost:5");
    CHECK_FALSE(linkedin::commented_entity(k_post));
    CHECK_FALSE(linkedin::commented_entity("urn:li:comment:(nothing)"));
    CHECK_FALSE(linkedin::commented_entity("urn:li:comment:(,6)"));
    CHECK(linkedin::is_comment(k_first));
    CHECK_FALSE(linkedin::is_comment(k_post));
  }

  TEST_CASE("paging: by the total when given, else by a full page")
  {
    CHECK(linkedin::has_more({ { "paging", { { "total", 150 } } } }, 0, 100));
    CHECK_FALSE(linkedin::has_more({ { "paging", { { "total", 150 } } } }, 100, 100));
    CHECK_FALSE(linkedin::has_more({ { "paging", { { "total", 100 } } } }, 0, 100));
    CHECK(linkedin::has_more({ { "elements", nlohmann::json::array({ 1, 2 }) } }, 0, 2));
    CHECK_FALSE(linkedin::has_more({ { "elements", nlohmann::json::array({ 1 }) } }, 0, 2));
  }
}
