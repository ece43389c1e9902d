#include "platforms/threads/threads.hpp"

#include <doctest/doctest.h>

using namespace herald;
using namespace herald::platforms::threads;
using namespace std::chrono_literals;

TEST_SUITE("platforms::threads")
{
  const TimePoint now{ std::chrono::sys_days{ std::chrono::year{ 2026 } / 12 / 6 } };

  TEST_CASE("renewal_due: the environment's token at once, a kept one 30 days before its end")
  {
    const KeptToken renewed{ "seed", "kept", now + 31 * 24h, std::nullopt };
    CHECK(renewal_due(std::nullopt, "seed", now));
    CHECK_FALSE(renewal_due(renewed, "seed", now));
    CHECK(renewal_due(renewed, "seed", now + 25h));
    CHECK(renewal_due(renewed, "another seed", now)); // the user set a new token
    SUBCASE("a refused renewal waits until retry_at")
    {
      const KeptToken refused{ "seed", "", std::nullopt, now + 24h };
      CHECK_FALSE(renewal_due(refused, "seed", now));
      CHECK(renewal_due(refused, "seed", now + 24h));
    }
    SUBCASE("an expired token is still asked for, so that Meta's answer says why it fails")
    {
      CHECK(renewal_due(KeptToken{ "seed", "kept", now - 1h, std::nullopt }, "seed", now));
    }
  }

  TEST_CASE("a kept token survives its file; damaged files are none")
  {
    const KeptToken kept{ "seed", "th-token", now + 60 * 24h, now + 1h };
    const auto again = kept_token_from_json(to_json(kept));
    REQUIRE(again);
    CHECK(again->seed == "seed");
    CHECK(again->access_token == "th-token");
    CHECK(again->expires_at == kept.expires_at);
    CHECK(again->retry_at == kept.retry_at);
    const auto bare = kept_token_from_json(to_json(KeptToken{ "seed", "", std::nullopt, {} }));
    REQUIRE(bare);
    CHECK(bare->access_token.empty());
    CHECK_FALSE(bare->expires_at);
    CHECK_FALSE(kept_token_from_json("{not json"));
    CHECK_FALSE(kept_token_from_json(R"({"access_token": "no seed"})"));
    CHECK_FALSE(kept_token_from_json("[]"));
  }

  TEST_CASE("graph_error reads Graph's error document; anything else is empty")
  {
    const auto e = graph_error(
      R"({"error": {"message": "Invalid OAuth access token", "code": 190, "error_subcode": 463}})");
    CHECK(e.message == "Invalid OAuth access token");
    CHECK(e.code == 190);
    CHECK(e.subcode == 463);
    CHECK(graph_error("<html>").code == 0);
    CHECK(graph_error(R"({"error": "text"})").message.empty());
  }

  TEST_CASE("post_url: Meta's permalink, else one made from the id")
  {
    CHECK(post_url("1", "https://www.threads.net/@h/post/C") ==
          "https://www.threads.net/@h/post/C");
    CHECK(post_url("1", "") == "https://www.threads.net/post/1");
  }
}
