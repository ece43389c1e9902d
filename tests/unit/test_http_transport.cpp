#include "http/rate_limit.hpp"
#include "http/transport.hpp"
#include "http_fake.hpp"
#include "testutil.hpp"

#include "schedule/zone.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <string>

using namespace herald;
using namespace herald::http;
using herald::test::FakeRequest;
using herald::test::FakeResponse;
using herald::test::FakeServer;
using namespace std::chrono_literals;
using Kind = TransportError::Kind;

namespace {

Request
make_request(std::string method, std::string url)
{
  Request request;
  request.method = std::move(method);
  request.url = std::move(url);
  request.timeouts.connect = 1000ms;
  request.timeouts.total = 1500ms;
  return request;
}

bool
contains(std::string_view text, std::string_view part)
{
  return text.find(part) != std::string_view::npos;
}

double
seconds_since(std::chrono::steady_clock::time_point start)
{
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

FakeResponse
redirect_to(std::string location)
{
  return FakeResponse{ 302, { { "Location", std::move(location) } }, "" };
}

} // namespace

TEST_SUITE("http::CurlTransport")
{
  TEST_CASE("GET round trip: headers, User-Agent, response headers and body")
  {
    FakeServer server([](const FakeRequest&) {
      return FakeResponse{ 200,
                           { { "X-Reply", "yes" }, { "Content-Type", "text/plain" } },
                           "hello" };
    });
    CurlTransport transport;
    auto request = make_request("GET", server.url("/hello?x=1"));
    request.headers.push_back({ "X-Test", "42" });
    const auto response = transport.send(request);

    REQUIRE(response);
    CHECK(response->status == 200);
    CHECK(response->body == "hello");
    CHECK(response->header("x-reply") == "yes");
    CHECK(response->header("X-REPLY") == "yes");
    CHECK_FALSE(response->header("X-Missing"));
    const auto seen = server.requests();
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].method == "GET");
    CHECK(seen[0].target == "/hello?x=1");
    CHECK(seen[0].header("X-Test") == "42");
    CHECK(seen[0].header("User-Agent") == user_agent());
    CHECK(user_agent().starts_with("herald/"));
    CHECK(user_agent().ends_with(" (+https://example.org/herald)"));
  }

  TEST_CASE("POST, PUT and DELETE send their method and body")
  {
    FakeServer server([](const FakeRequest& r) { return FakeResponse{ 201, {}, r.method }; });
    CurlTransport transport;
    for (const char* method : { "POST", "PUT", "DELETE" }) {
      CAPTURE(method);
      auto request = make_request(method, server.url("/api/v1/statuses"));
      request.headers.push_back({ "Content-Type", "application/json" });
      request.body = R"({"status":"hi"})";
      const auto response = transport.send(request);
      REQUIRE(response);
      CHECK(response->status == 201);
      CHECK(response->body == method);
      const auto seen = server.requests().back();
      CHECK(seen.method == method);
      CHECK(seen.body == R"({"status":"hi"})");
      CHECK(seen.header("Content-Type") == "application/json");
      CHECK_FALSE(seen.header("Expect"));
    }
    auto bare_delete = make_request("DELETE", server.url("/api/v1/statuses/1"));
    REQUIRE(transport.send(bare_delete));
    CHECK(server.requests().back().method == "DELETE");
    CHECK(server.requests().back().body.empty());
  }

  TEST_CASE("an HTTP error status is a Response, not a TransportError")
  {
    FakeServer server([](const FakeRequest& r) {
      return FakeResponse{ r.target == "/missing" ? 404 : 500, {}, "nope" };
    });
    CurlTransport transport;
    const auto missing = transport.send(make_request("GET", server.url("/missing")));
    REQUIRE(missing);
    CHECK(missing->status == 404);
    const auto broken = transport.send(make_request("POST", server.url("/broken")));
    REQUIRE(broken);
    CHECK(broken->status == 500);
    CHECK(broken->body == "nope");
  }

  TEST_CASE("429 with Retry-After")
  {
    const TimePoint now = parse_rfc3339("2026-12-01T08:00:00Z").value();
    FakeServer server([](const FakeRequest& r) {
      if (r.target == "/seconds") {
        return FakeResponse{ 429, { { "Retry-After", "120" } }, "" };
      }
      if (r.target == "/date") {
        return FakeResponse{ 429, { { "Retry-After", "Tue, 01 Dec 2026 08:10:00 GMT" } }, "" };
      }
      return FakeResponse{ 429, { { "Retry-After", "604800" } }, "" };
    });
    CurlTransport transport;
    const auto seconds = transport.send(make_request("POST", server.url("/seconds")));
    REQUIRE(seconds);
    CHECK(seconds->status == 429);
    CHECK(retry_after(*seconds, now) == now + 120s);
    const auto date = transport.send(make_request("POST", server.url("/date")));
    REQUIRE(date);
    CHECK(retry_after(*date, now) == now + 10min);
    const auto week = transport.send(make_request("POST", server.url("/week")));
    REQUIRE(week);
    CHECK(retry_after(*week, now) == now + 1h);
  }

  TEST_CASE("refused URLs cause no network activity")
  {
    FakeServer server;
    CurlTransport transport;
    const std::string port = std::to_string(server.port());

    SUBCASE("file://")
    {
      const auto result = transport.send(make_request("GET", "file:///etc/hostname"));
      REQUIRE_FALSE(result);
      CHECK(result.error().kind == Kind::not_sent);
      CHECK(contains(result.error().message, "refusing scheme 'file'"));
    }
    SUBCASE("ftp:// to the fake's own port")
    {
      const auto result = transport.send(make_request("GET", "ftp://127.0.0.1:" + port + "/x"));
      REQUIRE_FALSE(result);
      CHECK(result.error().kind == Kind::not_sent);
      CHECK(contains(result.error().message, "refusing scheme 'ftp'"));
    }
    SUBCASE("plain http to a non-loopback host")
    {
      const auto start = std::chrono::steady_clock::now();
      const auto result = transport.send(make_request("POST", "http://example.org/api"));
      REQUIRE_FALSE(result);
      CHECK(result.error().kind == Kind::not_sent);
      CHECK(result.error().message ==
            "POST http://example.org/api: refusing http:// to a non-loopback host (use https)");
      CHECK(seconds_since(start) < 0.1); // no DNS lookup, no connect
    }
    SUBCASE("a header that would inject another")
    {
      auto request = make_request("GET", server.url("/x"));
      request.headers.push_back({ "X-Evil", "a\r\nX-Injected: 1" });
      const auto result = transport.send(request);
      REQUIRE_FALSE(result);
      CHECK(result.error().kind == Kind::not_sent);
    }
    SUBCASE("an unsupported method")
    {
      const auto result = transport.send(make_request("PATCH", server.url("/x")));
      REQUIRE_FALSE(result);
      CHECK(result.error().kind == Kind::not_sent);
    }
    CHECK(server.connection_count() == 0);
  }

  TEST_CASE("connection refused is not_sent, and the error hides the secrets")
  {
    test::ClosedPort closed;
    REQUIRE(closed.port() != 0);
    CurlTransport transport;
    auto request = make_request("POST", "http://127.0.0.1:" + std::to_string(closed.port()) +
                                          "/api/webhooks/123/s3cr3t-token?token=other-s3cret");
    request.headers.push_back({ "Authorization", "Bearer s3cr3t-token" });
    const auto result = transport.send(request);
    REQUIRE_FALSE(result);
    CHECK(result.error().kind == Kind::not_sent);
    const std::string& message = result.error().message;
    CHECK(contains(message, "Couldn't connect to server"));
    CHECK(contains(message, "/api/webhooks/123/***"));
    CHECK_FALSE(contains(message, "s3cr3t"));
    CHECK_FALSE(contains(message, "other-s3cret"));
  }

  TEST_CASE("a connect that hangs times out as not_sent")
  {
    test::BlackholePort blackhole;
    REQUIRE(blackhole.port() != 0);
    CurlTransport transport;
    auto request =
      make_request("POST", "http://127.0.0.1:" + std::to_string(blackhole.port()) + "/");
    request.timeouts.connect = 200ms;
    request.body = "x";
    const auto start = std::chrono::steady_clock::now();
    const auto result = transport.send(request);
    REQUIRE_FALSE(result);
    CHECK(result.error().kind == Kind::not_sent);
    CHECK(contains(result.error().message, "Timeout was reached"));
    const double elapsed = seconds_since(start);
    CHECK(elapsed >= 0.15); // it did wait for the connect timeout
    CHECK(elapsed < 1.0);
  }

  TEST_CASE("a server slower than the total timeout: maybe_sent")
  {
    FakeServer server([](const FakeRequest&) { return FakeResponse{ 200, {}, "late", 1500ms }; });
    CurlTransport transport;
    auto request = make_request("POST", server.url("/api/v1/statuses"));
    request.body = "status=hi";
    request.timeouts.total = 300ms;
    const auto start = std::chrono::steady_clock::now();
    const auto result = transport.send(request);
    REQUIRE_FALSE(result);
    CHECK(result.error().kind == Kind::maybe_sent);
    CHECK(contains(result.error().message, "timed out"));
    CHECK(seconds_since(start) < 1.0);
    CHECK(server.request_count() == 1);
  }

  TEST_CASE("a connection closed without an answer: maybe_sent")
  {
    FakeServer server([](const FakeRequest&) {
      FakeResponse response;
      response.close_without_answer = true;
      return response;
    });
    CurlTransport transport;
    const auto result = transport.send(make_request("POST", server.url("/api/v1/statuses")));
    REQUIRE_FALSE(result);
    CHECK(result.error().kind == Kind::maybe_sent);
  }

  TEST_CASE("a response over the size cap: maybe_sent")
  {
    SUBCASE("the default 4 MiB cap, body without Content-Length (write callback)")
    {
      FakeServer server([](const FakeRequest&) {
        FakeResponse response{ 200, {}, std::string(4 * 1024 * 1024 + 1, 'x') };
        response.close_delimited = true;
        return response;
      });
      CurlTransport transport;
      const auto result = transport.send(make_request("POST", server.url("/big")));
      REQUIRE_FALSE(result);
      CHECK(result.error().kind == Kind::maybe_sent);
      CHECK(contains(result.error().message, "response larger than 4194304 bytes"));
    }
    SUBCASE("a smaller cap, announced by Content-Length")
    {
      FakeServer server([](const FakeRequest&) {
        return FakeResponse{ 200, {}, std::string(2048, 'x') };
      });
      CurlTransportOptions options;
      options.max_response_bytes = 1024;
      CurlTransport transport(options);
      const auto result = transport.send(make_request("GET", server.url("/big")));
      REQUIRE_FALSE(result);
      CHECK(result.error().kind == Kind::maybe_sent);
      CHECK(contains(result.error().message, "response larger than 1024 bytes"));
    }
    SUBCASE("exactly at the cap is fine")
    {
      FakeServer server([](const FakeRequest&) {
        return FakeResponse{ 200, {}, std::string(1024, 'x') };
      });
      CurlTransportOptions options;
      options.max_response_bytes = 1024;
      CurlTransport transport(options);
      const auto result = transport.send(make_request("GET", server.url("/big")));
      REQUIRE(result);
      CHECK(result->body.size() == 1024);
    }
  }

  TEST_CASE("redirects: GET follows, POST never does")
  {
    FakeServer target([](const FakeRequest&) { return FakeResponse{ 200, {}, "target" }; });
    FakeServer origin([&target](const FakeRequest&) { return redirect_to(target.url("/to")); });
    CurlTransport transport;

    SUBCASE("POST gets the 302 itself")
    {
      auto request = make_request("POST", origin.url("/from"));
      request.follow_redirects = true; // ignored for POST
      const auto result = transport.send(request);
      REQUIRE(result);
      CHECK(result->status == 302);
      CHECK(result->header("Location") == target.url("/to"));
      CHECK(target.connection_count() == 0);
    }
    SUBCASE("GET without follow_redirects gets the 302")
    {
      const auto result = transport.send(make_request("GET", origin.url("/from")));
      REQUIRE(result);
      CHECK(result->status == 302);
      CHECK(target.connection_count() == 0);
    }
    SUBCASE("GET with follow_redirects reaches the target")
    {
      auto request = make_request("GET", origin.url("/from"));
      request.follow_redirects = true;
      const auto result = transport.send(request);
      REQUIRE(result);
      CHECK(result->status == 200);
      CHECK(result->body == "target");
      CHECK_FALSE(result->header("Location"));
      REQUIRE(target.request_count() == 1);
      CHECK(target.requests()[0].target == "/to");
    }
  }

  TEST_CASE("a redirect never carries credentials to another origin")
  {
    FakeServer other;
    FakeServer origin([&other](const FakeRequest& r) {
      if (r.target == "/same") {
        return redirect_to("/landed");
      }
      if (r.target == "/elsewhere") {
        return redirect_to(other.url("/landed"));
      }
      return FakeResponse{ 200, {}, "here" };
    });
    CurlTransport transport;
    const auto send = [&](const char* path) {
      auto request = make_request("GET", origin.url(path));
      request.follow_redirects = true;
      request.headers.push_back({ "Authorization", "Bearer s3cr3t-token" });
      request.headers.push_back({ "Cookie", "sid=abc" });
      request.headers.push_back({ "Accept", "application/json" });
      return transport.send(request);
    };

    REQUIRE(send("/elsewhere"));
    REQUIRE(other.request_count() == 1);
    const auto landed = other.requests()[0];
    CHECK_FALSE(landed.header("Authorization"));
    CHECK_FALSE(landed.header("Cookie"));
    CHECK(landed.header("Accept") == "application/json");
    CHECK(origin.requests()[0].header("Authorization") == "Bearer s3cr3t-token");

    REQUIRE(send("/same"));
    const auto same = origin.requests().back();
    CHECK(same.target == "/landed");
    CHECK(same.header("Authorization") == "Bearer s3cr3t-token");
  }

  TEST_CASE("redirect targets pass the same URL check")
  {
    FakeServer origin([](const FakeRequest& r) {
      if (r.target == "/to-plain") {
        return redirect_to("http://example.org/x");
      }
      if (r.target == "/to-file") {
        return redirect_to("file:///etc/hostname");
      }
      return redirect_to("/loop");
    });
    CurlTransport transport;
    const auto follow = [&](const char* path) {
      auto request = make_request("GET", origin.url(path));
      request.follow_redirects = true;
      return transport.send(request);
    };

    const auto plain = follow("/to-plain");
    REQUIRE_FALSE(plain);
    CHECK(plain.error().kind == Kind::maybe_sent);
    CHECK(contains(plain.error().message, "refusing http:// to a non-loopback host"));
    const auto file = follow("/to-file");
    REQUIRE_FALSE(file);
    CHECK(contains(file.error().message, "refusing scheme 'file'"));
    const size_t before = origin.request_count();
    const auto loop = follow("/loop");
    REQUIRE_FALSE(loop);
    CHECK(contains(loop.error().message, "more than 3 redirects"));
    CHECK(origin.request_count() - before == 4);
  }

  TEST_CASE("https:// to a plain-http server fails the TLS handshake: not_sent")
  {
    FakeServer server;
    CurlTransport transport;
    const auto result = transport.send(
      make_request("POST", "https://127.0.0.1:" + std::to_string(server.port()) + "/"));
    REQUIRE_FALSE(result);
    CHECK(result.error().kind == Kind::not_sent);
    CHECK(server.request_count() == 0);
  }

  TEST_CASE("multipart form upload")
  {
    test::TestDir dir;
    const auto picture = dir.write("pic.png", "PNGDATA");
    FakeServer server;
    CurlTransport transport;
    auto request = make_request("POST", server.url("/api/v2/media"));
    request.form.push_back({ "description", "", "", "a cat", {} });
    request.form.push_back({ "file", "cat.png", "image/png", "", picture });

    REQUIRE(transport.send(request));
    const auto seen = server.requests().at(0);
    CHECK(seen.header("Content-Type").value_or("").starts_with("multipart/form-data; boundary="));
    CHECK(contains(seen.body, "name=\"description\"\r\n\r\na cat\r\n"));
    CHECK(contains(seen.body, "name=\"file\"; filename=\"cat.png\"\r\nContent-Type: image/png"));
    CHECK(contains(seen.body, "PNGDATA"));

    SUBCASE("a missing file is refused before connecting")
    {
      const size_t connections = server.connection_count();
      auto missing = make_request("POST", server.url("/api/v2/media"));
      missing.form.push_back({ "file", "", "", "", dir.path() / "nope.png" });
      const auto result = transport.send(missing);
      REQUIRE_FALSE(result);
      CHECK(result.error().kind == Kind::not_sent);
      auto directory = make_request("POST", server.url("/api/v2/media"));
      directory.form.push_back({ "file", "", "", "", dir.path() });
      const auto not_a_file = transport.send(directory);
      REQUIRE_FALSE(not_a_file);
      CHECK(not_a_file.error().kind == Kind::not_sent);
      CHECK(server.connection_count() == connections);
    }
  }

  TEST_CASE("GETs reuse one connection; each POST gets its own")
  {
    FakeServer server;
    CurlTransport transport;
    REQUIRE(transport.send(make_request("GET", server.url("/a"))));
    REQUIRE(transport.send(make_request("GET", server.url("/b"))));
    CHECK(server.connection_count() == 1);
    REQUIRE(transport.send(make_request("POST", server.url("/c"))));
    REQUIRE(transport.send(make_request("POST", server.url("/d"))));
    CHECK(server.connection_count() == 3);
  }
}

