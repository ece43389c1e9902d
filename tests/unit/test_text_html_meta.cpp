#include "text/html_meta.hpp"

#include <doctest/doctest.h>

using herald::text::page_meta;

TEST_SUITE("text::page_meta")
{
  TEST_CASE("Open Graph first, then Twitter Card, then the title and description")
  {
    const auto og = page_meta(R"(<html><head><title>T</title>
      <meta name="description" content="D">
      <meta name="twitter:title" content="TT">
      <meta property="og:title" content="  OG   &amp; more ">
      <meta property="OG:Description" content="od">
      <meta property="og:image" content="/a.png"></head><body></body></html>)");
    CHECK(og.title == "OG & more");
    CHECK(og.description == "od");
    CHECK(og.image == "/a.png");
    const auto twitter = page_meta(R"(<head><meta name="twitter:title" content="TT">
      <meta name="twitter:image:src" content="https://x.org/i.jpg"><title>T</title>)");
    CHECK(twitter.title == "TT");
    CHECK(twitter.image == "https://x.org/i.jpg");
    const auto plain = page_meta("<title>\n  Just a\n title </title><meta name=description "
                                 "content='Single quotes'>");
    CHECK(plain.title == "Just a title");
    CHECK(plain.description == "Single quotes");
  }

  TEST_CASE("broken or empty markup gives what it can, and never crashes")
  {
    CHECK(page_meta("").title.empty());
    CHECK(page_meta("<html><head><title>Unclosed").title == "Unclosed");
    CHECK(page_meta("<<<>>> <meta property=og:title content=bare>").title == "bare");
    CHECK(page_meta(std::string("\0\xff\xfe<title>x</title>", 20)).title.size() <= 1);
    CHECK(page_meta("<script><title>not this</title></script><title>this</title>").title == "this");
  }

  TEST_CASE("long values are cut at a character boundary")
  {
    std::string long_title;
    for (int i = 0; i < 200; ++i) {
      long_title += "é";
    }
    const auto meta = page_meta("<title>" + long_title + "</title>");
    CHECK(meta.title.size() == 300);
    CHECK(meta.title.substr(298) == "é");
  }
}
