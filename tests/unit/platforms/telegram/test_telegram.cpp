#include "http/transport.hpp"
#include "http_fake.hpp"
#include "testutil.hpp"

#include "platforms/platform.hpp"
#include "platforms/registry.hpp"
#include "schedule/zone.hpp"

#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

using namespace herald;
using namespace herald::platforms;
using herald::test::ClosedPort;
using herald::test::FakeRequest;
using herald::test::FakeResponse;
using herald::test::FakeServer;

namespace {

const std::string k_token = "123456789:AAH-s3cret_T0ken";
const std::string k_bot = "/bot" + k_token + "/";

FakeResponse
json(int status, std::string body)
{
  return { status, { { "Content-Type", "application/json" } }, std::move(body) };
}

// A Telegram message in chat -1001234567890 (a private supergroup unless `username` is set).
std::string
message_json(int id, const std::string& username = "", const std::string& chat = "-1001234567890")
{
  const std::string name = username.empty() ? "" : R"(,"username":")" + username + "\"";
  return R"({"message_id":)" + std::to_string(id) + R"(,"date":1764579600,"chat":{"id":)" + chat +
         R"(,"type":"supergroup","title":"Releases")" + name + "}}";
}

FakeResponse
ok(const std::string& result)
{
  return json(200, R"({"ok":true,"result":)" + result + "}");
}

// Answers every send with a new message id (from 100), getMe and getChat.
struct TelegramHandler
{
  std::shared_ptr<int> next = std::make_shared<int>(100);
  std::string username;

  FakeResponse operator()(const FakeRequest& request) const
  {
    if (!request.target.starts_with(k_bot)) {
      return json(401, R"({"ok":false,"error_code":401,"description":"Unauthorized"})");
    }
    const std::string method = request.target.substr(k_bot.size());
    if (method == "getMe") {
      return ok(R"({"id":123456789,"is_bot":true,"first_name":"Herald","username":"herald_bot"})");
    }
    if (method.starts_with("getChat")) {
      return ok(R"({"id":-1001234567890,"type":"supergroup","title":"Releases"})");
    }
    if (method == "sendMediaGroup") {
      const int first = (*next)++;
      const int second = (*next)++;
      return ok("[" + message_json(first, username) + "," + message_json(second, username) + "]");
    }
    return ok(message_json((*next)++, username));
  }
};

struct Rig
{
  FixedClock clock{ parse_rfc3339("2026-12-01T09:00:00Z").value() };
  FakeServer server;
  std::vector<std::string> log;
  std::map<std::string, std::string> env{ { "TELEGRAM_TOKEN", k_token } };
  nlohmann::json settings;
  AdapterContext context;

