#include "testutil.hpp"

#include "platforms/x/client.hpp"
#include "platforms/x/upload.hpp"
#include "platforms/x/x.hpp"
#include "schedule/zone.hpp"

#include <doctest/doctest.h>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

using namespace herald;
using namespace herald::platforms;
using namespace std::chrono_literals;

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
      return unexpected(http::TransportError{ http::TransportError::Kind::maybe_sent, "lost" });
    }
    auto answer = answers->front();
    answers->erase(answers->begin());
    return answer;
  }
};

// A client with an OAuth 2.0 token over canned answers; its sleeps are recorded, not slept.
struct Rig
{
  FixedClock clock{ parse_rfc3339("2026-12-01T09:00:00Z").value() };
  std::shared_ptr<std::vector<http::Request>> sent = std::make_shared<std::vector<http::Request>>();
  std::shared_ptr<std::vector<http::Response>> answers =
    std::make_shared<std::vector<http::Response>>();
  std::vector<std::chrono::milliseconds> slept;
  AdapterContext context;
  std::unique_ptr<x::Client> client;

  Rig()
  {
    context.clock = &clock;
    context.sleep = [this](std::chrono::milliseconds duration) { slept.push_back(duration); };
    context.make_transport = [this] {
      auto transport = std::make_unique<CannedTransport>();
      transport->sent = sent;
      transport->answers = answers;
      return transport;
    };
    x::Credentials credentials;
    credentials.bearer = "t0ken";
    client = std::make_unique<x::Client>("https://api.x.com", credentials, context);
  }

  void answer(int status, std::string body, std::vector<http::Header> headers = {})
  {
    answers->push_back({ status, std::move(headers), std::move(body), {} });
  }

  std::vector<std::string> targets() const
  {
    std::vector<std::string> out;
    for (const auto& r : *sent) {
      out.push_back(r.method + " " + r.url.substr(std::string("https://api.x.com").size()));
    }
    return out;
  }
};

std::string
state(const char* name, int check_after = 5)
{
  return fmt::format(R"({{"data":{{"id":"77","processing_info":{{"state":"{}",)"
                     R"("check_after_secs":{}}}}}}})",
                     name, check_after);
}

constexpr const char* k_init = R"({"data":{"id":"77","media_key":"7_77"}})";

} // namespace

