#include "http/classify.hpp"
#include "http/plain_url.hpp"
#include "http/url_policy.hpp"

#include <doctest/doctest.h>

#include <curl/curl.h>

using namespace herald::http;

TEST_SUITE("http::url_policy")
{
  TEST_CASE("https to any host, http only to loopback")
  {
    const auto https = check_url("https://example.org/api");
    REQUIRE(https);
    CHECK(https->scheme == "https");
    CHECK(https->host == "example.org");
    CHECK(https->port == 443);
    CHECK_FALSE(https->loopback);

    for (const char* url : { "http://127.0.0.1:8080/x", "http://127.1.2.3/", "http://localhost/",
                             "HTTP://LOCALHOST:1/", "http://[::1]:9/", "http://127.1/" }) {
      CAPTURE(url);
      const auto target = check_url(url);
      REQUIRE(target);
      CHECK(target->loopback);
    }
  }

  TEST_CASE("refusals never repeat the URL")
  {
    const auto plain = check_url("http://example.org/secret-path");
    REQUIRE_FALSE(plain);
    CHECK(plain.error() == "refusing http:// to a non-loopback host (use https)");

    for (const char* url : { "http://10.0.0.1/", "http://128.0.0.1/", "http://[::2]/",
                             "http://localhost.example.org/" }) {
      CAPTURE(url);
      CHECK_FALSE(check_url(url));
    }
    CHECK(check_url("file:///etc/hostname").error() ==
          "refusing scheme 'file' (only https, or http to a loopback host)");
    CHECK(check_url("ftp://example.org/x").error() ==
          "refusing scheme 'ftp' (only https, or http to a loopback host)");
    CHECK(check_url("gopher://example.org/").error().starts_with("refusing scheme 'gopher'"));
    CHECK(check_url("example.org/no-scheme").error() == "malformed URL");
    CHECK(check_url("https://exa mple.org/").error() == "malformed URL");
  }

  TEST_CASE("plain URLs are read by hand with libcurl's answers; the rest is left to libcurl")
  {
    for (const char* url :
         { "https://mastodon.social", "https://bsky.social/xrpc/com.atproto.server.createSession",
           "http://127.0.0.1:8080/api/v1/statuses?max_id=1&x=%20#top", "http://localhost:3000/",
           "https://discord.com/api/webhooks/123/abc-DEF_ghi", "https://a-b.c0.example:65535",
           "http://127.255.0.1/", "https://10.0.0.1:8443/x/(y);z=1,2@3!$'*+~", "https://a.org?q",
           "https://a.org#frag" }) {
      CAPTURE(url);
      const auto plain = parse_plain_url(url);
      REQUIRE(plain);
      const auto curl = parse_url_with_curl(url);
      REQUIRE(curl);
      CHECK(plain->scheme == curl->scheme);
      CHECK(plain->host == curl->host);
      CHECK(plain->port == curl->port);
      CHECK(plain->loopback == curl->loopback);
    }
    // Forms libcurl rewrites or may refuse: it decides.
    for (const char* url : { "http://127.1/",
                             "http://0x7f.0.0.1/",
                             "http://010.0.0.1/",
                             "https://1.2.3.4.5/",
                             "https://123/",
                             "https://Example.org/",
                             "HTTPS://a.org/",
                             "https://a.org:0443/",
                             "https://a.org:65536/",
                             "https://a.org:/",
                             "http://localhost:-6000/",
                             "https://[::1]:9/",
                             "https://u:p@a.org/",
                             "https://a..b/",
                             "https://a.b./",
                             "https://a.org/ x",
                             "https://a.org/\\x",
                             "https://a.org/#x#y",
                             "https://a.org/\xc3\xa9",
                             "https://a.1/",
                             "ftp://a.org/",
                             "https:/a.org/",
                             "" }) {
      CAPTURE(url);
      CHECK_FALSE(parse_plain_url(url));
    }
  }

  TEST_CASE("loopback hosts")
  {
    CHECK(is_loopback_host("127.0.0.1"));
    CHECK(is_loopback_host("127.255.255.254"));
    CHECK(is_loopback_host("[::1]"));
    CHECK(is_loopback_host("::ffff:127.0.0.1"));
    CHECK(is_loopback_host("LocalHost"));
    CHECK_FALSE(is_loopback_host("126.0.0.1"));
    CHECK_FALSE(is_loopback_host("::"));
    CHECK_FALSE(is_loopback_host("localhost.evil.example"));
  }

  TEST_CASE("same origin means scheme, host and port")
  {
    const auto a = check_url("https://example.org/a").value();
    CHECK(same_origin(a, check_url("https://EXAMPLE.org:443/b").value()));
    CHECK_FALSE(same_origin(a, check_url("https://example.org:8443/a").value()));
    CHECK_FALSE(same_origin(a, check_url("https://example.net/a").value()));
  }
}

TEST_SUITE("http::classify")
{
  TEST_CASE("failures before the request are not_sent")
  {
    using Kind = herald::http::TransportError::Kind;
    for (const CURLcode code :
         { CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT,
           CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE,
           CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL }) {
      CAPTURE(code);
      CHECK(classify_curl_error(code, false) == Kind::not_sent);
    }
    CHECK(classify_curl_error(CURLE_OPERATION_TIMEDOUT, false) == Kind::not_sent);
    CHECK(classify_curl_error(CURLE_OPERATION_TIMEDOUT, true) == Kind::maybe_sent);
    for (const CURLcode code : { CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_SEND_ERROR,
                                 CURLE_WRITE_ERROR, CURLE_PARTIAL_FILE, CURLE_HTTP2 }) {
      CAPTURE(code);
      CHECK(classify_curl_error(code, true) == Kind::maybe_sent);
      CHECK(classify_curl_error(code, false) == Kind::maybe_sent);
    }
  }
}
