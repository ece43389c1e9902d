#include "platforms/matrix/matrix.hpp"
#include "platforms/post.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace herald;
using namespace herald::platforms::matrix;
using namespace std::chrono_literals;

TEST_SUITE("platforms::matrix")
{
  const TimePoint now{ std::chrono::sys_days{ std::chrono::year{ 2026 } / 12 / 6 } };

  TEST_CASE("txn_id: stable per job, part and event; the key kept when it is path-safe")
  {
    CHECK(txn_id("herald-0123abcd-2", 0, 0) == "herald-0123abcd-2.0.0");
    CHECK(txn_id("herald-0123abcd-2", 1, 0) == "herald-0123abcd-2.1.0");
    CHECK(txn_id("herald-0123abcd-2", 1, 2) == "herald-0123abcd-2.1.2");
    CHECK(txn_id("k", 0, 0) != txn_id("k", 0, 1));
    SUBCASE("a key with other characters is hashed, the same way every time")
    {
      const auto id = txn_id("a key/with?slashes", 0, 0);
      CHECK(id == txn_id("a key/with?slashes", 0, 0));
      CHECK(id != txn_id("a key/with?slashes!", 0, 0));
      CHECK(id.starts_with("herald-h"));
      CHECK(id.find_first_of(" /?") == std::string::npos);
    }
  }

  TEST_CASE("formatted_body: escaped, links as <a href>, line breaks as <br/>")
  {
    CHECK(formatted_body("a <b> & \"c\"") == "a &lt;b&gt; &amp; \"c\"");
    CHECK(formatted_body("one\ntwo") == "one<br/>two");
    CHECK(formatted_body("see https://example.com/a?b=1&c=\"2\". done") ==
          "see <a href=\"https://example.com/a?b=1&amp;c=&quot;2&quot;\">"
          "https://example.com/a?b=1&amp;c=\"2\"</a>. done");
    CHECK(formatted_body("bell\x01 here") == "bell here");
    CHECK(formatted_body("@alice and #tag") == "@alice and #tag");
  }

  TEST_CASE("text_content: the plain body beside the formatted one")
  {
    const auto content = text_content("hi https://x.org");
    CHECK(content["msgtype"] == "m.text");
    CHECK(content["body"] == "hi https://x.org");
    CHECK(content["format"] == "org.matrix.custom.html");
    CHECK(content["formatted_body"] == "hi <a href=\"https://x.org\">https://x.org</a>");
  }

  TEST_CASE("body_rule: a body at the limit, of the worst characters, makes an event under "
            "65,536 bytes with its envelope")
  {
    CHECK(k_max_body_bytes == 5120);
    CHECK(body_rule().unit == text::LengthRule::Unit::bytes);
    const auto content_bytes = [](const std::string& text) {
      return platforms::dump_json(text_content(text)).size();
    };
    const std::string link = "https://a.example/?";
    for (const char c : { '&', '"', '<', '\\', '\x01', '\n' }) {
      const std::string inside = link + std::string(k_max_body_bytes - link.size(), c);
      const std::string alone(k_max_body_bytes, c);
      CAPTURE(int(c));
      CHECK(content_bytes(inside) <= k_max_event_bytes - k_envelope_margin);
      CHECK(content_bytes(alone) <= k_max_event_bytes - k_envelope_margin);
    }
  }

  TEST_CASE("event_url: a matrix.to link with the ids percent-encoded")
  {
    CHECK(event_url("!room:example.org", "$abc") ==
          "https://matrix.to/#/%21room%3Aexample.org/%24abc");
  }

  TEST_CASE("matrix_error and retry_at: Retry-After before retry_after_ms")
  {
    http::Response r;
    r.status = 429;
    r.body = R"({"errcode":"M_LIMIT_EXCEEDED","error":"Too many","retry_after_ms":1500})";
    const auto error = matrix_error(r.body);
    CHECK(error.errcode == "M_LIMIT_EXCEEDED");
    CHECK(error.error == "Too many");
    CHECK(error.retry_after_ms == 1500);
    CHECK(retry_at(r, now) == now + 2s);
    r.headers.push_back({ "Retry-After", "30" });
    CHECK(retry_at(r, now) == now + 30s);
    SUBCASE("a huge wait is clamped; nothing given, nothing")
    {
      r.headers.clear();
      r.body = R"({"errcode":"M_LIMIT_EXCEEDED","retry_after_ms":999999999999})";
      CHECK(retry_at(r, now) == now + std::chrono::hours(1));
      r.body = R"({"errcode":"M_LIMIT_EXCEEDED"})";
      CHECK_FALSE(retry_at(r, now).has_value());
      CHECK(matrix_error("not json").errcode.empty());
    }
  }

  TEST_CASE("is_room_id and is_room_alias")
  {
    CHECK(is_room_id("!abc:example.org"));
    CHECK_FALSE(is_room_id("#abc:example.org"));
    CHECK_FALSE(is_room_id("!abc"));
    CHECK_FALSE(is_room_id("!:example.org"));
    CHECK(is_room_alias("#news:example.org"));
    CHECK_FALSE(is_room_alias("news"));
    CHECK_FALSE(is_room_alias("#news:"));
  }
}