TEST_SUITE("platforms::x::upload")
{
  TEST_CASE("processing_info as FINALIZE and STATUS give it")
  {
    using State = x::Processing::State;
    CHECK(x::processing(R"({"data":{"id":"1","size":3}})").state == State::ready);
    CHECK(x::processing("<html>").state == State::ready);
    auto p =
      x::processing(R"({"data":{"processing_info":{"state":"pending","check_after_secs":7}}})");
    CHECK(p.state == State::pending);
    CHECK(p.check_after == 7s);
    CHECK(x::processing(R"({"data":{"processing_info":{"state":"in_progress"}}})").state ==
          State::in_progress);
    CHECK(x::processing(R"({"data":{"processing_info":{"state":"succeeded"}}})").state ==
          State::succeeded);
    p = x::processing(R"({"data":{"processing_info":{"state":"failed","error":{"code":1,)"
                      R"("name":"InvalidMedia","message":"Unsupported video format"}}}})");
    CHECK(p.state == State::failed);
    CHECK(p.error == "Unsupported video format");
    // No error member: the answer's own problem text.
    p = x::processing(R"({"data":{"processing_info":{"state":"failed"}},)"
                      R"("errors":[{"detail":"Video too long"}]})");
    CHECK(p.error == "Video too long");
    p = x::processing(R"({"data":{"processing_info":{"state":"queued","check_after_secs":-4}}})");
    CHECK(p.state == State::unknown);
    CHECK(p.state_name == "queued");
    CHECK(p.check_after == 0s);
  }

  TEST_CASE("images go in one request, GIFs and videos in chunks")
  {
    CHECK(x::media_category("image/png").name == "tweet_image");
    CHECK_FALSE(x::media_category("image/png").chunked);
    CHECK(x::media_category("image/gif").name == "tweet_gif");
    CHECK(x::media_category("image/gif").chunked);
    CHECK(x::media_category("video/mp4").name == "tweet_video");
    CHECK(x::media_category("video/quicktime").chunked);
  }

  TEST_CASE("INIT, APPEND in order, FINALIZE, then STATUS as often as X says")
  {
    test::TestDir dir;
    std::string bytes(x::k_chunk_bytes + 10, 'v');
    bytes[0] = 'A';
    bytes[x::k_chunk_bytes] = 'B';
    const OutMedia media{ dir.write("clip.mp4", bytes), "" };
    Rig rig;
    rig.answer(200, k_init);
    rig.answer(200, R"({"data":{"expires_at":1}})");
    rig.answer(200, R"({"data":{"expires_at":1}})");
    rig.answer(200, state("pending", 3));
    rig.answer(200, state("in_progress", 0));
    rig.answer(200, state("succeeded"));
    auto id = x::upload_chunked(*rig.client, media, "tweet_video");
    REQUIRE(id);
    CHECK(*id == "77");
    CHECK(rig.targets() == std::vector<std::string>{
                             "POST /2/media/upload/initialize",
                             "POST /2/media/upload/77/append",
                             "POST /2/media/upload/77/append",
                             "POST /2/media/upload/77/finalize",
                             "GET /2/media/upload?command=STATUS&media_id=77",
                             "GET /2/media/upload?command=STATUS&media_id=77",
                           });
    const auto init = nlohmann::json::parse((*rig.sent)[0].body);
    CHECK(init == nlohmann::json{ { "media_type", "video/mp4" },
                                  { "total_bytes", bytes.size() },
                                  { "media_category", "tweet_video" } });
    for (size_t i = 0; i < 2; ++i) {
      const auto& form = (*rig.sent)[1 + i].form;
      REQUIRE(form.size() == 2);
      CHECK(form[0].name == "segment_index");
      CHECK(form[0].data == std::to_string(i));
      CHECK(form[1].name == "media");
    }
    CHECK((*rig.sent)[1].form[1].data == bytes.substr(0, x::k_chunk_bytes));
    CHECK((*rig.sent)[2].form[1].data == bytes.substr(x::k_chunk_bytes));
    // X's check_after_secs, and at least a second when it says 0.
    CHECK(rig.slept == std::vector<std::chrono::milliseconds>{ 3s, 1s });
  }

  TEST_CASE("no processing_info after FINALIZE: ready, no STATUS")
  {
    test::TestDir dir;
    const OutMedia media{ dir.write("cat.gif", "GIF89a"), "" };
    Rig rig;
    rig.answer(200, k_init);
    rig.answer(200, "{}");
    rig.answer(200, R"({"data":{"id":"77"}})");
    REQUIRE(x::upload_chunked(*rig.client, media, "tweet_gif"));
    CHECK(rig.sent->size() == 3);
    CHECK(rig.slept.empty());
  }

  TEST_CASE("failed processing is permanent, with X's reason")
  {
    test::TestDir dir;
    const OutMedia media{ dir.write("clip.mp4", "0123"), "" };
    Rig rig;
    rig.answer(200, k_init);
    rig.answer(200, "{}");
    rig.answer(200, state("pending", 1));
    rig.answer(200, R"({"data":{"processing_info":{"state":"failed","error":{"code":1,)"
                    R"("name":"InvalidMedia","message":"Unsupported video format"}}}})");
    auto id = x::upload_chunked(*rig.client, media, "tweet_video");
    REQUIRE_FALSE(id);
    CHECK(id.error().kind == PublishError::Kind::permanent);
    CHECK(id.error().message == "x: X could not process clip.mp4: Unsupported video format");
  }

  TEST_CASE("the wait is bounded: past the limit it stops without sleeping, as not sent")
  {
    test::TestDir dir;
    const OutMedia media{ dir.write("clip.mp4", "0123"), "" };
    Rig rig;
    rig.answer(200, k_init);
    rig.answer(200, "{}");
    rig.answer(200, state("pending", 100));
    rig.answer(200, state("in_progress", 100));
    auto id = x::upload_chunked(*rig.client, media, "tweet_video");
    REQUIRE_FALSE(id);
    CHECK(id.error().kind == PublishError::Kind::not_sent);
    CHECK(id.error().message ==
          "x: X was still processing clip.mp4 (in_progress) after 100 s and asked to check again "
          "in 100 s; herald waits at most 180 s, and posted nothing");
    CHECK(rig.slept == std::vector<std::chrono::milliseconds>{ 100s });
  }

  TEST_CASE("a refused or lost step publishes nothing; a 429 keeps X's reset")
  {
    test::TestDir dir;
    const OutMedia media{ dir.write("clip.mp4", "0123"), "" };
    SUBCASE("a 429 on APPEND")
    {
      Rig rig;
      rig.answer(200, k_init);
      rig.answer(429, R"({"title":"Too Many Requests"})",
                 { { "x-rate-limit-reset", "1796116200" } });
      auto id = x::upload_chunked(*rig.client, media, "tweet_video");
      REQUIRE_FALSE(id);
      CHECK(id.error().kind == PublishError::Kind::rate_limited);
      REQUIRE(id.error().retry_after);
      CHECK(format_utc(*id.error().retry_after) == "2026-12-01T09:10:00Z");
      CHECK(rig.sent->size() == 2);
    }
    SUBCASE("a 5xx on FINALIZE, and a lost answer to INIT")
    {
      Rig rig;
      rig.answer(200, k_init);
      rig.answer(200, "{}");
      rig.answer(503, R"({"title":"Service Unavailable"})");
      auto id = x::upload_chunked(*rig.client, media, "tweet_video");
      REQUIRE_FALSE(id);
      CHECK(id.error().kind == PublishError::Kind::not_sent);
      Rig lost;
      id = x::upload_chunked(*lost.client, media, "tweet_video");
      REQUIRE_FALSE(id);
      CHECK(id.error().kind == PublishError::Kind::not_sent);
    }
    SUBCASE("INIT without a media id")
    {
      Rig rig;
      rig.answer(200, R"({"data":{}})");
      auto id = x::upload_chunked(*rig.client, media, "tweet_video");
      REQUIRE_FALSE(id);
      CHECK(id.error().message ==
            "x: POST /2/media/upload/initialize: HTTP 200 without a media id");
    }
  }
}