  explicit Rig(FakeServer::Handler handler = TelegramHandler{})
    : server(std::move(handler))
  {
    settings = { { "token_env", "TELEGRAM_TOKEN" },
                 { "chat", "-1001234567890" },
                 { "url", server.url("/") } };
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

  AccountConfig account() const { return { "tg", "telegram", settings, "/cal" }; }
  std::unique_ptr<Adapter> adapter()
  {
    return find_platform("telegram")->make_adapter(account(), context);
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

OutPost
post_of(std::vector<std::string> texts)
{
  OutPost post{ "p/tg", "p", "tg", "herald-1", {} };
  for (auto& text : texts) {
    post.parts.push_back({ std::move(text), {} });
  }
  return post;
}

bool
contains(std::string_view text, std::string_view part)
{
  return text.find(part) != std::string_view::npos;
}

std::string
check_messages(Rig& rig, nlohmann::json settings)
{
  Diagnostics diagnostics;
  const std::map<std::string, SourcePos> positions{
    { "token_env", { "c.yaml", 4, 16 } }, { "chat", { "c.yaml", 5, 11 } },
    { "url", { "c.yaml", 6, 10 } },       { "parse_mode", { "c.yaml", 7, 17 } },
    { "silent", { "c.yaml", 8, 13 } },
  };
  find_platform("telegram")
    ->check({ "tg", "telegram", std::move(settings), "/cal" }, positions, { "c.yaml", 2, 3 },
            rig.context, diagnostics);
  return test::all_messages(diagnostics);
}

} // namespace

TEST_SUITE("platforms::telegram")
{
  TEST_CASE("check: token, chat, url, parse_mode and silent")
  {
    Rig rig;
    const nlohmann::json good = { { "token_env", "TELEGRAM_TOKEN" }, { "chat", "-1001234567890" } };
    CHECK(check_messages(rig, good).empty());
    auto with = [&good](const char* key, nlohmann::json value) {
      auto settings = good;
      settings[key] = std::move(value);
      return settings;
    };
    CHECK(check_messages(rig, with("chat", "@herald_news")).empty());
    CHECK(check_messages(rig, with("chat", "12345")).empty());
    CHECK(check_messages(rig, with("parse_mode", "HTML")).empty());
    CHECK(check_messages(rig, with("silent", "true")).empty());
    CHECK(check_messages(rig, with("silent", true)).empty());
    CHECK(check_messages(rig, with("url", "http://localhost:8081")).empty());
    CHECK(contains(check_messages(rig, with("chat", "herald news")),
                   "c.yaml:5:11: error: account 'tg': 'chat' must be a numeric chat id"));
    CHECK(contains(check_messages(rig, with("parse_mode", "markdown")),
                   "c.yaml:7:17: error: account 'tg': 'parse_mode' must be HTML, MarkdownV2"));
    CHECK(contains(check_messages(rig, with("silent", "yes")),
                   "c.yaml:8:13: error: account 'tg': 'silent' must be true or false"));
    CHECK(contains(check_messages(rig, with("url", "http://example.org")),
                   "c.yaml:6:10: error: account 'tg': 'url' must be the Bot API's https:// base"));
    CHECK(contains(check_messages(rig, with("token_env", "UNSET")),
                   "c.yaml:4:16: error: account 'tg': environment variable UNSET (token_env) is "
                   "not set"));
    CHECK(contains(check_messages(rig, { { "token_env", "TELEGRAM_TOKEN" } }),
                   "c.yaml:2:3: error: account 'tg' needs 'chat:'"));
  }

  TEST_CASE("length and media rules: 4096 for text, 1024 for a caption, at most 10 photos/videos")
  {
    Rig rig;
    const auto& platform = *find_platform("telegram");
    OutPart text{ "hi", {} };
    OutPart photo{ "hi", { { "/cal/a.png", "" } } };
    CHECK(platform.message_length_rules(rig.account(), text).at(0).limit == 4096);
    CHECK(platform.message_length_rules(rig.account(), photo).at(0).limit == 1024);
    CHECK(platform.media_problems(rig.account(), photo).empty());
    OutPart many{ "hi", {} };
    for (int i = 0; i < 11; ++i) {
      many.media.push_back({ "/cal/a.jpg", "" });
    }
    CHECK(platform.media_problems(rig.account(), many) ==
          std::vector<std::string>{ "11 media files in one message; Telegram takes at most 10 "
                                    "(split them over the parts of a thread)" });
    OutPart gif{ "hi", { { "/cal/a.gif", "" }, { "/cal/b.mp4", "" } } };
    CHECK(platform.media_problems(rig.account(), gif) ==
          std::vector<std::string>{ "'a.gif' (image/gif) cannot be sent; herald sends JPEG, PNG "
                                    "and WebP images as photos and MP4 files as videos" });
  }

  TEST_CASE("sendMessage: the token in the path only, plain text, chat id as a number")
  {
    Rig rig;
    const auto published = rig.adapter()->publish(post_of({ "hello <b>world</b>" }));
    REQUIRE(published);
    CHECK(published->remote_id == "-1001234567890/100");
    CHECK(published->url == "https://t.me/c/1234567890/100");
    const auto seen = rig.server.requests();
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].method == "POST");
    CHECK(seen[0].target == k_bot + "sendMessage");
    CHECK(seen[0].header("Content-Type") == "application/json");
    CHECK_FALSE(seen[0].header("Authorization"));
    CHECK(nlohmann::json::parse(seen[0].body) ==
          nlohmann::json{ { "chat_id", -1001234567890LL }, { "text", "hello <b>world</b>" } });
    CHECK_FALSE(rig.log.empty());
    CHECK(contains(rig.all_log(), "sendMessage"));
    CHECK_FALSE(contains(rig.all_log(), k_token));
  }

