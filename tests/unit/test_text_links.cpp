#include "text/links.hpp"

#include <doctest/doctest.h>
#include <fmt/core.h>

#include <string>

using namespace herald::text;

namespace {

// "kind [start,end) value" per span, joined by " | ", so a failure shows everything found.
std::string
describe(std::string_view text)
{
  std::string out;
  for (const TextSpan& span : find_links(text)) {
    const char* kind = span.kind == TextSpan::Kind::url       ? "url"
                       : span.kind == TextSpan::Kind::mention ? "mention"
                                                              : "hashtag";
    out += fmt::format("{}{} [{},{}) {}", out.empty() ? "" : " | ", kind, span.byte_start,
                       span.byte_end, span.value);
  }
  return out;
}

} // namespace

TEST_SUITE("text::links")
{
  TEST_CASE("offsets are UTF-8 bytes, exact after non-ASCII text")
  {
    const std::string text = "Grüße 👋 https://example.org/ä?x=1 #café";
    CHECK(describe(text) == "url [13,39) https://example.org/ä?x=1 | hashtag [40,46) café");
    const auto spans = find_links(text);
    REQUIRE(spans.size() == 2);
    CHECK(text.substr(13, 39 - 13) == "https://example.org/ä?x=1");
    CHECK(text.substr(40, 46 - 40) == "#café");
    CHECK(spans[0] == TextSpan{ TextSpan::Kind::url, 13, 39, "https://example.org/ä?x=1" });

    CHECK(describe("日本語 @alice.bsky.social") == "mention [10,28) alice.bsky.social");
    const std::string family = "\U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466";
    CHECK(describe(family + " #tag") == "hashtag [26,30) tag");
  }

  TEST_CASE("URLs lose trailing punctuation and unbalanced parentheses")
  {
    CHECK(describe("See https://example.org/a.") == "url [4,25) https://example.org/a");
    CHECK(describe("Really? https://x.org/?q=1!?") == "url [8,26) https://x.org/?q=1");
    CHECK(describe("(https://example.org/x)") == "url [1,22) https://example.org/x");
    CHECK(describe("(see https://en.wikipedia.org/wiki/C_(language)).") ==
          "url [5,47) https://en.wikipedia.org/wiki/C_(language)");
    CHECK(describe("https://example.org/a:b,c;d end") == "url [0,27) https://example.org/a:b,c;d");
    CHECK(describe("HTTP://Example.org/X") == "url [0,20) HTTP://Example.org/X");
    CHECK(describe("https://[::1]:8080/x)") == "url [0,20) https://[::1]:8080/x");
    CHECK(describe("https://例え.jp/パス") == "url [0,24) https://例え.jp/パス");
    CHECK(describe("a\u00A0https://example.org\u00A0b") == "url [3,22) https://example.org");
    CHECK(describe("https://example.org/@alice/1#top") ==
          "url [0,32) https://example.org/@alice/1#top");
  }

  TEST_CASE("what is not a URL")
  {
    CHECK(describe("https:// alone") == "");
    CHECK(describe("https:///path") == "");
    CHECK(describe("xhttps://example.org") == "");
    CHECK(describe("ftp://example.org example.org") == "");
    CHECK(describe("http://!") == "");
    CHECK(describe("https://...") == "");
    // Ill-formed UTF-8 ends a URL and crashes nothing.
    CHECK(describe("https://example.org/\xFF"
                   "rest #ok") == "url [0,20) https://example.org/ | hashtag [26,29) ok");
    CHECK(describe("\xE2\x82 @bob \xF0") == "mention [3,7) bob");
  }

  TEST_CASE("mentions: local, remote and Bluesky handles")
  {
    CHECK(describe("@alice hi @bob@mastodon.social and @carol.bsky.social.") ==
          "mention [0,6) alice | mention [10,30) bob@mastodon.social"
          " | mention [35,53) carol.bsky.social");
    CHECK(describe("(@first.last@host.example)") == "mention [1,25) first.last@host.example");
    CHECK(describe("@under_score, @with-dash!") ==
          "mention [0,12) under_score | mention [14,24) with-dash");
    // The domain needs a dot and a top-level label that starts with a letter.
    CHECK(describe("@alice@localhost") == "mention [0,6) alice");
    CHECK(describe("@alice@1.2") == "mention [0,6) alice");
    CHECK(describe("@alice@-bad.example") == "mention [0,6) alice");
    // E-mail addresses and paths are not mentions.
    CHECK(describe("mail bob@example.org or a=@x or /@y") == "");
    CHECK(describe("@ @. @-x") == "");
  }

  TEST_CASE("hashtags")
  {
    CHECK(describe("#café #日本語 #tag_2024 #2024tag #Straße.") ==
          "hashtag [0,6) café | hashtag [7,17) 日本語 | hashtag [18,27) tag_2024"
          " | hashtag [28,36) 2024tag | hashtag [37,45) Straße");
    CHECK(describe("#123 a#b #_ #") == "");
    CHECK(describe("x=#y page/#top (1)#2 é#x") == "");
    // A decomposed accent is part of the tag and of the word before a '#'.
    CHECK(describe("#cafe\u0301!") == "hashtag [0,7) cafe\u0301");
    CHECK(describe("e\u0301#x") == "");
  }
}
