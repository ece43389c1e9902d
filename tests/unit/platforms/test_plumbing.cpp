#include "http/request.hpp"
#include "text/graphemes.hpp"

#include "platforms/credentials.hpp"
#include "platforms/http_errors.hpp"
#include "platforms/media_type.hpp"
#include "schedule/zone.hpp"

#include <doctest/doctest.h>

#include <map>

using namespace herald;
using namespace herald::platforms;

namespace {

AdapterContext
context_with(std::map<std::string, std::string> environment)
{
  AdapterContext context;
  context.getenv = [environment](std::string_view name) -> std::optional<std::string> {
    const auto it = environment.find(std::string(name));
    return it == environment.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  return context;
}

AccountConfig
account(nlohmann::json settings)
{
  return { "masto", "mastodon", std::move(settings), "/cal" };
}

TimePoint
utc(const char* text)
{
  return parse_rfc3339(text).value();
}

} // namespace

TEST_SUITE("platforms::credentials")
{
  TEST_CASE("secrets come only from the variable the account names")
  {
    const auto context = context_with({ { "MASTODON_TOKEN", "s3cret" } });
    CHECK(read_secret(account({ { "token_env", "MASTODON_TOKEN" } }), "token", context).value() ==
          "s3cret");
    CHECK(read_secret(account({ { "token_env", "OTHER" } }), "token", context).error() ==
          "account 'masto': environment variable OTHER (token_env) is not set");
    CHECK(read_secret(account(nlohmann::json::object()), "token", context).error() ==
          "account 'masto' needs 'token_env:' naming the environment variable that holds its "
          "token");
  }

  TEST_CASE("validate reports a missing credential at the setting")
  {
    Diagnostics diagnostics;
    const std::map<std::string, SourcePos> positions{ { "token_env", { "c.yaml", 5, 16 } } };
    check_secret(account({ { "token_env", "UNSET" } }), "token", positions, { "c.yaml", 3, 3 },
                 context_with({}), diagnostics);
    REQUIRE(diagnostics.all().size() == 1);
    CHECK(diagnostics.all()[0].to_string() ==
          "c.yaml:5:16: error: account 'masto': environment variable UNSET (token_env) is not "
          "set");
    // Only this account's commands need it: the error says whose secret it is.
    CHECK(diagnostics.all()[0].unset_secret_of == "masto");
  }

  TEST_CASE("a missing *_env setting is a calendar error, not an unset secret")
  {
    Diagnostics diagnostics;
    check_secret(account(nlohmann::json::object()), "token", {}, { "c.yaml", 3, 3 },
                 context_with({}), diagnostics);
    REQUIRE(diagnostics.all().size() == 1);
    CHECK(diagnostics.all()[0].to_string() ==
          "c.yaml:3:3: error: account 'masto' needs 'token_env:' naming the environment variable "
          "that holds its token");
    CHECK(diagnostics.all()[0].unset_secret_of.empty());
    CHECK(diagnostics.drop_unset_secrets().empty());
    CHECK(diagnostics.has_errors());
  }
}

TEST_SUITE("platforms::http_errors")
{
  TEST_CASE("HTTP outcomes map onto publish error kinds")
  {
    const TimePoint now = utc("2026-12-01T08:00:00Z");
    http::Response response;
    using Kind = PublishError::Kind;

    response.status = 429;
    response.headers = { { "Retry-After", "120" } };
    auto e = from_response(response, "mastodon: POST /api/v1/statuses", "", {}, now);
    CHECK(e.kind == Kind::rate_limited);
    CHECK(e.retry_after == utc("2026-12-01T08:02:00Z"));
    CHECK(e.message == "mastodon: POST /api/v1/statuses: HTTP 429");

    response.headers.clear();
    e = from_response(response, "m", "", {}, now, utc("2026-12-01T08:30:00Z"));
    CHECK(e.retry_after == utc("2026-12-01T08:30:00Z")); // the platform's own reset header

    response.status = 401;
    CHECK(from_response(response, "m", "The access token is invalid", {}, now).message ==
          "m: HTTP 401: The access token is invalid");
    CHECK(from_response(response, "m", "", {}, now).kind == Kind::auth);
    response.status = 422;
    CHECK(from_response(response, "m", "", {}, now).kind == Kind::permanent);
    response.status = 502;
    CHECK(from_response(response, "m", "", {}, now).kind == Kind::maybe_sent);
    response.status = 503;
    CHECK(from_response(response, "m", "", {}, now).kind == Kind::maybe_sent);

    CHECK(
      from_transport({ http::TransportError::Kind::not_sent, "connection refused" }, "m").kind ==
      Kind::not_sent);
    CHECK(from_transport({ http::TransportError::Kind::maybe_sent, "timeout" }, "m").message ==
          "m: timeout");
  }

  TEST_CASE("the platform's text is redacted, valid UTF-8 and cut between characters")
  {
    const TimePoint now = utc("2026-12-01T08:00:00Z");
    http::Response response;
    response.status = 422;
    // A server that echoes the token, in the clear and inside a longer text.
    CHECK(from_response(response, "m", "bad token tok-123456 (Bearer tok-123456)", { "tok-123456" },
                        now)
            .message == "m: HTTP 422: bad token *** (Bearer ***)");
    // 200 Japanese characters (600 bytes): 100 whole characters, then "...".
    std::string japanese;
    for (int i = 0; i < 200; ++i) {
      japanese += "日";
    }
    const auto message = from_response(response, "m", japanese, {}, now).message;
    CHECK(message == "m: HTTP 422: " + japanese.substr(0, 300) + "...");
    CHECK(text::is_valid_utf8(message));
    // 299 ASCII bytes then a three-byte character: the cut comes before it, not inside.
    const std::string edge = std::string(299, 'x') + "日tail";
    CHECK(server_text(edge, {}) == std::string(299, 'x') + "...");
    CHECK(server_text("bad \xFF byte", {}) == "bad \uFFFD byte");
    // A token that the cut would split is masked, not shown in part.
    const std::string secret = "s3cr3t-token-value";
    CHECK(server_text(std::string(290, 'x') + secret, { secret }) == std::string(290, 'x') + "***");
  }
}

TEST_SUITE("platforms::media_type")
{
  TEST_CASE("media types by extension, whatever its case")
  {
    CHECK(media_type_for("a/b.PNG") == "image/png");
    CHECK(media_type_for("x.jpeg") == "image/jpeg");
    CHECK(media_type_for("clip.mp4") == "video/mp4");
    CHECK(media_type_for("notes.txt") == "application/octet-stream");
    CHECK(media_type_for("no-extension") == "application/octet-stream");
  }
}