  TEST_CASE("settings: @channel, parse_mode and silent; a public chat links by username")
  {
    TelegramHandler handler;
    handler.username = "herald_news";
    Rig rig(handler);
    rig.settings["chat"] = "@herald_news";
    rig.settings["parse_mode"] = "HTML";
    rig.settings["silent"] = "true";
    const auto published = rig.adapter()->publish(post_of({ "<b>hi</b>" }));
    REQUIRE(published);
    CHECK(published->url == "https://t.me/herald_news/100");
    CHECK(nlohmann::json::parse(rig.server.requests().at(0).body) ==
          nlohmann::json{ { "chat_id", "@herald_news" },
                          { "text", "<b>hi</b>" },
                          { "parse_mode", "HTML" },
                          { "disable_notification", true } });
  }

  TEST_CASE("a private chat has no link")
  {
    Rig rig([](const FakeRequest&) { return ok(message_json(7, "", "42")); });
    rig.settings["chat"] = "42";
    const auto published = rig.adapter()->publish(post_of({ "hi" }));
    REQUIRE(published);
    CHECK(published->remote_id == "42/7");
    CHECK(published->url.empty());
  }

  TEST_CASE("a thread: each part replies to the one before")
  {
    Rig rig;
    const auto published = rig.adapter()->publish(post_of({ "one", "two", "three" }));
    REQUIRE(published);
    CHECK(published->remote_id == "-1001234567890/100");
    const auto seen = rig.server.requests();
    REQUIRE(seen.size() == 3);
    CHECK_FALSE(nlohmann::json::parse(seen[0].body).contains("reply_parameters"));
    CHECK(nlohmann::json::parse(seen[1].body)["reply_parameters"] ==
          nlohmann::json{ { "message_id", 100 } });
    CHECK(nlohmann::json::parse(seen[2].body)["reply_parameters"] ==
          nlohmann::json{ { "message_id", 101 } });
  }

