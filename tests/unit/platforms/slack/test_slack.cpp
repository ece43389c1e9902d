#include "http/transport.hpp"
#include "http_fake.hpp"
#include "testutil.hpp"

#include "platforms/platform.hpp"
#include "platforms/registry.hpp"
#include "schedule/zone.hpp"

#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

using namespace herald;
using namespace herald::platforms;
using herald::test::FakeRequest;
using herald::test::FakeResponse;
using herald::test::FakeServer;

namespace {

const std::string k_token = "xoxb-1234-s3cret-t0ken";
const std::string k_hook_secret = "hOoKs3cr3tXYZ";

FakeResponse
json(int status, std::string body, std::vector<std::pair<std::string, std::string>> headers = {})
{
  headers.emplace_back("Content-Type", "application/json; charset=utf-8");
  return { status, std::move(headers), std::move(body) };
}

// The real libcurl transport against a loopback FakeServer, with the -v log captured.
struct Rig
{
  FixedClock clock{ parse_rfc3339("2026-12-01T09:00:00Z").value() };
  FakeServer server;
  std::vector<std::string> log;
  std::map<std::string, std::string> env;
  AdapterContext context;

  explicit Rig(FakeServer::Handler handler)
    : server(std::move(handler))
  {
    env["SLACK_TOKEN"] = k_token;
    env["SLACK_WEBHOOK"] = server.url("/services/T0001/B0002/" + k_hook_secret);
    context.clock = &clock;
    context.getenv = [this](std::string_view name) -> std::optional<std::string> {
      const auto it = env.find(std::string(name));
      return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    context.make_transport = [this] {
      http::CurlTransportOptions options;
      options.log = [this](std::string_view line) { log.emplace_back(line); };
      return std::make_unique<http::CurlTransport>(std::move(options));
    };
  }

  AccountConfig api_account() const
  {
    return {
      "team",
      "slack",
      { { "token_env", "SLACK_TOKEN" }, { "channel", "C0123" }, { "url", server.url("/api") } },
      "/cal"
    };
  }

  AccountConfig webhook_account() const
  {
    return { "team", "slack", { { "webhook_env", "SLACK_WEBHOOK" } }, "/cal" };
  }

  std::unique_ptr<Adapter> api()
  {
    return find_platform("slack")->make_adapter(api_account(), context);
  }
  std::unique_ptr<Adapter> webhook()
  {
    return find_platform("slack")->make_adapter(webhook_account(), context);
  }

  std::string all_log() const
  {
    std::string text;
    for (const auto& line : log) {
      text += line + "\n";
    }
    return text;
  }
};

// Answers chat.postMessage with consecutive ts values and chat.getPermalink with a link.
FakeResponse
slack_api(const FakeRequest& request)
{
  static std::mutex mutex;
  static int counter = 0;
  if (request.target.starts_with("/api/chat.postMessage")) {
    std::lock_guard lock(mutex);
    ++counter;
    return json(200, R"({"ok":true,"channel":"C0123","ts":"1700000000.00000)" +
                       std::to_string(counter) + R"(","message":{"text":"x"}})");
  }
  if (request.target.starts_with("/api/chat.getPermalink")) {
    return json(200, R"({"ok":true,"channel":"C0123",)"
                     R"("permalink":"https://acme.slack.com/archives/C0123/p1700000000000001"})");
  }
  if (request.target.starts_with("/api/auth.test")) {
    return json(200, R"({"ok":true,"url":"https://acme.slack.com/","team":"Acme","user":"herald",)"
                     R"("team_id":"T1","user_id":"U1","bot_id":"B1"})");
  }
  return json(404, R"({"ok":false,"error":"unknown_method"})");
}

OutPost
post_of(std::vector<std::string> texts)
{
  OutPost post{ "p/team", "p", "team", "herald-1", {} };
  for (auto& text : texts) {
    post.parts.push_back({ std::move(text), {} });
  }
  return post;
}

std::string
check_messages(Rig& rig, nlohmann::json settings)
{
  Diagnostics diagnostics;
  const std::map<std::string, SourcePos> positions{
    { "webhook_env", { "c.yaml", 4, 18 } },
    { "token_env", { "c.yaml", 5, 16 } },
    { "channel", { "c.yaml", 6, 14 } },
    { "url", { "c.yaml", 7, 10 } },
  };
  find_platform("slack")->check({ "team", "slack", std::move(settings), "/cal" }, positions,
                                { "c.yaml", 2, 3 }, rig.context, diagnostics);
  return test::all_messages(diagnostics);
}

bool
contains(std::string_view text, std::string_view part)
{
  return text.find(part) != std::string_view::npos;
}

} // namespace

