#include "http/redact.hpp"

#include <doctest/doctest.h>

#include <string>

using herald::http::redact;
using herald::http::redact_head;
using herald::http::redacted_url;

namespace {

bool
contains(const std::string& text, std::string_view part)
{
  return text.find(part) != std::string::npos;
}

} // namespace

TEST_SUITE("http::redact")
{
  TEST_CASE("a secret and its encoded forms")
  {
    const std::vector<std::string> secrets = { "ab+cd/ef=gh x" };

    SUBCASE("literal")
    {
      CHECK(redact("token is ab+cd/ef=gh x!", secrets) == "token is ***!");
    }
    SUBCASE("URL-encoded, upper and lower case hex")
    {
      CHECK(redact("/p?k=ab%2Bcd%2Fef%3Dgh%20x&z=1", secrets) == "/p?k=***&z=1");
      CHECK(redact("/p/ab%2bcd%2fef%3dgh%20x", secrets) == "/p/***");
    }
    SUBCASE("form-encoded")
    {
      CHECK(redact("k=ab%2Bcd%2Fef%3Dgh+x", secrets) == "k=***");
    }
    SUBCASE("JSON-escaped slash")
    {
      CHECK(redact(R"({"k":"ab+cd\/ef=gh x"})", secrets) == R"({"k":"***"})");
    }
    SUBCASE("base64, standalone and padded")
    {
      CHECK(redact("x YWIrY2QvZWY9Z2ggeA== y", secrets) == "x *** y");
    }
  }

  TEST_CASE("base64 of a secret inside a longer base64 text")
  {
    // base64("user:s3cr3t-token"): the secret starts 5 bytes in, off the 3-byte grid.
    const std::string out = redact("creds dXNlcjpzM2NyM3QtdG9rZW4=", { "s3cr3t-token" });
    CHECK_FALSE(contains(out, "zM2NyM3QtdG9rZW"));
    CHECK(contains(out, "***"));
    CHECK(redact("czNjcjN0LXRva2Vu", { "s3cr3t-token" }) == "***");
  }

  TEST_CASE("empty secrets are ignored and plain text is left alone")
  {
    const std::string line = "GET /api/v1/statuses?limit=20 HTTP/1.1";
    CHECK(redact(line, { "" }) == line);
    CHECK(redact("Content-Type: application/json") == "Content-Type: application/json");
    CHECK(redact("https://example.org/@alice/bottom") == "https://example.org/@alice/bottom");
    CHECK(redact(R"({"type":"token","tokens":3})") == R"({"type":"token","tokens":3})");
  }

  TEST_CASE("credential header values")
  {
    CHECK(redact("Authorization: Bearer abc.def") == "Authorization: Bearer ***");
    CHECK(redact("authorization:Basic dXNlcjpwYXNz") == "authorization:Basic ***");
    CHECK(redact("AUTHORIZATION: sometoken") == "AUTHORIZATION: ***");
    CHECK(redact("Proxy-Authorization: Basic eDp5") == "Proxy-Authorization: Basic ***");
    CHECK(redact("Cookie: sid=1; theme=dark") == "Cookie: ***");
    CHECK(redact("set-cookie: sid=abc; Path=/; HttpOnly") == "set-cookie: ***");
    CHECK(redact("> Authorization: Bearer x\r\n> Accept: */*\r\n") ==
          "> Authorization: Bearer ***\r\n> Accept: */*\r\n");
    CHECK(redact("X-Cookie-Policy: none") == "X-Cookie-Policy: none");
  }

  TEST_CASE("URL user-info")
  {
    CHECK(redact("https://user:pass@host.example/x") == "https://***@host.example/x");
    CHECK(redact("see http://bob@127.0.0.1:8080/") == "see http://***@127.0.0.1:8080/");
    CHECK(redact("https://host.example/@bob") == "https://host.example/@bob");
  }

  TEST_CASE("webhook and bot tokens in URLs")
  {
    SUBCASE("Discord")
    {
      CHECK(redact("https://discord.com/api/webhooks/1234/AbC-dEf_123?wait=true") ==
            "https://discord.com/api/webhooks/1234/***?wait=true");
      CHECK(redact("POST /api/v10/webhooks/99/tok/messages/5 HTTP/1.1") ==
            "POST /api/v10/webhooks/99/***/messages/5 HTTP/1.1");
    }
    SUBCASE("Slack")
    {
      CHECK(redact("https://hooks.slack.com/services/T000/B000/XXXXXXXX") ==
            "https://hooks.slack.com/services/***");
    }
    SUBCASE("Telegram")
    {
      CHECK(redact("https://api.telegram.org/bot123456:ABC-DEF_ghi/sendMessage") ==
            "https://api.telegram.org/bot***/sendMessage");
      CHECK(redact("GET /bot42%3Asecret/getMe") == "GET /bot***/getMe");
    }
  }

  TEST_CASE("secret fields in queries, forms, JSON and multipart")
  {
    CHECK(redact("grant_type=password&password=hunter2&username=a") ==
          "grant_type=password&password=***&username=a");
    CHECK(redact("/oauth/token?client_secret=s3&code=x") ==
          "/oauth/token?client_secret=***&code=x");
    CHECK(redact("GET /x?access_token=abc HTTP/1.1") == "GET /x?access_token=*** HTTP/1.1");
    CHECK(redact("refresh_token=r1&token=t1") == "refresh_token=***&token=***");
    CHECK(redact(R"({"accessJwt": "eyJ.a.b", "did":"did:plc:x"})") ==
          R"({"accessJwt": "***", "did":"did:plc:x"})");
    CHECK(redact(R"({"refreshJwt":"a\"b","handle":"h"})") ==
          R"({"refreshJwt":"***","handle":"h"})");
    CHECK(redact(R"({"token": 12345, "x": 1})") == R"({"token": ***, "x": 1})");
    CHECK(redact(R"({"access_token":"abc","token_type":"Bearer"})") ==
          R"({"access_token":"***","token_type":"Bearer"})");
    CHECK(redact("Content-Disposition: form-data; name=\"password\"\r\n\r\nhunter2\r\n--b--") ==
          "Content-Disposition: form-data; name=\"password\"\r\n\r\n***\r\n--b--");
    // Cut in the middle of a value: whatever is there is masked.
    CHECK(redact(R"({"password":"hun)") == R"({"password":"***)");
  }

  TEST_CASE("redact_head")
  {
    SUBCASE("short text is redacted whole")
    {
      CHECK(redact_head("a s3cr3t b", 200, { "s3cr3t" }) == "a *** b");
    }
    SUBCASE("nothing after the limit is shown")
    {
      CHECK(redact_head("0123456789", 4) == "0123");
    }
    SUBCASE("a secret cut by the limit is masked, not shown in part")
    {
      CHECK(redact_head("abcds3cr3t-token tail", 8, { "s3cr3t-token" }) == "abcd***");
    }
  }

  TEST_CASE("redacted_url")
  {
    CHECK(redacted_url("https://u:p@example.org/api/v1/statuses?limit=20&max_id=5#frag") ==
          "https://***@example.org/api/v1/statuses?limit=20&max_id=5");
    CHECK(redacted_url("https://example.org/api/webhooks/1/abc?wait=true") ==
          "https://example.org/api/webhooks/1/***?wait=true");
    CHECK(redacted_url("https://example.org/x?wait=true&key=s3cret&limit=40") ==
          "https://example.org/x?wait=true&key=***&limit=40");
    CHECK(redacted_url("http://127.0.0.1:1/hook/s3cr3t", { "s3cr3t" }) ==
          "http://127.0.0.1:1/hook/***");
    CHECK(redacted_url("https://example.org/path") == "https://example.org/path");
    CHECK(redacted_url("https://example.org/?flag&x=") == "https://example.org/?flag&x=");
  }
}