TEST_SUITE("http::CurlTransport verbose log")
{
  TEST_CASE("no secret reaches the log, in any encoding")
  {
    const std::string token = "s3cr3t-token";
    const std::string password = "p@ss word/+";
    const std::vector<std::string_view> forbidden = {
      token,           "czNjcjN0LXRva2Vu",    // base64 of the token
      password,        "p%40ss%20word%2F%2B", // URL-encoded password
      "p@ss+word",     "cEBzcyB3b3JkLys=",    // form-encoded, base64
      "hidden-cookie",
    };
    FakeServer server([&](const FakeRequest&) {
      return FakeResponse{ 200,
                           { { "Set-Cookie", "session=hidden-cookie; HttpOnly" },
                             { "X-Echo", token } },
                           R"({"access_token":")" + token + R"(","b64":"czNjcjN0LXRva2Vu",)" +
                             R"("pw":"p%40ss%20word%2F%2B","id":"1"})" };
    });
    std::vector<std::string> lines;
    CurlTransportOptions options;
    options.log = [&lines](std::string_view line) { lines.emplace_back(line); };
    CurlTransport transport(options);

    auto request = make_request("POST", server.url("/hook/s3cr3t-token/p%40ss%20word%2F%2B"));
    request.headers.push_back({ "Authorization", "Bearer " + token });
    request.headers.push_back({ "Cookie", "session=hidden-cookie" });
    request.body = "password=p%40ss%20word%2F%2B&note=cEBzcyB3b3JkLys=";
    request.secrets = { token, password };
    REQUIRE(transport.send(request));

    REQUIRE_FALSE(lines.empty());
    bool saw_authorization = false;
    bool saw_response_body = false;
    for (const auto& line : lines) {
      CAPTURE(line);
      CHECK_FALSE(line.empty());
      CHECK(line.find('\n') == std::string::npos);
      for (const auto secret : forbidden) {
        CHECK_FALSE(contains(line, secret));
      }
      saw_authorization |= line == "> Authorization: Bearer ***";
      saw_response_body |= line.starts_with("< body: ");
    }
    CHECK(saw_authorization);
    CHECK(saw_response_body);
    const auto body_line = std::find_if(lines.begin(), lines.end(),
                                        [](const auto& l) { return l.starts_with("> body: "); });
    const auto header_line = std::find_if(lines.begin(), lines.end(),
                                          [](const auto& l) { return l.starts_with("> POST "); });
    REQUIRE(body_line != lines.end());
    CHECK(header_line < body_line);
    CHECK(*body_line == "> body: password=***&note=*** (50 bytes)");
  }

  TEST_CASE("an Authorization credential is masked even when not listed as a secret")
  {
    FakeServer server([](const FakeRequest& r) {
      return FakeResponse{ 401, {}, "bad token " + r.header("Authorization").value_or("") };
    });
    std::vector<std::string> lines;
    CurlTransportOptions options;
    options.log = [&lines](std::string_view line) { lines.emplace_back(line); };
    CurlTransport transport(options);
    auto request = make_request("GET", server.url("/api/v1/accounts/verify_credentials"));
    request.headers.push_back({ "Authorization", "Bearer unlisted-t0ken" });
    REQUIRE(transport.send(request));
    REQUIRE_FALSE(lines.empty());
    for (const auto& line : lines) {
      CAPTURE(line);
      CHECK_FALSE(contains(line, "unlisted-t0ken"));
    }
  }

  TEST_CASE("bodies are logged up to 200 bytes")
  {
    const std::string body = std::string(150, 'a') + std::string(100, 'b') + "TAIL-MARKER";
    FakeServer server([&body](const FakeRequest&) { return FakeResponse{ 200, {}, body }; });
    std::vector<std::string> lines;
    CurlTransportOptions options;
    options.log = [&lines](std::string_view line) { lines.emplace_back(line); };
    CurlTransport transport(options);
    auto request = make_request("GET", server.url("/long"));
    request.body = "a GET sends no body, so none is logged";
    REQUIRE(transport.send(request));
    std::string preview;
    for (const auto& line : lines) {
      CHECK_FALSE(line.starts_with("> body"));
      CHECK_FALSE(contains(line, "TAIL-MARKER"));
      if (line.starts_with("< body: ")) {
        preview = line;
      }
    }
    CHECK(preview == "< body: " + body.substr(0, 200) + "... (261 bytes)");
  }

  TEST_CASE("a body that is not text is only measured")
  {
    FakeServer server([](const FakeRequest&) {
      return FakeResponse{ 200, { { "Content-Type", "image/png" } }, "\x89PNG\r\n" };
    });
    std::vector<std::string> lines;
    CurlTransportOptions options;
    options.log = [&lines](std::string_view line) { lines.emplace_back(line); };
    CurlTransport transport(options);
    auto request = make_request("POST", server.url("/upload"));
    request.headers.push_back({ "Content-Type", "image/jpeg" });
    request.body = std::string("\xff\xd8\xff\xe0 jpeg bytes", 15);
    REQUIRE(transport.send(request));
    CHECK(std::find(lines.begin(), lines.end(), "> body: image/jpeg, not shown (15 bytes)") !=
          lines.end());
    CHECK(std::find(lines.begin(), lines.end(), "< body: image/png, not shown (6 bytes)") !=
          lines.end());
  }

  TEST_CASE("a throwing log sink does not change the outcome")
  {
    FakeServer server;
    CurlTransportOptions options;
    options.log = [](std::string_view) { throw std::runtime_error("disk full"); };
    CurlTransport transport(options);
    const auto result = transport.send(make_request("GET", server.url("/")));
    REQUIRE(result);
    CHECK(result->status == 200);
  }
}