  TEST_CASE("one photo: sendPhoto, multipart with the text as caption; no alt text")
  {
    test::TestDir dir;
    const auto picture = dir.write("pic.png", "\x89PNG fake");
    Rig rig;
    auto post = post_of({ "the caption" });
    post.parts[0].media.push_back({ picture, "a red kite" });
    const auto published = rig.adapter()->publish(post);
    REQUIRE(published);
    const auto seen = rig.server.requests();
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].target == k_bot + "sendPhoto");
    CHECK(seen[0].header("Content-Type").value_or("").starts_with("multipart/form-data"));
    const auto& body = seen[0].body;
    CHECK(contains(body, "name=\"chat_id\"\r\n\r\n-1001234567890\r\n"));
    CHECK(contains(body, "name=\"caption\"\r\n\r\nthe caption\r\n"));
    CHECK(contains(body, "name=\"photo\"; filename=\"pic.png\"\r\nContent-Type: image/png\r\n\r\n"
                         "\x89PNG fake\r\n"));
    CHECK_FALSE(contains(body, "a red kite"));
    CHECK_FALSE(contains(body, k_token));
  }

  TEST_CASE("a reply with a video: sendVideo with reply_parameters as JSON")
  {
    test::TestDir dir;
    const auto video = dir.write("clip.mp4", "mp4 data");
    Rig rig;
    auto post = post_of({ "first", "" });
    post.parts[1].media.push_back({ video, "" });
    REQUIRE(rig.adapter()->publish(post));
    const auto seen = rig.server.requests();
    REQUIRE(seen.size() == 2);
    CHECK(seen[1].target == k_bot + "sendVideo");
    CHECK(contains(seen[1].body, "name=\"reply_parameters\"\r\nContent-Type: application/json"
                                 "\r\n\r\n{\"message_id\":100}\r\n"));
    CHECK(contains(seen[1].body, "name=\"video\"; filename=\"clip.mp4\""));
    CHECK_FALSE(contains(seen[1].body, "name=\"caption\""));
  }

  TEST_CASE("several photos: sendMediaGroup with attach:// names, the caption on the first")
  {
    test::TestDir dir;
    const auto one = dir.write("one.jpg", "jpeg one");
    const auto two = dir.write("two.webp", "webp two");
    Rig rig;
    auto post = post_of({ "two pictures", "after" });
    post.parts[0].media = { { one, "" }, { two, "" } };
    const auto published = rig.adapter()->publish(post);
    REQUIRE(published);
    CHECK(published->remote_id == "-1001234567890/100");
    const auto seen = rig.server.requests();
    REQUIRE(seen.size() == 2);
    CHECK(seen[0].target == k_bot + "sendMediaGroup");
    const auto& body = seen[0].body;
    const std::string media =
      R"([{"caption":"two pictures","media":"attach://file0","type":"photo"},)"
      R"({"media":"attach://file1","type":"photo"}])";
    CHECK(contains(body, "name=\"media\"\r\nContent-Type: application/json\r\n\r\n" + media));
    CHECK(contains(body, "name=\"file0\"; filename=\"one.jpg\"\r\nContent-Type: image/jpeg"));
    CHECK(contains(body, "name=\"file1\"; filename=\"two.webp\"\r\nContent-Type: image/webp"));
    // The next part replies to the first message of the group.
    CHECK(nlohmann::json::parse(seen[1].body)["reply_parameters"]["message_id"] == 100);
  }

  TEST_CASE("refused before sending: a long caption, too many files, a GIF")
  {
    Rig rig;
    auto post = post_of({ std::string(1025, 'x') });
    post.parts[0].media.push_back({ "/cal/a.png", "" });
    auto published = rig.adapter()->publish(post);
    REQUIRE_FALSE(published);
    CHECK(published.error().kind == PublishError::Kind::permanent);
    CHECK(published.error().message ==
          "telegram: caption too long: text is 1025 UTF-16 code units, the limit is 1024");
    published = rig.adapter()->publish(post_of({ "ok", std::string(4097, 'x') }));
    REQUIRE_FALSE(published);
    CHECK(contains(published.error().message, "the limit is 4096 (part 2 of 2)"));
    post = post_of({ "gif" });
    post.parts[0].media.push_back({ "/cal/a.gif", "" });
    published = rig.adapter()->publish(post);
    REQUIRE_FALSE(published);
    CHECK(contains(published.error().message, "'a.gif' (image/gif) cannot be sent"));
    CHECK(rig.server.request_count() == 0);
  }

  TEST_CASE("errors: 429 waits retry_after, 401/403/404 are auth, 400 permanent, 5xx maybe sent")
  {
    struct Case
    {
      int status;
      std::string body;
      PublishError::Kind kind;
      std::string message;
    };
    const std::vector<Case> cases{
      { 429,
        R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 17",)"
        R"("parameters":{"retry_after":17}})",
        PublishError::Kind::rate_limited,
        "telegram: sendMessage: HTTP 429: Too Many Requests: retry after 17" },
      { 401, R"({"ok":false,"error_code":401,"description":"Unauthorized"})",
        PublishError::Kind::auth, "telegram: sendMessage: HTTP 401: Unauthorized" },
      { 403,
        R"({"ok":false,"error_code":403,"description":"Forbidden: bot was kicked from the )"
        R"(supergroup chat"})",
        PublishError::Kind::auth,
        "telegram: sendMessage: HTTP 403: Forbidden: bot was kicked from the supergroup chat" },
      { 404, R"({"ok":false,"error_code":404,"description":"Not Found"})", PublishError::Kind::auth,
        "telegram: sendMessage: HTTP 404: Not Found (is the bot token right?)" },
      { 400, R"({"ok":false,"error_code":400,"description":"Bad Request: chat not found"})",
        PublishError::Kind::permanent,
        "telegram: sendMessage: HTTP 400: Bad Request: chat not found" },
      { 400,
        R"({"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded )"
        R"(to a supergroup chat","parameters":{"migrate_to_chat_id":-1009876}})",
        PublishError::Kind::permanent,
        "telegram: sendMessage: HTTP 400: Bad Request: group chat was upgraded to a supergroup "
        "chat (the group is now the supergroup -1009876: set 'chat: \"-1009876\"')" },
      { 502, "<html>Bad Gateway</html>", PublishError::Kind::maybe_sent,
        "telegram: sendMessage: HTTP 502" },
      { 200, R"({"ok":true,"result":true})", PublishError::Kind::maybe_sent,
        "telegram: sendMessage: ok:true without a message id and chat" },
    };
    for (const auto& c : cases) {
      CAPTURE(c.body);
      Rig rig([&c](const FakeRequest&) { return json(c.status, c.body); });
      const auto published = rig.adapter()->publish(post_of({ "hi" }));
      REQUIRE_FALSE(published);
      CHECK(published.error().kind == c.kind);
      CHECK(published.error().message == c.message);
      if (c.status == 429) {
        CHECK(published.error().retry_after == rig.clock.now() + std::chrono::seconds(17));
      }
    }
  }

  TEST_CASE("the token never appears in errors or the -v log, even when echoed or unreachable")
  {
    SUBCASE("echoed by the server")
    {
      Rig rig([](const FakeRequest&) {
        return json(400,
                    R"({"ok":false,"error_code":400,"description":"bad token )" + k_token + "\"}");
      });
      const auto published = rig.adapter()->publish(post_of({ "hi" }));
      REQUIRE_FALSE(published);
      CHECK_FALSE(contains(published.error().message, k_token));
      CHECK_FALSE(contains(rig.all_log(), k_token));
      CHECK(contains(rig.all_log(), "/bot***/sendMessage"));
    }
    SUBCASE("nothing listening")
    {
      ClosedPort closed;
      Rig rig;
      rig.settings["url"] = "http://127.0.0.1:" + std::to_string(closed.port());
      const auto published = rig.adapter()->publish(post_of({ "hi" }));
      REQUIRE_FALSE(published);
      CHECK(published.error().kind == PublishError::Kind::not_sent);
      CHECK_FALSE(contains(published.error().message, k_token));
      CHECK_FALSE(contains(rig.all_log(), k_token));
    }
    SUBCASE("the answer is lost")
    {
      Rig rig([](const FakeRequest&) {
        FakeResponse response;
        response.close_without_answer = true;
        return response;
      });
      const auto published = rig.adapter()->publish(post_of({ "hi" }));
      REQUIRE_FALSE(published);
      CHECK(published.error().kind == PublishError::Kind::maybe_sent);
      CHECK_FALSE(contains(published.error().message, k_token));
    }
  }

  TEST_CASE("a thread cut short after its first part is maybe sent")
  {
    int calls = 0;
    Rig rig([&calls](const FakeRequest& request) {
      if (++calls == 2) {
        return json(400, R"({"ok":false,"error_code":400,"description":"Bad Request: x"})");
      }
      return TelegramHandler{}(request);
    });
    const auto published = rig.adapter()->publish(post_of({ "one", "two" }));
    REQUIRE_FALSE(published);
    CHECK(published.error().kind == PublishError::Kind::maybe_sent);
    CHECK(published.error().message ==
          "telegram: thread cut short: part 2 of 2 failed after part 1 was posted as "
          "https://t.me/c/1234567890/100: telegram: sendMessage: HTTP 400: Bad Request: x");
  }

  TEST_CASE("verify: getMe names the bot, getChat the chat; nothing is posted")
  {
    Rig rig;
    const auto who = rig.adapter()->verify();
    REQUIRE(who);
    CHECK(who->detail == "@herald_bot, chat 'Releases'");
    const auto seen = rig.server.requests();
    REQUIRE(seen.size() == 2);
    CHECK(seen[0].target == k_bot + "getMe");
    CHECK(seen[1].target == k_bot + "getChat?chat_id=-1001234567890");

    Rig refused([](const FakeRequest&) {
      return json(401, R"({"ok":false,"error_code":401,"description":"Unauthorized"})");
    });
    const auto bad = refused.adapter()->verify();
    REQUIRE_FALSE(bad);
    CHECK(bad.error().kind == PublishError::Kind::auth);
    CHECK(bad.error().message == "telegram: getMe: HTTP 401: Unauthorized");
  }
}
