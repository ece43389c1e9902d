#include "text/utm.hpp"

#include <doctest/doctest.h>

using herald::text::tag_links;
using herald::text::tag_url;
using herald::text::url_host;
using herald::text::UtmTags;

namespace {

const UtmTags k_tags{ "mastodon", "social", "launch", "v2-post", { "example.net" } };
constexpr const char* k_query =
  "utm_source=mastodon&utm_medium=social&utm_campaign=launch&utm_content=v2-post";

} // namespace

TEST_SUITE("text::Utm")
{
  TEST_CASE("a plain link gets a query string")
  {
    CHECK(tag_url("https://example.org/v2", k_tags) ==
          std::string("https://example.org/v2?") + k_query);
    CHECK(tag_url("https://example.org", k_tags) == std::string("https://example.org?") + k_query);
  }

  TEST_CASE("an existing query string is kept and extended")
  {
    CHECK(tag_url("https://example.org/p?id=3&lang=fr", k_tags) ==
          std::string("https://example.org/p?id=3&lang=fr&") + k_query);
    CHECK(tag_url("https://example.org/p?", k_tags) ==
          std::string("https://example.org/p?") + k_query);
    CHECK(tag_url("https://example.org/p?a=1&", k_tags) ==
          std::string("https://example.org/p?a=1&") + k_query);
  }

  TEST_CASE("parameters go before the fragment")
  {
    CHECK(tag_url("https://example.org/docs#install", k_tags) ==
          std::string("https://example.org/docs?") + k_query + "#install");
    CHECK(tag_url("https://example.org/docs?v=2#a?b", k_tags) ==
          std::string("https://example.org/docs?v=2&") + k_query + "#a?b");
  }

  TEST_CASE("a link that already carries a utm_ parameter is left alone")
  {
    CHECK(tag_url("https://example.org/?utm_source=newsletter", k_tags) ==
          "https://example.org/?utm_source=newsletter");
    CHECK(tag_url("https://example.org/?a=1&UTM_Campaign=x#f", k_tags) ==
          "https://example.org/?a=1&UTM_Campaign=x#f");
    // utm_ in the path or fragment is not a parameter.
    CHECK(tag_url("https://example.org/utm_source#utm_x", k_tags) ==
          std::string("https://example.org/utm_source?") + k_query + "#utm_x");
  }

  TEST_CASE("excluded domains and their subdomains are left alone, others are not")
  {
    CHECK(tag_url("https://example.net/a", k_tags) == "https://example.net/a");
    CHECK(tag_url("https://www.Example.NET:8443/a", k_tags) == "https://www.Example.NET:8443/a");
    CHECK(tag_url("https://user@shop.example.net/", k_tags) == "https://user@shop.example.net/");
    CHECK(tag_url("https://notexample.net/a", k_tags) ==
          std::string("https://notexample.net/a?") + k_query);
  }

  TEST_CASE("values are percent-encoded; empty ones are left out")
  {
    const UtmTags tags{ "mastodon", "", "spring sale & more", "café", {} };
    CHECK(tag_url("http://example.org/", tags) ==
          "http://example.org/?utm_source=mastodon&utm_campaign=spring%20sale%20%26%20more&"
          "utm_content=caf%C3%A9");
    CHECK(tag_url("http://example.org/", UtmTags{}) == "http://example.org/");
  }

  TEST_CASE("in text: every link, punctuation and non-ASCII text around it kept")
  {
    CHECK(tag_links("Neu → https://example.org/v2. Auch (https://example.org/a_(b))! 🎉", k_tags) ==
          std::string("Neu → https://example.org/v2?") + k_query +
            ". Auch (https://example.org/a_(b)?" + k_query + ")! 🎉");
    CHECK(tag_links("日本語 https://example.org/x です", k_tags) ==
          std::string("日本語 https://example.org/x?") + k_query + " です");
    CHECK(tag_links("two: https://a.example/ and https://example.net/b, done", k_tags) ==
          std::string("two: https://a.example/?") + k_query + " and https://example.net/b, done");
  }

  TEST_CASE("text without a link is unchanged")
  {
    CHECK(tag_links("no link here, just example.org and @alice #tag", k_tags) ==
          "no link here, just example.org and @alice #tag");
    CHECK(tag_links("", k_tags).empty());
  }

  TEST_CASE("the host of a URL")
  {
    CHECK(url_host("https://User:pw@WWW.Example.org.:443/a?b#c") == "www.example.org");
    CHECK(url_host("http://[::1]:8080/") == "[::1]");
    CHECK(url_host("not a url").empty());
  }
}
