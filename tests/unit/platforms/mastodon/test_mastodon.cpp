#include "testutil.hpp"

#include "platforms/conversations.hpp"
#include "platforms/platform.hpp"
#include "platforms/registry.hpp"

#include <doctest/doctest.h>

#include <deque>
#include <map>

using namespace herald;
using namespace herald::platforms;

namespace {

// Answers from a script, in order, and records what was sent.
struct ScriptedTransport : http::HttpTransport
{
  std::deque<http::Response>* script;
  std::vector<http::Request>* sent;

  Result<http::Response, http::TransportError> send(const http::Request& request) override
  {
    sent->push_back(request);
    if (script->empty()) {
      return unexpected(http::TransportError{ http::TransportError::Kind::not_sent, "no script" });
    }
    auto response = script->front();
    script->pop_front();
    return response;
  }
};

struct Harness
{
  std::deque<http::Response> script;
  std::vector<http::Request> sent;
  FixedClock clock{ TimePoint{} };
  AdapterContext context;

  Harness()
  {
    context.getenv = [](std::string_view name) -> std::optional<std::string> {
      return name == "TOKEN" ? std::optional<std::string>("tok") : std::nullopt;
    };
    context.clock = &clock;
    context.make_transport = [this] {
      auto transport = std::make_unique<ScriptedTransport>();
      transport->script = &script;
      transport->sent = &sent;
      return transport;
    };
  }

  std::unique_ptr<Adapter> adapter(nlohmann::json settings = nlohmann::json::object())
  {
    settings["token_env"] = "TOKEN";
    settings["url"] = "http://127.0.0.1:9/";
    // Without flavor: the adapter first asks the server what it is (e2e test_flavors.py).
    if (!settings.contains("flavor")) {
      settings["flavor"] = "mastodon";
    }
    return find_platform("mastodon")
      ->make_adapter({ "masto", "mastodon", settings, "/cal" }, context);
  }
};

http::Response
json_response(int status, std::string body)
{
  return { status, { { "Content-Type", "application/json" } }, std::move(body) };
}

OutPost
post_of(std::vector<std::string> texts)
{
  OutPost post{ "p/masto", "p", "masto", "herald-key", {} };
  for (auto& text : texts) {
    post.parts.push_back({ std::move(text), {} });
  }
  return post;
}

std::string
check_messages(nlohmann::json settings)
{
  Harness h;
  Diagnostics diagnostics;
  find_platform("mastodon")
    ->check({ "masto", "mastodon", std::move(settings), "/cal" }, {}, SourcePos{}, h.context,
            diagnostics);
  return test::all_messages(diagnostics);
}

} // namespace

