#include "testutil.hpp"

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