TEST_SUITE("platforms::slack")
{
  TEST_CASE("check: exactly one of webhook_env and token_env, with the setting's position")
  {
    Rig rig(slack_api);
    CHECK(check_messages(rig, { { "webhook_env", "SLACK_WEBHOOK" } }).empty());
    CHECK(check_messages(rig, { { "token_env", "SLACK_TOKEN" }, { "channel", "C0123" } }).empty());
    CHECK(
      check_messages(rig, { { "webhook_env", "SLACK_WEBHOOK" }, { "token_env", "SLACK_TOKEN" } }) ==
      "c.yaml:5:16: error: account 'team': the slack platform needs exactly one of "
      "'webhook_env:' (an incoming webhook) or 'token_env:' (a bot token, with 'channel:')\n");
    CHECK(contains(check_messages(rig, nlohmann::json::object()), "c.yaml:2:3: error: account "
                                                                  "'team': the slack platform "
                                                                  "needs exactly one"));
    CHECK(check_messages(rig, { { "token_env", "SLACK_TOKEN" } }) ==
          "c.yaml:2:3: error: account 'team': 'token_env:' needs 'channel:', the ID of the "
          "channel to post to (C0123456789)\n");
    CHECK(
      contains(check_messages(rig, { { "token_env", "SLACK_TOKEN" }, { "channel", "#general" } }),
               "c.yaml:6:14: error: account 'team': 'channel' must be a channel ID"));
    CHECK(contains(check_messages(rig, { { "webhook_env", "SLACK_WEBHOOK" }, { "channel", "C1" } }),
                   "c.yaml:6:14: error: account 'team': 'channel' needs 'token_env:'"));
    CHECK(
      contains(check_messages(rig, { { "token_env", "SLACK_TOKEN" },
                                     { "channel", "C1" },
                                     { "url", "http://example.org/api" } }),
               "c.yaml:7:10: error: account 'team': 'url' must be the Web API's https:// base"));
    CHECK(check_messages(rig, { { "token_env", "UNSET" }, { "channel", "C1" } }) ==
          "c.yaml:5:16: error: account 'team': environment variable UNSET (token_env) is not "
          "set\n");
  }

  TEST_CASE("check: a webhook URL that is not Slack's is named by its variable, never shown")
  {
    Rig rig(slack_api);
    rig.env["SLACK_WEBHOOK"] = "http://127.0.0.1:9/api/hooks/" + k_hook_secret;
    const auto messages = check_messages(rig, { { "webhook_env", "SLACK_WEBHOOK" } });
    CHECK(contains(messages, "c.yaml:4:18: error: account 'team': SLACK_WEBHOOK (webhook_env) is "
                             "not a Slack incoming webhook URL"));
    CHECK_FALSE(contains(messages, k_hook_secret));
  }

  TEST_CASE("chat.postMessage: Bearer token, JSON body, escaped text; the link from getPermalink")
  {
    Rig rig(slack_api);
    const auto published = rig.api()->publish(post_of({ "1 < 2 & 3 > 2 <!channel>" }));
    REQUIRE(published);
    CHECK(published->remote_id.starts_with("C0123/1700000000."));
    CHECK(published->url == "https://acme.slack.com/archives/C0123/p1700000000000001");
    const auto seen = rig.server.requests();
    REQUIRE(seen.size() == 2);
    CHECK(seen[0].method == "POST");
    CHECK(seen[0].target == "/api/chat.postMessage");
    CHECK(seen[0].header("Authorization") == "Bearer " + k_token);
    CHECK(seen[0].header("Content-Type") == "application/json; charset=utf-8");
    const auto body = nlohmann::json::parse(seen[0].body);
    CHECK(body == nlohmann::json{
                    { "channel", "C0123" },
                    { "text", "1 &lt; 2 &amp; 3 &gt; 2 &lt;!channel&gt;" },
                    { "metadata",
                      { { "event_type", "herald_post" },
                        { "event_payload", { { "job", "p/team" }, { "key", "herald-1" } } } } } });
    const std::string ts = published->remote_id.substr(6);
    CHECK(seen[1].method == "GET");
    CHECK(seen[1].target == "/api/chat.getPermalink?channel=C0123&message_ts=" + ts);
    CHECK(seen[1].header("Authorization") == "Bearer " + k_token);
    CHECK_FALSE(contains(rig.all_log(), k_token));
  }

  TEST_CASE("a thread: parts 2.. carry thread_ts, the first part's ts")
  {
    Rig rig(slack_api);
    const auto published = rig.api()->publish(post_of({ "one", "two", "three" }));
    REQUIRE(published);
    const auto seen = rig.server.requests();
    REQUIRE(seen.size() == 4); // three messages, then one permalink
    const std::string first_ts = published->remote_id.substr(6);
    CHECK_FALSE(nlohmann::json::parse(seen[0].body).contains("thread_ts"));
    // Only the first part carries the marker that a re-run looks for.
    CHECK(nlohmann::json::parse(seen[0].body).contains("metadata"));
    CHECK_FALSE(nlohmann::json::parse(seen[1].body).contains("metadata"));
    CHECK(nlohmann::json::parse(seen[1].body)["thread_ts"] == first_ts);
    CHECK(nlohmann::json::parse(seen[2].body)["thread_ts"] == first_ts);
    CHECK(nlohmann::json::parse(seen[2].body)["text"] == "three");
    CHECK(seen[3].target.starts_with("/api/chat.getPermalink"));
  }

  TEST_CASE("find_earlier: conversations.history since then, pages by cursor, matches metadata")
  {
    // Page 1: another job's message and one without metadata; page 2: this job's.
    Rig rig([](const FakeRequest& request) {
      if (request.target.starts_with("/api/conversations.history")) {
        if (request.target.find("cursor=") == std::string::npos) {
          return json(200, R"({"ok":true,"messages":[)"
                           R"({"type":"message","ts":"1764579000.000002","text":"x",)"
                           R"("metadata":{"event_type":"herald_post","event_payload":)"
                           R"({"job":"other/team","key":"herald-1"}}},)"
                           R"({"type":"message","ts":"1764579000.000001","text":"y"}],)"
                           R"("has_more":true,"response_metadata":{"next_cursor":"bmV4dA=="}})");
        }
        return json(200, R"({"ok":true,"messages":[)"
                         R"({"type":"message","ts":"1764500000.000009","text":"z",)"
                         R"("metadata":{"event_type":"herald_post","event_payload":)"
                         R"({"job":"p/team","key":"herald-1"}}}],)"
                         R"("has_more":false,"response_metadata":{"next_cursor":""}})");
      }
      if (request.target.starts_with("/api/chat.getPermalink")) {
        return json(200, R"({"ok":true,"permalink":"https://acme.slack.com/archives/C0123/p1"})");
      }
      return json(404, R"({"ok":false,"error":"unknown_method"})");
    });
    auto adapter = rig.api();
    CHECK(adapter->ledger() == "message metadata");
    const auto since = parse_rfc3339("2026-11-24T09:00:00Z").value();
    const auto found = adapter->find_earlier(post_of({ "hello" }), since);
    REQUIRE(found);
    REQUIRE(*found);
    CHECK((*found)->remote_id == "C0123/1764500000.000009");
    CHECK((*found)->url == "https://acme.slack.com/archives/C0123/p1");
    const auto seen = rig.server.requests();
    REQUIRE(seen.size() == 3);
    CHECK(seen[0].method == "GET");
    CHECK(seen[0].target == "/api/conversations.history?channel=C0123&oldest=" +
                              std::to_string(since.time_since_epoch().count()) +
                              "&limit=200&include_all_metadata=true");
    CHECK(seen[0].header("Authorization") == "Bearer " + k_token);
    CHECK(seen[1].target.ends_with("&cursor=bmV4dA%3D%3D"));
    CHECK(seen[2].target.starts_with("/api/chat.getPermalink?channel=C0123&message_ts="
                                     "1764500000.000009"));
  }

  TEST_CASE("find_earlier: nothing marked is not found; a refusal cannot tell; a webhook has none")
  {
    Rig rig([](const FakeRequest& request) {
      if (request.target.find("channel=C0123") != std::string::npos) {
        return json(200, R"({"ok":true,"messages":[{"type":"message","ts":"1.000001",)"
                         R"("text":"hello"}],"response_metadata":{"next_cursor":""}})");
      }
      return json(200, R"({"ok":false,"error":"missing_scope","needed":"channels:history"})");
    });
    const auto since = parse_rfc3339("2026-11-24T09:00:00Z").value();
    // The same text without the marker is someone else's message: not this job.
    const auto none = rig.api()->find_earlier(post_of({ "hello" }), since);
    REQUIRE(none);
    CHECK_FALSE(*none);

    auto account = rig.api_account();
    account.settings["channel"] = "C0999";
    const auto refused = find_platform("slack")
                           ->make_adapter(account, rig.context)
                           ->find_earlier(post_of({ "hello" }), since);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind == PublishError::Kind::auth);
    CHECK(contains(refused.error().message, "slack: conversations.history"));
    CHECK(contains(refused.error().message, "missing_scope"));
    CHECK_FALSE(contains(refused.error().message, k_token));

    CHECK(rig.webhook()->ledger().empty());
  }

  TEST_CASE("ok:false inside HTTP 200 is read, and mapped per error class")
  {
    struct Case
    {
      std::string body;
      PublishError::Kind kind;
      std::string message;
    };
    const std::vector<Case> cases{
      { R"({"ok":false,"error":"invalid_auth"})", PublishError::Kind::auth,
        "slack: chat.postMessage: invalid_auth" },
      { R"({"ok":false,"error":"token_revoked"})", PublishError::Kind::auth,
        "slack: chat.postMessage: token_revoked" },
      { R"({"ok":false,"error":"missing_scope","needed":"chat:write","provided":"users:read"})",
        PublishError::Kind::auth,
        "slack: chat.postMessage: missing_scope (needs scope chat:write)" },
      { R"({"ok":false,"error":"ratelimited"})", PublishError::Kind::rate_limited,
        "slack: chat.postMessage: ratelimited" },
      { R"({"ok":false,"error":"channel_not_found"})", PublishError::Kind::permanent,
        "slack: chat.postMessage: channel_not_found" },
      { R"({"ok":false,"error":"not_in_channel"})", PublishError::Kind::permanent,
        "slack: chat.postMessage: not_in_channel" },
      { R"({"ok":false,"error":"msg_too_long"})", PublishError::Kind::permanent,
        "slack: chat.postMessage: msg_too_long" },
      { R"({"ok":false,"error":"invalid_arguments","response_metadata":{"messages":["[ERROR] x"]}})",
        PublishError::Kind::permanent, "slack: chat.postMessage: invalid_arguments; [ERROR] x" },
      { R"({"ok":false,"error":"internal_error"})", PublishError::Kind::maybe_sent,
        "slack: chat.postMessage: internal_error" },
      { R"({"ok":false,"error":"fatal_error"})", PublishError::Kind::maybe_sent,
        "slack: chat.postMessage: fatal_error" },
      { R"({"ok":true})", PublishError::Kind::maybe_sent,
        "slack: chat.postMessage: ok:true without channel and ts" },
      { R"(<html>gateway</html>)", PublishError::Kind::maybe_sent,
        "slack: chat.postMessage: HTTP 200 without Slack's {\"ok\": ...} answer" },
    };
    for (const auto& c : cases) {
      CAPTURE(c.body);
      Rig rig([&c](const FakeRequest&) { return json(200, c.body); });
      const auto published = rig.api()->publish(post_of({ "hi" }));
      REQUIRE_FALSE(published);
      CHECK(published.error().kind == c.kind);
      CHECK(published.error().message == c.message);
      CHECK(rig.server.request_count() == 1); // no permalink call for a failed post
    }
  }

  TEST_CASE("HTTP 429 waits for Retry-After")
  {
    Rig rig([](const FakeRequest&) {
      return json(429, R"({"ok":false,"error":"ratelimited"})", { { "Retry-After", "30" } });
    });
    const auto published = rig.api()->publish(post_of({ "hi" }));
    REQUIRE_FALSE(published);
    CHECK(published.error().kind == PublishError::Kind::rate_limited);
    CHECK(published.error().retry_after == rig.clock.now() + std::chrono::seconds(30));
    CHECK(published.error().message == "slack: chat.postMessage: HTTP 429: ratelimited");
  }

  TEST_CASE("a 5xx or a dropped connection is maybe sent")
  {
    SUBCASE("500")
    {
      Rig rig([](const FakeRequest&) { return FakeResponse{ 500, {}, "oops" }; });
      const auto published = rig.api()->publish(post_of({ "hi" }));
      REQUIRE_FALSE(published);
      CHECK(published.error().kind == PublishError::Kind::maybe_sent);
    }
    SUBCASE("no answer")
    {
      Rig rig([](const FakeRequest&) {
        FakeResponse response;
        response.close_without_answer = true;
        return response;
      });
      const auto published = rig.api()->publish(post_of({ "hi" }));
      REQUIRE_FALSE(published);
      CHECK(published.error().kind == PublishError::Kind::maybe_sent);
      CHECK_FALSE(contains(published.error().message, k_token));
    }
  }

  TEST_CASE("a failing chat.getPermalink does not make the post look unpublished")
  {
    Rig rig([](const FakeRequest& request) {
      if (request.target.starts_with("/api/chat.getPermalink")) {
        return json(200, R"({"ok":false,"error":"missing_scope"})");
      }
      return slack_api(request);
    });
    const auto published = rig.api()->publish(post_of({ "hi" }));
    REQUIRE(published);
    CHECK(published->remote_id.starts_with("C0123/"));
    CHECK(published->url == "https://slack.com/app_redirect?channel=C0123");
  }

  TEST_CASE("a thread cut short after its first part is maybe sent, naming where it starts")
  {
    int calls = 0;
    Rig rig([&calls](const FakeRequest& request) {
      if (request.target.starts_with("/api/chat.postMessage") && ++calls == 2) {
        return json(200, R"({"ok":false,"error":"channel_not_found"})");
      }
      return slack_api(request);
    });
    const auto published = rig.api()->publish(post_of({ "one", "two" }));
    REQUIRE_FALSE(published);
    CHECK(published.error().kind == PublishError::Kind::maybe_sent);
    CHECK(
      contains(published.error().message,
               "slack: thread cut short: part 2 of 2 failed after part 1 was posted as C0123/"));
    CHECK(contains(published.error().message, "channel_not_found"));
  }

  TEST_CASE("a ts that echoes the token is masked in the record and in a cut-short thread")
  {
    // Found by tests/fuzz/fuzz_slack (corpus: slack/echoed-token-in-ts).
    const std::string echoed = R"({"ok":true,"channel":"C0123","ts":"179)" + k_token + R"(1"})";
    int calls = 0;
    Rig rig([&](const FakeRequest& request) {
      if (request.target.starts_with("/api/chat.postMessage")) {
        return ++calls == 2 ? json(200, R"({"ok":false,"error":"channel_not_found"})")
                            : json(200, echoed);
      }
      return json(200, R"({"ok":false,"error":"missing_scope"})");
    });
    const auto cut = rig.api()->publish(post_of({ "one", "two" }));
    REQUIRE_FALSE(cut);
    CHECK(contains(cut.error().message, "posted as C0123/179***"));
    CHECK_FALSE(contains(cut.error().message, k_token));

    const auto published = rig.api()->publish(post_of({ "one" }));
    REQUIRE(published);
    CHECK(published->remote_id == "C0123/179***1");
    CHECK_FALSE(contains(published->url, k_token));
  }

  TEST_CASE("media and too-long text are refused before anything is sent")
  {
    Rig rig(slack_api);
    auto post = post_of({ "with a picture" });
    post.parts[0].media.push_back({ "/cal/pic.png", "alt" });
    auto published = rig.api()->publish(post);
    REQUIRE_FALSE(published);
    CHECK(published.error().kind == PublishError::Kind::permanent);
    CHECK(contains(published.error().message, "media cannot be posted to Slack"));
    published = rig.webhook()->publish(post_of({ "short", std::string(40001, 'x') }));
    REQUIRE_FALSE(published);
    CHECK(published.error().message ==
          "slack: text is 40001 Unicode code points, the limit is 40000 (part 2 of 2)");
    CHECK(rig.server.request_count() == 0);
    const auto problems = find_platform("slack")->media_problems(rig.api_account(), post.parts[0]);
    REQUIRE(problems.size() == 1);
    CHECK(contains(problems[0], "herald cannot post media to Slack"));
    CHECK(find_platform("slack")->media_problems(rig.api_account(), { "text", {} }).empty());
  }

  TEST_CASE("incoming webhook: JSON text, plain-text ok; no id; the URL never shows")
  {
    Rig rig([](const FakeRequest&) {
      return FakeResponse{ 200, { { "Content-Type", "text/html" } }, "ok" };
    });
    const auto published = rig.webhook()->publish(post_of({ "one", "two" }));
    REQUIRE(published);
    CHECK(published->remote_id.empty());
    CHECK(published->url.empty());
    const auto seen = rig.server.requests();
    REQUIRE(seen.size() == 2);
    CHECK(seen[0].method == "POST");
    CHECK(seen[0].target == "/services/T0001/B0002/" + k_hook_secret);
    CHECK(nlohmann::json::parse(seen[0].body) == nlohmann::json{ { "text", "one" } });
    CHECK(nlohmann::json::parse(seen[1].body) == nlohmann::json{ { "text", "two" } });
    CHECK_FALSE(rig.log.empty());
    CHECK_FALSE(contains(rig.all_log(), k_hook_secret));
  }

  TEST_CASE("incoming webhook: plain-text error codes")
  {
    struct Case
    {
      int status;
      std::string body;
      PublishError::Kind kind;
    };
    const std::vector<Case> cases{
      { 400, "invalid_payload", PublishError::Kind::permanent },
      { 404, "channel_not_found", PublishError::Kind::permanent },
      { 410, "channel_is_archived", PublishError::Kind::permanent },
      { 403, "invalid_token", PublishError::Kind::auth },
      { 404, "no_service", PublishError::Kind::auth },
      { 500, "rollup_error", PublishError::Kind::maybe_sent },
      { 200, "something else", PublishError::Kind::maybe_sent },
    };
    for (const auto& c : cases) {
      CAPTURE(c.body);
      Rig rig([&c](const FakeRequest&) { return FakeResponse{ c.status, {}, c.body + "\n" }; });
      const auto published = rig.webhook()->publish(post_of({ "hi" }));
      REQUIRE_FALSE(published);
      CHECK(published.error().kind == c.kind);
      if (c.status != 200) {
        CHECK(published.error().message ==
              "slack: POST webhook: HTTP " + std::to_string(c.status) + ": " + c.body);
      }
      CHECK_FALSE(contains(published.error().message, k_hook_secret));
      CHECK_FALSE(contains(rig.all_log(), k_hook_secret));
    }
  }

  TEST_CASE("incoming webhook: an error text that is not UTF-8, or cut long, stays UTF-8")
  {
    Rig bad([](const FakeRequest&) { return FakeResponse{ 404, {}, "channel_\xFFnot_found" }; });
    const auto refused = bad.webhook()->publish(post_of({ "hi" }));
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message == "slack: POST webhook: HTTP 404: channel_\uFFFDnot_found");

    // 299 bytes, then an 'é' that the 300-byte cut would split: it is left out whole.
    const std::string long_text = std::string(299, 'x') + "\u00e9" + std::string(10, 'y');
    Rig cut([&](const FakeRequest&) { return FakeResponse{ 400, {}, long_text }; });
    const auto shortened = cut.webhook()->publish(post_of({ "hi" }));
    REQUIRE_FALSE(shortened);
    CHECK(shortened.error().message ==
          "slack: POST webhook: HTTP 400: " + std::string(299, 'x') + "...");
  }

  TEST_CASE("a token echoed back by the server is masked in the message")
  {
    Rig rig([](const FakeRequest&) {
      return json(200, R"({"ok":false,"error":"invalid_auth )" + k_token + R"("})");
    });
    const auto published = rig.api()->publish(post_of({ "hi" }));
    REQUIRE_FALSE(published);
    CHECK_FALSE(contains(published.error().message, k_token));
  }

  TEST_CASE("verify: auth.test with the token; a webhook is not posted to")
  {
    Rig rig(slack_api);
    const auto who = rig.api()->verify();
    REQUIRE(who);
    CHECK(who->detail == "@herald in 'Acme', channel C0123");
    CHECK(who->checked);
    auto seen = rig.server.requests();
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].method == "POST");
    CHECK(seen[0].target == "/api/auth.test");
    CHECK(seen[0].header("Authorization") == "Bearer " + k_token);

    const auto hook = rig.webhook()->verify();
    REQUIRE(hook);
    CHECK(hook->detail == "an incoming webhook cannot be checked without posting to it");
    CHECK_FALSE(hook->checked);
    CHECK(rig.server.request_count() == 1);

    Rig refused(
      [](const FakeRequest&) { return json(200, R"({"ok":false,"error":"invalid_auth"})"); });
    const auto bad = refused.api()->verify();
    REQUIRE_FALSE(bad);
    CHECK(bad.error().kind == PublishError::Kind::auth);
    CHECK(bad.error().message == "slack: auth.test: invalid_auth");
  }
}
