#include "platforms/registry.hpp"
#include "schedule/zone.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

using namespace herald;
using namespace herald::platforms;

namespace {

// Answers from a queue of canned responses and records every request.
struct CannedTransport : http::HttpTransport
{
  std::shared_ptr<std::vector<http::Request>> sent;
  std::shared_ptr<std::vector<http::Response>> answers;

  Result<http::Response, http::TransportError> send(const http::Request& request) override
  {
    sent->push_back(request);
    if (answers->empty()) {
      return unexpected(http::TransportError{ http::TransportError::Kind::not_sent, "no answer" });
    }
    auto answer = answers->front();
    answers->erase(answers->begin());
    return answer;
  }
};

struct Rig
{
  FixedClock clock{ parse_rfc3339("2026-12-01T09:00:00Z").value() };
  std::shared_ptr<std::vector<http::Request>> sent = std::make_shared<std::vector<http::Request>>();
  std::shared_ptr<std::vector<http::Response>> answers =
    std::make_shared<std::vector<http::Response>>();
  std::string webhook = "https://discord.com/api/webhooks/123/tok3n?foo=1&wait=false";

  std::unique_ptr<Adapter> adapter()
  {
    AdapterContext context;
    context.clock = &clock;
    context.getenv = [this](std::string_view) { return std::optional<std::string>(webhook); };
    context.make_transport = [this] {
      auto transport = std::make_unique<CannedTransport>();
      transport->sent = sent;
      transport->answers = answers;
      return transport;
    };
    const AccountConfig account{ "disco", "discord", { { "webhook_env", "HOOK" } }, "/cal" };
    return find_platform("discord")->make_adapter(account, context);
  }
};

OutPost
post_of(std::vector<std::string> texts)
{
  OutPost post{ "p/disco", "p", "disco", "herald-1", {} };
  for (auto& text : texts) {
    post.parts.push_back({ std::move(text), {} });
  }
  return post;
}

http::Response
message(const std::string& id)
{
  return { 200, {}, R"({"id": ")" + id + R"(", "channel_id": "9"})" };
}

} // namespace

TEST_SUITE("platforms::discord")
{
  TEST_CASE("wait=true replaces any wait in the query; the secret is only the token")
  {
    Rig rig;
    rig.answers->push_back(message("42"));
    const auto published = rig.adapter()->publish(post_of({ "hi" }));
    REQUIRE(published);
    CHECK(published->remote_id == "42");
    CHECK(published->url == "https://discord.com/channels/@me/9/42");
    REQUIRE(rig.sent->size() == 1);
    CHECK(rig.sent->at(0).url == "https://discord.com/api/webhooks/123/tok3n?foo=1&wait=true");
    CHECK(rig.sent->at(0).secrets == std::vector<std::string>{ "tok3n" });
  }

  TEST_CASE("429 waits for retry_after from the body, rounded up")
  {
    Rig rig;
    rig.answers->push_back({ 429, {}, R"({"message": "slow down", "retry_after": 1.2})" });
    const auto published = rig.adapter()->publish(post_of({ "hi" }));
    REQUIRE(!published);
    CHECK(published.error().kind == PublishError::Kind::rate_limited);
    CHECK(published.error().retry_after == rig.clock.now() + std::chrono::seconds(2));
  }

  TEST_CASE("a 2xx without a message id is not success")
  {
    Rig rig;
    rig.answers->push_back({ 204, {}, "" });
    const auto published = rig.adapter()->publish(post_of({ "hi" }));
    REQUIRE(!published);
    CHECK(published.error().kind == PublishError::Kind::maybe_sent);
    CHECK(published.error().message.find("2xx without a message id") != std::string::npos);
  }

  TEST_CASE("a message id that echoes the webhook's token is recorded with the token masked")
  {
    // Found by tests/fuzz/fuzz_discord (corpus: discord/echoed-webhook-token-in-id).
    Rig rig;
    rig.answers->push_back(
      { 200,
        {},
        R"({"id":"q096https://discord.com/api/webhooks/123/tok3nwww","channel_id":"7"})" });
    const auto published = rig.adapter()->publish(post_of({ "hi" }));
    REQUIRE(published);
    CHECK(published->remote_id.find("tok3n") == std::string::npos);
    CHECK(published->url.find("tok3n") == std::string::npos);
    CHECK(published->remote_id.find("***") != std::string::npos);
  }

  TEST_CASE("a thread cut short after its first part is maybe_sent")
  {
    Rig rig;
    rig.answers->push_back(message("1"));
    rig.answers->push_back({ 400, {}, R"({"message": "Invalid Form Body", "code": 50035})" });
    const auto published = rig.adapter()->publish(post_of({ "one", "two" }));
    REQUIRE(!published);
    CHECK(published.error().kind == PublishError::Kind::maybe_sent);
    CHECK(published.error().message.find("part 2 of 2") != std::string::npos);
  }

  TEST_CASE("a part over 2000 code points is refused before anything is sent")
  {
    Rig rig;
    const auto published = rig.adapter()->publish(post_of({ "short", std::string(2001, 'x') }));
    REQUIRE(!published);
    CHECK(published.error().kind == PublishError::Kind::permanent);
    CHECK(published.error().message.find("2001") != std::string::npos);
    CHECK(published.error().message.find("2000") != std::string::npos);
    CHECK(rig.sent->empty());
  }
}
