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

TEST_SUITE("platforms::matrix")
{
  TEST_CASE("plain_body drops an old client's reply fallback, only on a reply")
  {
    const auto reply = nlohmann::json::parse(
      R"({"msgtype":"m.text","body":"> <@a:x.org> hi\n> there\n\nhello back",
          "m.relates_to":{"m.in_reply_to":{"event_id":"$p"}}})");
    CHECK(plain_body(reply) == "hello back");
    const auto quote = nlohmann::json::parse(R"({"msgtype":"m.text","body":"> a quote\n\nmine"})");
    CHECK(plain_body(quote) == "> a quote\n\nmine");
  }

  TEST_CASE("mentions: m.mentions, the user id in the body, or a pill in the formatted body")
  {
    const std::string me = "@herald:example.org";
    CHECK(mentions(
      nlohmann::json::parse(R"({"body":"hi","m.mentions":{"user_ids":["@herald:example.org"]}})"),
      me));
    CHECK(mentions(nlohmann::json::parse(R"({"body":"hi @herald:example.org"})"), me));
    CHECK(mentions(
      nlohmann::json::parse(
        R"({"body":"hi herald","formatted_body":"hi <a href=\"https://matrix.to/#/%40herald:example.org\">herald</a>"})"),
      me));
    CHECK_FALSE(mentions(nlohmann::json::parse(R"({"body":"hi herald"})"), me));
    CHECK_FALSE(mentions(nlohmann::json::parse(R"({"body":"hi @herald:example.org"})"), ""));
    CHECK_FALSE(mentions(nlohmann::json::parse(R"({"body":"@herald:example.org.evil"})"), me));
    CHECK(mentions(nlohmann::json::parse(R"({"body":"thanks @herald:example.org."})"), me));
  }

  TEST_CASE("parent_of and thread_root_of")
  {
    const auto in_thread = nlohmann::json::parse(
      R"({"m.relates_to":{"rel_type":"m.thread","event_id":"$root","is_falling_back":true,
          "m.in_reply_to":{"event_id":"$latest"}}})");
    CHECK(parent_of(in_thread) == "$latest");
    CHECK(thread_root_of(in_thread) == "$root");
    const auto bare_thread =
      nlohmann::json::parse(R"({"m.relates_to":{"rel_type":"m.thread","event_id":"$root"}})");
    CHECK(parent_of(bare_thread) == "$root");
    const auto reply =
      nlohmann::json::parse(R"({"m.relates_to":{"m.in_reply_to":{"event_id":"$p"}}})");
    CHECK(parent_of(reply) == "$p");
    CHECK(thread_root_of(reply).empty());
    CHECK(parent_of(nlohmann::json::parse(R"({"body":"x"})")).empty());
  }

  TEST_CASE("message_of: a message event as engage shows it; other events and redactions none")
  {
    const auto event = nlohmann::json::parse(
      R"({"type":"m.room.message","event_id":"$e1","sender":"@ada:x.org","origin_server_ts":1764576000123,
          "content":{"msgtype":"m.text","body":"hi @herald:example.org",
                     "m.relates_to":{"m.in_reply_to":{"event_id":"$p"}}}})");
    const auto m = message_of(event, "!r:x.org", "@herald:example.org");
    REQUIRE(m);
    CHECK(m->id == "$e1");
    CHECK(m->author == "@ada:x.org");
    CHECK_FALSE(m->ours);
    CHECK(m->text == "hi @herald:example.org");
    CHECK(m->created_at == TimePoint(std::chrono::seconds(1764576000)));
    CHECK(m->in_reply_to == "$p");
    CHECK(m->addressed.mention);
    CHECK(m->url == "https://matrix.to/#/%21r%3Ax.org/%24e1");
    auto ours = event;
    ours["sender"] = "@herald:example.org";
    const auto own = message_of(ours, "!r:x.org", "@herald:example.org");
    REQUIRE(own);
    CHECK(own->ours);
    CHECK_FALSE(own->addressed.mention);
    auto redacted = event;
    redacted["content"] = nlohmann::json::object();
    CHECK_FALSE(message_of(redacted, "!r:x.org", "@herald:example.org"));
    auto member = event;
    member["type"] = "m.room.member";
    CHECK_FALSE(message_of(member, "!r:x.org", "@herald:example.org"));
  }
}
