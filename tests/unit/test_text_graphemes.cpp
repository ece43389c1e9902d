#include "text/graphemes.hpp"
#include "text/utf8.hpp"

#include <doctest/doctest.h>

#include <string>
#include <thread>

using namespace herald::text;

namespace {

const std::string k_family = "\U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466";

} // namespace

TEST_SUITE("text::graphemes")
{
  TEST_CASE("ASCII counts the same in every unit")
  {
    CHECK(count_graphemes("hello, world") == 12);
    CHECK(count_code_points("hello, world") == 12);
    CHECK(count_utf16_units("hello, world") == 12);
    CHECK(count_graphemes("") == 0);
    CHECK(count_code_points("") == 0);
    CHECK(count_utf16_units("") == 0);
    CHECK(count_graphemes("\r\n") == 1); // CR LF is one cluster
  }

  TEST_CASE("ASCII is counted without ICU exactly as ICU counts it")
  {
    // Every pair of ASCII characters, controls included: the fast path's count, and ICU's count
    // of the same pair followed by a precomposed letter (which always starts a cluster of its
    // own, and sends the text through ICU).
    int mismatches = 0;
    for (int a = 0; a < 0x80; ++a) {
      for (int b = 0; b < 0x80; ++b) {
        const std::string pair{ static_cast<char>(a), static_cast<char>(b) };
        if (count_graphemes(pair) + 1 != count_graphemes(pair + "\u00E9")) {
          ++mismatches;
        }
      }
    }
    CHECK(mismatches == 0);
    CHECK(count_graphemes("a\r\n\r\nb\n\r") == 6); // a, CR LF, CR LF, b, LF, CR
  }

  TEST_CASE("a combining mark joins its base letter")
  {
    const std::string e_acute = "e\u0301";
    CHECK(e_acute.size() == 3);
    CHECK(count_graphemes(e_acute) == 1);
    CHECK(count_code_points(e_acute) == 2);
    CHECK(count_utf16_units(e_acute) == 2);
    CHECK(count_graphemes("cafe\u0301 cr\u00E8me") == 10);
  }

  TEST_CASE("emoji sequences are one grapheme")
  {
    CHECK(k_family.size() == 25);
    CHECK(count_graphemes(k_family) == 1);
    CHECK(count_code_points(k_family) == 7);
    CHECK(count_utf16_units(k_family) == 11);
    CHECK(count_graphemes("\U0001F44D\U0001F3FD") == 1); // thumbs up, skin tone
    CHECK(count_graphemes("\U0001F1E9\U0001F1EA") == 1); // flag: 2 regional indicators
    CHECK(count_graphemes("\U0001F1E9\U0001F1EA\U0001F1EB\U0001F1F7") == 2); // two flags
    CHECK(count_graphemes("\U0001F1E9\U0001F1EA\U0001F1EB") == 2); // a flag and a lone one
    CHECK(count_utf16_units("\U0001F600") == 2);
    CHECK(count_code_points("\U0001F600") == 1);
  }

  TEST_CASE("CJK and Hangul")
  {
    const std::string japanese = "日本語のテキスト";
    CHECK(japanese.size() == 24);
    CHECK(count_graphemes(japanese) == 8);
    CHECK(count_code_points(japanese) == 8);
    CHECK(count_utf16_units(japanese) == 8);
    CHECK(count_graphemes("\u1100\u1161\u11AB") == 1); // 한 spelled as three jamo
  }

  TEST_CASE("ill-formed UTF-8 is reported and counted without crashing")
  {
    CHECK(is_valid_utf8("Grüße 👋"));
    CHECK(is_valid_utf8(std::string_view("a\0b", 3))); // NUL is a character
    CHECK(find_invalid_utf8("ab\xFF"
                            "cd")
            .value() == 2);
    CHECK(find_invalid_utf8("\x80").value() == 0);             // stray trail byte
    CHECK(find_invalid_utf8("x\xC0\xAF").value() == 1);        // overlong '/'
    CHECK(find_invalid_utf8("xy\xED\xA0\x80").value() == 2);   // surrogate U+D800
    CHECK(find_invalid_utf8("\xF4\x90\x80\x80").value() == 0); // above U+10FFFF
    CHECK(find_invalid_utf8("ok \xE2\x82").value() == 3);      // truncated at the end
    CHECK_FALSE(is_valid_utf8("\xF0\x9F\x98"));

    // Located for a message: line, and column in code points, never the raw byte.
    const auto at = locate_invalid_utf8("caf\xC3\xA9\nna\xC3\xAFve \xFF!");
    REQUIRE(at);
    CHECK(at->offset == 13);
    CHECK(at->describe() == "invalid UTF-8 (byte 0xff) at line 2, column 7");
    CHECK_FALSE(locate_invalid_utf8("caf\xC3\xA9"));

    // A truncated emoji is one U+FFFD in every count.
    const std::string bad = "a\xF0\x9F\x98"
                            "b";
    CHECK(count_graphemes(bad) == 3);
    CHECK(count_code_points(bad) == 3);
    CHECK(count_utf16_units(bad) == 3);
    CHECK(count_graphemes("\xFF\xFF") == 2);
  }

  TEST_CASE("replace_invalid_utf8: one U+FFFD per maximal subpart, good text untouched")
  {
    CHECK(replace_invalid_utf8("Grüße 👋") == "Grüße 👋");
    CHECK(replace_invalid_utf8("ab\xFF"
                               "cd") == "ab\uFFFDcd");
    CHECK(replace_invalid_utf8("a\xF0\x9F\x98"
                               "b") == "a\uFFFDb"); // a truncated emoji
    CHECK(replace_invalid_utf8("\xFF\xFE") == "\uFFFD\uFFFD");
    CHECK(replace_invalid_utf8("ok \xE2\x82") == "ok \uFFFD");
    CHECK(is_valid_utf8(replace_invalid_utf8("x\xC0\xAF\xED\xA0\x80y")));
  }

  TEST_CASE("every thread gets its own iterator")
  {
    size_t in_thread = 0;
    std::thread worker([&in_thread] { in_thread = count_graphemes(k_family + "e\u0301!"); });
    worker.join();
    CHECK(in_thread == 3);
    CHECK(count_graphemes(k_family + "e\u0301!") == 3);
  }
}