TEST_SUITE("platforms::mastodon")
{
  TEST_CASE("check: token, url, visibility and max_chars")
  {
    CHECK(check_messages({ { "token_env", "TOKEN" } }).empty());
    CHECK(check_messages({}).find("token_env") != std::string::npos);
    CHECK(check_messages({ { "token_env", "UNSET" } }).find("UNSET") != std::string::npos);
    CHECK(
      check_messages({ { "token_env", "TOKEN" }, { "url", "http://example.org" } }).find("'url'") !=
      std::string::npos);
    CHECK(check_messages({ { "token_env", "TOKEN" }, { "url", "http://localhost:3000" } }).empty());
    CHECK(check_messages({ { "token_env", "TOKEN" }, { "visibility", "followers" } })
            .find("'visibility'") != std::string::npos);
    CHECK(check_messages({ { "token_env", "TOKEN" }, { "max_chars", 0 } }).find("'max_chars'") !=
          std::string::npos);
    CHECK(check_messages({ { "token_env", "TOKEN" }, { "max_chars", "1000" } }).empty());
  }

  TEST_CASE("a status: token, key and body; the result is its id and url")
  {
    Harness h;
    h.script.push_back(json_response(200, R"({"id":"7","url":"https://m.example/@a/7"})"));
    const auto result = h.adapter()->publish(post_of({ "hello" }));
    REQUIRE(result);
    CHECK(result->remote_id == "7");
    CHECK(result->url == "https://m.example/@a/7");
    REQUIRE(h.sent.size() == 1);
    const auto& r = h.sent[0];
    CHECK(r.url == "http://127.0.0.1:9/api/v1/statuses");
    CHECK(std::find(r.secrets.begin(), r.secrets.end(), "tok") != r.secrets.end());
    const auto body = nlohmann::json::parse(r.body);
    CHECK(body["status"] == "hello");
    CHECK(body["visibility"] == "public");
  }

  TEST_CASE("text that is not valid UTF-8 is sent with U+FFFD, never thrown on")
  {
    // Found by tests/fuzz/fuzz_mastodon (corpus/mastodon/invalid-utf8-text): the JSON body threw
    // nlohmann's type_error 316 out of publish().
    Harness h;
    h.script.push_back(json_response(200, R"({"id":"7","url":"https://m.example/@a/7"})"));
    const auto result = h.adapter()->publish(post_of({ "caf\xe9" }));
    REQUIRE(result);
    REQUIRE(h.sent.size() == 1);
    CHECK(nlohmann::json::parse(h.sent[0].body)["status"] == "caf\xef\xbf\xbd");
  }

  TEST_CASE("a server that echoes the token never gets it into a message or the state")
  {
    // Found by tests/fuzz/fuzz_mastodon (corpus/mastodon/echoed-token): the thread's first URL
    // and the server's error text were quoted as they came.
    Harness h;
    h.script.push_back(json_response(200, R"({"id":"7","url":"https://m.example/tok/7"})"));
    h.script.push_back(json_response(401, R"({"error":"bad credential: Bearer tok"})"));
    const auto result = h.adapter()->publish(post_of({ "one", "two" }));
    REQUIRE_FALSE(result);
    CHECK(result.error().message ==
          "mastodon: POST /api/v1/statuses: HTTP 401: bad credential: Bearer *** (part 2 of 2; "
          "the thread starts at https://m.example/***/7)");

    h.script.push_back(json_response(200, R"({"id":"8","url":"https://m.example/tok/8"})"));
    CHECK(h.adapter()->publish(post_of({ "one" }))->url == "https://m.example/***/8");
  }

  TEST_CASE("engage follows a next-page link only on the instance itself")
  {
    // Found by tests/fuzz/fuzz_mastodon (corpus/mastodon/link-elsewhere): the Link header's next
    // page was asked for wherever it pointed, with the account's token.
    const std::string mention =
      R"([{"id":"500","type":"mention","created_at":"2026-12-01T08:30:00Z","status":)"
      R"({"id":"9","content":"<p>hi</p>","account":{"id":"2","acct":"ada"}}}])";
    const auto page = [&](std::string next) {
      auto response = json_response(200, mention);
      response.headers.push_back({ "Link", "<" + next + ">; rel=\"next\"" });
      return response;
    };
    for (const std::string elsewhere :
         { "https://evil.example/api/v1/notifications?max_id=500",
           "http://127.0.0.1:99/api/v1/notifications", "http://127.0.0.1:9@evil.example/",
           "http://127.0.0.1:9/api/v1/notifications?max_id=5\x98" }) {
      CAPTURE(elsewhere);
      Harness h;
      h.script.push_back(json_response(200, R"({"id":"1","acct":"herald"})"));
      h.script.push_back(page(elsewhere));
      auto source = make_mastodon_conversations(
        { "masto",
          "mastodon",
          { { "token_env", "TOKEN" }, { "url", "http://127.0.0.1:9/" } },
          "/" },
        h.context);
      const auto inbox = source->inbox("", TimePoint{});
      REQUIRE_FALSE(inbox);
      CHECK(inbox.error().message.find("is not on http://127.0.0.1:9; not followed (the token "
                                       "goes to the instance only)") != std::string::npos);
      CHECK(h.sent.size() == 2);
    }

    Harness h;
    h.script.push_back(json_response(200, R"({"id":"1","acct":"herald"})"));
    h.script.push_back(page("http://127.0.0.1:9/api/v1/notifications?max_id=500"));
    h.script.push_back(json_response(200, "[]"));
    auto source = make_mastodon_conversations(
      { "masto", "mastodon", { { "token_env", "TOKEN" }, { "url", "http://127.0.0.1:9/" } }, "/" },
      h.context);
    const auto inbox = source->inbox("", TimePoint{});
    REQUIRE(inbox);
    CHECK(inbox->messages.size() == 1);
    REQUIRE(h.sent.size() == 3);
    CHECK(h.sent[2].url == "http://127.0.0.1:9/api/v1/notifications?max_id=500");
  }

  TEST_CASE("a 2xx without an id is maybe sent")
  {
    Harness h;
    h.script.push_back(json_response(200, "{}"));
    const auto result = h.adapter()->publish(post_of({ "hello" }));
    REQUIRE_FALSE(result);
    CHECK(result.error().kind == PublishError::Kind::maybe_sent);
  }

  TEST_CASE("a thread: a failing part names itself and where the thread starts")
  {
    Harness h;
    h.script.push_back(json_response(200, R"({"id":"1","url":"https://m.example/1"})"));
    h.script.push_back(json_response(422, R"({"error":"Validation failed: nope"})"));
    const auto result = h.adapter()->publish(post_of({ "one", "two" }));
    REQUIRE_FALSE(result);
    CHECK(result.error().kind == PublishError::Kind::permanent);
    CHECK(result.error().message ==
          "mastodon: POST /api/v1/statuses: HTTP 422: Validation failed: nope (part 2 of 2; the "
          "thread starts at https://m.example/1)");
    REQUIRE(h.sent.size() == 2);
    CHECK(nlohmann::json::parse(h.sent[1].body)["in_reply_to_id"] == "1");
  }

  TEST_CASE("too long for the instance: refused before anything is sent")
  {
    Harness h;
    const auto result =
      h.adapter({ { "max_chars", 10 } })->publish(post_of({ "short", "far too long here" }));
    REQUIRE_FALSE(result);
    CHECK(result.error().kind == PublishError::Kind::permanent);
    CHECK(result.error().message.find("part 2 of 2") != std::string::npos);
    CHECK(result.error().message.find("the limit is 10") != std::string::npos);
    CHECK(h.sent.empty());
  }
}

namespace {

// One status of GET /api/v1/accounts/:id/statuses, as Mastodon renders it.
nlohmann::json
status_of(const std::string& id, const char* created_at, const std::string& content)
{
  return { { "id", id },
           { "url", "https://social.example/@herald/" + id },
           { "created_at", created_at },
           { "content", content } };
}

// A full page of 40 statuses, ids from `first` down, all at `created_at`.
std::string
full_page(int first, const char* created_at)
{
  auto page = nlohmann::json::array();
  for (int i = 0; i < 40; ++i) {
    page.push_back(status_of(std::to_string(first - i), created_at, "<p>someone else</p>"));
  }
  return page.dump();
}

} // namespace

TEST_SUITE("platforms::mastodon: finding an earlier copy")
{
  const char* k_account = R"({"id":"7","acct":"herald"})";

  TEST_CASE("the source decides; content that cannot show the text spares the request")
  {
    Harness h;
    h.script.push_back(json_response(200, k_account));
    auto page = nlohmann::json::array(
      { status_of("30", "2026-12-01T08:05:00.000Z", "<p>by hand</p>"),
        // A remote mention shows as @bob, a link's text across spans: still a candidate.
        status_of("29", "2026-12-01T08:00:01.000Z",
                  "<p>v2 &amp; out <span class=\"h-card\"><a href=\"https://b.example/@bob\">"
                  "@<span>bob</span></a></span> <a href=\"https://ex.org/n\"><span "
                  "class=\"invisible\">https://</span><span>ex.org/n</span></a></p>") });
    h.script.push_back(json_response(200, page.dump()));
    h.script.push_back(
      json_response(200, R"({"id":"29","text":"v2 & out @bob@b.example https://ex.org/n"})"));
    auto adapter = h.adapter();
    CHECK(adapter->ledger() == "recent statuses");
    const auto found =
      adapter->find_earlier(post_of({ "v2 & out @bob@b.example https://ex.org/n" }),
                            parse_rfc3339("2026-11-24T08:00:00Z").value());
    REQUIRE(found);
    REQUIRE(*found);
    CHECK((*found)->remote_id == "29");
    CHECK((*found)->url == "https://social.example/@herald/29");
    REQUIRE(h.sent.size() == 3);
    CHECK(h.sent[1].url ==
          "http://127.0.0.1:9/api/v1/accounts/7/statuses?limit=40&exclude_reblogs=true");
    CHECK(h.sent[2].url == "http://127.0.0.1:9/api/v1/statuses/29/source");
  }

  TEST_CASE("pages down with max_id and stops at the look-back")
  {
    Harness h;
    h.script.push_back(json_response(200, k_account));
    h.script.push_back(json_response(200, full_page(100, "2026-11-30T00:00:00.000Z")));
    auto older =
      nlohmann::json::array({ status_of("60", "2026-11-25T00:00:00.000Z", "<p>someone else</p>"),
                              status_of("59", "2026-11-20T00:00:00.000Z", "<p>hello</p>") });
    h.script.push_back(json_response(200, older.dump()));
    const auto found = h.adapter()->find_earlier(post_of({ "hello" }),
                                                 parse_rfc3339("2026-11-24T08:00:00Z").value());
    REQUIRE(found);
    CHECK_FALSE(*found); // status 59 is older than the look-back: not asked for
    REQUIRE(h.sent.size() == 3);
    CHECK(h.sent[2].url ==
          "http://127.0.0.1:9/api/v1/accounts/7/statuses?limit=40&exclude_reblogs=true&max_id=61");
  }

  TEST_CASE("at most five pages: beyond them a look-up finds nothing, a recovery cannot tell")
  {
    const auto since = parse_rfc3339("2026-11-24T08:00:00Z").value();
    const auto script = [](Harness& h) {
      h.script.push_back(json_response(200, k_account));
      for (int page = 0; page < 5; ++page) {
        h.script.push_back(json_response(200, full_page(1000 - 40 * page, "2026-11-30T00:00:00Z")));
      }
    };
    Harness ledger;
    script(ledger);
    const auto found = ledger.adapter()->find_earlier(post_of({ "hello" }), since);
    REQUIRE(found);
    CHECK_FALSE(*found);
    CHECK(ledger.sent.size() == 6);

    Harness recovery;
    script(recovery);
    const auto unsure = recovery.adapter()->find_published(post_of({ "hello" }), since);
    REQUIRE_FALSE(unsure);
    CHECK(unsure.error().message ==
          "mastodon: the account posted more than 200 statuses since; not all were searched");
  }

  TEST_CASE("a thread is found by its first part before a first send, never after a crash")
  {
    const auto since = parse_rfc3339("2026-11-24T08:00:00Z").value();
    Harness h;
    h.script.push_back(json_response(200, k_account));
    auto reply = status_of("31", "2026-12-01T08:00:02.000Z", "<p>one</p>");
    reply["in_reply_to_id"] = "12";
    auto root = status_of("30", "2026-12-01T08:00:01.000Z", "<p>one</p>");
    root["in_reply_to_id"] = nullptr;
    h.script.push_back(json_response(200, nlohmann::json::array({ reply, root }).dump()));
    h.script.push_back(json_response(200, R"({"id":"30","text":"one"})"));
    const auto found = h.adapter()->find_earlier(post_of({ "one", "two" }), since);
    REQUIRE(found);
    REQUIRE(*found);
    CHECK((*found)->remote_id == "30"); // the reply with the same text is not the thread
    CHECK(h.sent.size() == 3);

    Harness recovery;
    const auto unsure = recovery.adapter()->find_published(post_of({ "one", "two" }), since);
    REQUIRE_FALSE(unsure);
    CHECK(unsure.error().message == "mastodon: a thread is not looked for after a crash");
    CHECK(recovery.sent.empty());
  }

  TEST_CASE("a failing look-up is an error, never a guess")
  {
    Harness h;
    h.script.push_back(json_response(200, k_account));
    h.script.push_back(json_response(503, R"({"error":"Service Unavailable"})"));
    const auto found = h.adapter()->find_earlier(post_of({ "hello" }),
                                                 parse_rfc3339("2026-11-24T08:00:00Z").value());
    REQUIRE_FALSE(found);
    CHECK(
      found.error().message.starts_with("mastodon: GET /api/v1/accounts/:id/statuses: HTTP 503"));
  }
}
