#include "text/graphemes.hpp"
#include "text/utf8.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace herald::text;

TEST_SUITE("text::utf8")
{
  TEST_CASE("shorten_utf8: short text is kept whole")
  {
    CHECK(shorten_utf8("", 5) == "");
    CHECK(shorten_utf8("hello", 5) == "hello");
    CHECK(shorten_utf8("héllo", 6) == "héllo");
  }

  TEST_CASE("shorten_utf8: a cut falls between characters, never inside one")
  {
    // "日" is three bytes: 300 bytes end two bytes into the 101st character.
    std::string japanese;
    for (int i = 0; i < 200; ++i) {
      japanese += "日";
    }
    const std::string cut = shorten_utf8(japanese, 301);
    CHECK(is_valid_utf8(cut));
    CHECK(cut.find("\uFFFD") == std::string::npos);
    CHECK(cut.size() == 300 + 3);
    CHECK(cut.ends_with("日..."));
    CHECK(shorten_utf8(japanese, 300) == shorten_utf8(japanese, 302));

    CHECK(shorten_utf8("ab👋cd", 3) == "ab...");  // a four-byte emoji does not fit
    CHECK(shorten_utf8("ab👋cd", 6) == "ab👋..."); // it does
    CHECK(shorten_utf8("👋👋", 2) == "...");       // nothing fits
  }

  TEST_CASE("shorten_utf8: bad bytes are replaced before the cut is measured")
  {
    CHECK(shorten_utf8("a\xFF"
                       "b",
                       10) == "a\uFFFDb");
    // U+FFFD is three bytes; the cut does not split it.
    CHECK(shorten_utf8("a\xFF"
                       "bcdef",
                       3) == "a...");
    CHECK(shorten_utf8("a\xFF"
                       "bcdef",
                       4) == "a\uFFFD...");
  }

  TEST_CASE("terminal_text: control characters are removed, text and line breaks kept")
  {
    CHECK(terminal_text("plain, Grüße 👋") == "plain, Grüße 👋");
    CHECK(terminal_text("two\nlines\tand a tab") == "two\nlines\tand a tab");
    // An escape sequence loses its ESC: what is left is harmless text.
    CHECK(terminal_text("\x1b[2J\x1b]0;owned\x07hi") == "[2J]0;ownedhi");
    CHECK(terminal_text("over\rwrite") == "overwrite");
    CHECK(terminal_text(std::string("nul\0byte", 8)) == "nulbyte");
    CHECK(terminal_text("del\x7f") == "del");
    // C1 controls (U+009B is CSI on terminals that read 8-bit controls).
    CHECK(terminal_text("a\u009b2Jb\u0085c") == "a2Jbc");
    CHECK(terminal_text("bad \xFF byte") == "bad \uFFFD byte");
  }

  TEST_CASE("terminal_line: line breaks and tabs become spaces")
  {
    CHECK(terminal_line("one\nline\there") == "one line here");
    CHECK(terminal_line("fake\n\x1b[32mposted") == "fake [32mposted");
  }
}
