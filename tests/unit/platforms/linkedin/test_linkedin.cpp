#include "platforms/linkedin/linkedin.hpp"
#include "platforms/registry.hpp"

#include <doctest/doctest.h>

using namespace herald;
using namespace herald::platforms;

namespace {

// Refuses every request: a test that sends one fails on it.
struct NoTransport : http::HttpTransport
{
  int* sent;
  Result<http::Response, http::TransportError> send(const http::Request& /*request*/) override
  {
    ++*sent;
    return unexpected(http::TransportError{ http::TransportError::Kind::not_sent, "no network" });
  }
};

} // namespace

TEST_SUITE("platforms::linkedin")
{
  TEST_CASE("every reserved character of the little text format is escaped, nothing else")
  {
    CHECK(linkedin::escape_little_text("a (b) #c @d [e] {f} <g> *h* _i_ ~j~ |k| \\l") ==
          "a \\(b\\) \\#c \\@d \\[e\\] \\{f\\} \\<g\\> \\*h\\* \\_i\\_ \\~j\\~ \\|k\\| \\\\l");
    CHECK(linkedin::escape_little_text("plain text, café: 1.0!") == "plain text, café: 1.0!");
  }

  TEST_CASE("a DUPLICATE_POST answer names the earlier post")
  {
    CHECK(
      linkedin::duplicate_of(
        R"({"status":422,"message":"Content is a duplicate of urn:li:share:7100000000000000001",)"
        R"("errorDetails":{"inputErrors":[{"description":"Content is a duplicate of )"
        R"(urn:li:share:7100000000000000001","code":"DUPLICATE_POST"}]}})") ==
      "urn:li:share:7100000000000000001");
    CHECK_FALSE(linkedin::duplicate_of(R"({"status":422,"message":"ERROR :: /author :: field is )"
                                       R"(required"})"));
    CHECK_FALSE(linkedin::duplicate_of("not json"));
    CHECK(linkedin::error_detail(R"({"status":401,"message":"Invalid access token"})") ==
          "Invalid access token");
  }

  TEST_CASE("token_expires: a date; a warning a week ahead, an error from the day")
  {
    const auto expires = linkedin::parse_expiry("2027-02-01");
    REQUIRE(expires);
    CHECK_FALSE(linkedin::parse_expiry("2027-02-30"));
    CHECK_FALSE(linkedin::parse_expiry("1 Feb 2027"));
    using namespace std::chrono;
    CHECK_FALSE(linkedin::expiry_note(*expires, *expires - days(8), "2027-02-01"));
    const auto soon = linkedin::expiry_note(*expires, *expires - days(3), "2027-02-01");
    REQUIRE(soon);
    CHECK_FALSE(soon->expired);
    CHECK(soon->message.find("expires on 2027-02-01 (in 3 days)") != std::string::npos);
    const auto gone = linkedin::expiry_note(*expires, *expires, "2027-02-01");
    REQUIRE(gone);
    CHECK(gone->expired);
    CHECK(linkedin::post_url("urn:li:share:1") ==
          "https://www.linkedin.com/feed/update/urn:li:share:1/");
  }

  TEST_CASE("threads only as comments, when asked")
  {
    const auto* linkedin = find_platform("linkedin");
    REQUIRE(linkedin != nullptr);
    CHECK_FALSE(linkedin->capabilities().threads);
    CHECK(
      linkedin->capabilities_for({ "li", "linkedin", { { "thread", "comments" } }, "/" }).threads);
  }

  TEST_CASE("publish() refuses media LinkedIn cannot take before sending anything")
  {
    int sent = 0;
    AdapterContext context;
    context.getenv = [](std::string_view name) -> std::optional<std::string> {
      return name == "TOKEN" ? std::optional<std::string>("tok") : std::nullopt;
    };
    context.make_transport = [&sent] {
      auto transport = std::make_unique<NoTransport>();
      transport->sent = &sent;
      return transport;
    };
    const nlohmann::json settings = { { "token_env", "TOKEN" },
                                      { "author", "urn:li:person:abc" },
                                      { "url", "http://127.0.0.1:9" } };
    auto adapter =
      find_platform("linkedin")->make_adapter({ "li", "linkedin", settings, "/cal" }, context);
    OutPost post;
    post.parts.push_back({ "notes", { { "/cal/notes.txt", "" } } });
    const auto result = adapter->publish(post);
    REQUIRE_FALSE(result);
    CHECK(result.error().kind == PublishError::Kind::permanent);
    CHECK(result.error().message ==
          "linkedin: part 1: notes.txt is not an image; herald sends LinkedIn images only");
    CHECK(sent == 0);
  }
}
