#include "text/length_rules.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <span>
#include <string>

using namespace herald::text;

namespace {

const std::string k_family = "\U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466";

std::string
repeat(std::string_view piece, size_t times)
{
  std::string out;
  for (size_t i = 0; i < times; ++i) {
    out += piece;
  }
  return out;
}

// A URL of exactly `length` characters.
std::string
url_of_length(size_t length, char fill)
{
  const std::string prefix = "https://example.org/";
  return prefix + std::string(length - prefix.size(), fill);
}

std::string
problem(std::string_view text, const LengthRule& rule)
{
  return too_long(text, rule).value_or("fits");
}

std::string
problems(std::string_view text, std::span<const LengthRule> rules)
{
  return fmt::format("{}", fmt::join(check_length(text, rules), " | "));
}

} // namespace

TEST_SUITE("text::length_rules")
{
  TEST_CASE("Mastodon counts every URL as 23")
  {
    const LengthRule rule = mastodon_rule();
    const std::string urls = " " + url_of_length(100, 'a') + " " + url_of_length(100, 'b');
    CHECK(url_of_length(100, 'a').size() == 100);

    const std::string over = std::string(480, 'x') + urls;
    CHECK(measure(over, rule) == 480 + 2 * (1 + 23));
    CHECK(problem(over, rule) == "text is 528 characters (URLs counted as 23), the limit is 500");

    const std::string fits = std::string(452, 'x') + urls; // 652 as written
    CHECK(measure(fits, rule) == 500);
    CHECK(problem(fits, rule) == "fits");

    // A short URL still reserves 23; the instance may reserve another number.
    CHECK(measure("https://a.io", rule) == 23);
    CHECK(measure("https://a.io", mastodon_rule(500, 30)) == 30);
    CHECK(problem(std::string(501, 'x'), rule) == "text is 501 characters, the limit is 500");
    CHECK(problem(std::string(11, 'x'), mastodon_rule(10)) ==
          "text is 11 characters, the limit is 10");
  }

  TEST_CASE("Mastodon counts a remote mention as its local part, graphemes as one")
  {
    const LengthRule rule = mastodon_rule();
    CHECK(measure("@user@very.long.domain.example hello", rule) == 11); // "@user hello"
    CHECK(measure("@user hello", rule) == 11);
    CHECK(measure("@alice.bsky.social", rule) == 18); // not remote: counted as written
    CHECK(problem("@user@very.long.domain.example hello", mastodon_rule(10)) ==
          "text is 11 characters (@user@domain counted as @user), the limit is 10");
    CHECK(problem("@user@very.long.domain.example https://example.org/x", mastodon_rule(10)) ==
          "text is 29 characters (URLs counted as 23, @user@domain counted as @user), the limit "
          "is 10");
    CHECK(measure(repeat(k_family, 500), rule) == 500);
    CHECK(measure("cafe\u0301", rule) == 4);
  }

  TEST_CASE("Bluesky: 300 graphemes and 3000 UTF-8 bytes")
  {
    const auto rules = bluesky_rules();
    CHECK(problems(std::string(300, 'a'), rules) == "");
    CHECK(problems(std::string(301, 'a'), rules) == "text is 301 characters, the limit is 300");

    // Under 300 graphemes but over 3000 bytes: 25 bytes per family emoji.
    CHECK(problems(repeat(k_family, 120), rules) == ""); // exactly 3000 bytes
    CHECK(problems(repeat(k_family, 121), rules) ==
          "text is 3025 bytes in UTF-8, the limit is 3000");
    CHECK(problems(repeat(k_family, 299), rules) ==
          "text is 7475 bytes in UTF-8, the limit is 3000");
    CHECK(problems(repeat(k_family, 301), rules) ==
          "text is 301 characters, the limit is 300"
          " | text is 7525 bytes in UTF-8, the limit is 3000");

    // A URL is plain text on Bluesky: it counts as written.
    CHECK(problems(std::string(250, 'a') + " " + url_of_length(100, 'u'), rules) ==
          "text is 351 characters, the limit is 300");
  }

  TEST_CASE("Telegram counts UTF-16 code units")
  {
    const LengthRule rule = telegram_text_rule();
    CHECK(measure("\U0001F600", rule) == 2);
    CHECK(measure("a\u00E9\u20AC", rule) == 3);
    CHECK(problem(repeat("\U0001F600", 2048), rule) == "fits");
    CHECK(problem(repeat("\U0001F600", 2048) + "a", rule) ==
          "text is 4097 UTF-16 code units (emoji and other characters above U+FFFF count 2), "
          "the limit is 4096");
    CHECK(problem(std::string(4097, 'a'), rule) ==
          "text is 4097 UTF-16 code units, the limit is 4096");
    CHECK(problem(std::string(1025, 'a'), telegram_caption_rule()) ==
          "text is 1025 UTF-16 code units, the limit is 1024");
    CHECK(problem(std::string(1024, 'a'), telegram_caption_rule()) == "fits");
  }

  TEST_CASE("Discord, Slack and webhooks count code points")
  {
    CHECK(measure(k_family, discord_rule()) == 7);
    CHECK(problem(repeat("\u00E9", 2000), discord_rule()) == "fits");
    CHECK(problem(std::string(2001, 'a'), discord_rule()) ==
          "text is 2001 Unicode code points, the limit is 2000");
    CHECK(problem(std::string(40000, 'a'), slack_rule()) == "fits");
    CHECK(problem(std::string(40001, 'a'), slack_rule()) ==
          "text is 40001 Unicode code points, the limit is 40000");

    CHECK(webhook_rules().empty());
    CHECK(problems(std::string(100000, 'a'), webhook_rules()) == "");
    CHECK(problems("\U0001F600\U0001F600", webhook_rules(1)) ==
          "text is 2 Unicode code points, the limit is 1");
    CHECK(problem("a", LengthRule{ "test", 0, LengthRule::Unit::bytes, 0, false }) ==
          "text is 1 byte in UTF-8, the limit is 0");
  }

  TEST_CASE("X weighted length: 280 characters, every URL 23")
  {
    const LengthRule rule = x_rule();
    CHECK(rule.name == "x");
    CHECK(problem(std::string(280, 'a'), rule) == "fits");
    CHECK(problem(std::string(281, 'a'), rule) == "text is 281 characters, the limit is 280");
    CHECK(measure("a\r\nb", rule) == 4); // every ASCII code point counts 1, CR LF too

    const std::string url = url_of_length(60, 'u');
    CHECK(url.size() == 60);
    CHECK(measure(url, rule) == 23);
    CHECK(measure("https://a.io", rule) == 23);
    CHECK(problem(std::string(256, 'x') + " " + url, rule) == "fits");
    CHECK(problem(std::string(257, 'x') + " " + url, rule) ==
          "text is 281 characters (URLs counted as 23), the limit is 280");
    CHECK(measure("@user@very.long.domain.example", rule) == 30); // mentions count as written
  }

  TEST_CASE("X weighted length: the text is normalised to NFC first")
  {
    const LengthRule rule = x_rule();
    CHECK(measure("cafe\u0301", rule) == 4); // e + U+0301 is one U+00E9
    CHECK(measure("caf\u00E9", rule) == 4);
    CHECK(measure("\u1100\u1161", rule) == 2); // Hangul jamo compose to one syllable, U+AC00
    CHECK(measure("\u0958", rule) == 2);       // a composition exclusion: two code points
    CHECK(measure("a\xFF", rule) == 3);        // a bad byte is U+FFFD, outside the light ranges
  }

  TEST_CASE("X weighted length: 2 for code points outside the light ranges")
  {
    const LengthRule rule = x_rule();
    CHECK(measure("\u65E5", rule) == 2);
    CHECK(problem(repeat("\u65E5", 140), rule) == "fits");
    CHECK(measure(repeat("\u65E5", 140), rule) == 280);
    CHECK(problem(repeat("\u65E5", 141), rule) ==
          "text is 282 characters (CJK and other characters outside X's light ranges count 2), "
          "the limit is 280");

    // Latin, Greek, Cyrillic, Hebrew, Arabic and Indic scripts end before U+1100.
    CHECK(measure("\u00E9\u03B1\u0436\u05D0\u0639\u0915\u10FF", rule) == 7);
    CHECK(measure("\u1100", rule) == 2);
    CHECK(measure("\u2014", rule) == 1); // em dash, in U+2010-U+201F
    CHECK(measure("\u201C", rule) == 1); // left double quotation mark
    CHECK(measure("\u2026", rule) == 2); // ellipsis, just after U+2010-U+201F
    CHECK(measure("\u2000\u200D\u2032\u2037", rule) == 4);
    CHECK(measure("\u200E\u2038\u20AC", rule) == 6);
  }

  TEST_CASE("X weighted length: 2 for an emoji sequence, however many code points")
  {
    const LengthRule rule = x_rule();
    CHECK(measure(k_family, rule) == 2);               // ZWJ sequence of 7 code points
    CHECK(measure("\U0001F1EB\U0001F1F7", rule) == 2); // flag: two regional indicators
    CHECK(measure("\U0001F44D\U0001F3FD", rule) == 2); // skin tone
    CHECK(measure("1\uFE0F\u20E3", rule) == 2);        // keycap
    CHECK(measure("#\u20E3", rule) == 2);
    CHECK(measure("\U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F",
                  rule) == 2);           // England's flag: tag sequence
    CHECK(measure("\u263A", rule) == 2); // text-style emoji count 2 as well
    CHECK(measure("\u00A9", rule) == 2); // U+00A9 is in the light range but an emoji
    CHECK(measure("H\U0001F431\u263A" + k_family, rule) == 7);
    CHECK(measure("1\uFE0F", rule) == 3); // no keycap: "1", and U+FE0F outside the light ranges

    CHECK(problem(repeat(k_family, 140), rule) == "fits");
    CHECK(problem(repeat(k_family, 141), rule) ==
          "text is 282 characters (emoji count 2), the limit is 280");
    CHECK(
      problem(repeat("\u65E5", 100) + repeat(k_family, 30) + " " + url_of_length(60, 'u'), rule) ==
      "text is 284 characters (URLs counted as 23, CJK and other characters outside X's "
      "light ranges count 2, emoji count 2), the limit is 280");
  }

  TEST_CASE("ill-formed UTF-8 is reported instead of a length")
  {
    CHECK(problems("abc\xFF", bluesky_rules()) == "text is not valid UTF-8 (bad byte at offset 3)");
    const LengthRule mastodon[] = { mastodon_rule() };
    CHECK(problems(std::string(600, 'a') + "\xC0\xAF", mastodon) ==
          "text is not valid UTF-8 (bad byte at offset 600)");
    CHECK(measure("a\xFF", discord_rule()) == 2); // measuring alone still counts U+FFFD
  }
}

TEST_SUITE("text::length_rules")
{
  TEST_CASE("Threads: 500 characters, an emoji its UTF-8 bytes")
  {
    const auto rule = herald::text::threads_rule();
    CHECK(herald::text::measure(std::string(500, 'a'), rule) == 500);
    CHECK_FALSE(herald::text::too_long(std::string(500, 'a'), rule));
    CHECK(herald::text::too_long(std::string(501, 'a'), rule) ==
          "text is 501 characters, the limit is 500");
    // é (2 bytes) and 日 (3 bytes) count 1; 👍 (4 bytes) counts 4, 👍🏽 (8 bytes) 8.
    CHECK(herald::text::measure("\xc3\xa9\xe6\x97\xa5", rule) == 2);
    CHECK(herald::text::measure("\xf0\x9f\x91\x8d", rule) == 4);
    CHECK(herald::text::measure("\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd", rule) == 8);
    std::string text(496, 'a');
    text += "\xf0\x9f\x91\x8d"; // 500
    CHECK_FALSE(herald::text::too_long(text, rule));
    text += "b";
    CHECK(herald::text::too_long(text, rule) ==
          "text is 501 characters (an emoji counts its bytes in UTF-8), the limit is 500");
  }
}
