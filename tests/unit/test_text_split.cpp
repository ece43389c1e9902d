#include "text/graphemes.hpp"
#include "text/links.hpp"
#include "text/split.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

using namespace herald::text;

namespace {

bool
only_whitespace(std::string_view text)
{
  return std::all_of(text.begin(), text.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  });
}

// The properties every split has: each part fits every rule; the parts, in order, are the text
// with only whitespace dropped between them; no cut falls inside a URL, mention or hashtag, or
// inside a grapheme cluster. `numbering`: the suffix pattern each part carries, if any.
void
check_split(const std::string& text, const std::vector<LengthRule>& rules,
            const std::vector<std::string>& parts, const std::string& numbering = "")
{
  REQUIRE_FALSE(parts.empty());
  for (const auto& part : parts) {
    CAPTURE(part);
    CHECK(check_length(part, rules).empty());
  }
  const auto spans = find_links(text);
  const auto graphemes = grapheme_boundaries(text);
  size_t pos = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    std::string part = parts[i];
    if (!numbering.empty() && parts.size() > 1) {
      const std::string suffix = " " + format_numbering(numbering, i + 1, parts.size());
      REQUIRE(part.size() >= suffix.size());
      CHECK(part.substr(part.size() - suffix.size()) == suffix);
      part.resize(part.size() - suffix.size());
    }
    const size_t at = text.find(part, pos);
    REQUIRE(at != std::string::npos);
    CHECK(only_whitespace(std::string_view(text).substr(pos, at - pos)));
    if (i == 0) {
      CHECK(at == 0);
    }
    for (const size_t cut : { at, at + part.size() }) {
      CAPTURE(cut);
      CHECK(std::binary_search(graphemes.begin(), graphemes.end(), cut));
      CHECK(std::none_of(spans.begin(), spans.end(), [&](const TextSpan& span) {
        return span.byte_start < cut && cut < span.byte_end;
      }));
    }
    pos = at + part.size();
  }
  CHECK(pos == text.size());
}

std::string
repeat(const std::string& piece, int times)
{
  std::string out;
  for (int i = 0; i < times; ++i) {
    out += piece;
  }
  return out;
}

} // namespace

TEST_SUITE("text::split")
{
  TEST_CASE("a text that fits stays whole, numbering or not")
  {
    const std::vector rules{ mastodon_rule() };
    const auto parts = split_to_fit("herald 2.0 is out", rules, { "{i}/{n}" });
    REQUIRE(parts);
    CHECK(*parts == std::vector<std::string>{ "herald 2.0 is out" });
  }

  TEST_CASE("English: paragraphs first, each part fits, URLs stay whole")
  {
    std::string text;
    for (int p = 0; p < 6; ++p) {
      text += repeat("This release brings faster ticks and a calmer inbox. ", 3) +
              "Read https://example.org/releases/2.0/notes-with-a-long-path-" + std::to_string(p) +
              " for details.\n\n";
    }
    text += "Thanks to @alice@example.social and #opensource friends!";
    const std::vector rules{ mastodon_rule() };
    const auto parts = split_to_fit(text, rules);
    REQUIRE(parts);
    CHECK(parts->size() > 1);
    check_split(text, rules, *parts);
    // Two paragraphs fit in 500 characters (URLs count 23): every cut is between paragraphs.
    for (size_t i = 0; i + 1 < parts->size(); ++i) {
      CHECK(parts->at(i).ends_with("for details."));
    }
  }

  TEST_CASE("sentences before words, words before graphemes")
  {
    const std::vector rules{ LengthRule{ "test", 40, LengthRule::Unit::graphemes } };
    const std::string text = "One short sentence here. Another one follows it now. And a third.";
    const auto parts = split_to_fit(text, rules);
    REQUIRE(parts);
    check_split(text, rules, *parts);
    CHECK(parts->at(0) == "One short sentence here.");

    const std::string words = "Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichen "
                              "und Rindfleischetikettierungsüberwachungsaufgabenübertragung";
    const auto cut_words = split_to_fit(words, rules);
    REQUIRE(cut_words);
    check_split(words, rules, *cut_words);
    CHECK(cut_words->size() >= 3); // each word alone is longer than 40 graphemes
  }

  TEST_CASE("Bluesky: graphemes and bytes, emoji and CJK")
  {
    const auto rules = bluesky_rules();
    const std::string family = "\U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466";
    const std::string emoji = repeat("Release day " + family + "\U0001F1E9\U0001F1EA ", 40);
    auto parts = split_to_fit(emoji, rules);
    REQUIRE(parts);
    CHECK(parts->size() >= 2);
    check_split(emoji, rules, *parts);

    const std::string cjk =
      repeat("新しいバージョンを公開しました。変更点はリリースノートをご覧ください！", 20);
    parts = split_to_fit(cjk, rules);
    REQUIRE(parts);
    CHECK(parts->size() >= 2);
    check_split(cjk, rules, *parts);
    for (size_t i = 0; i + 1 < parts->size(); ++i) {
      const bool at_stop = parts->at(i).ends_with("。") || parts->at(i).ends_with("！");
      CHECK(at_stop); // a sentence end, never mid-sentence, where there is room
    }
  }

  TEST_CASE("numbering is counted in the limit and its width follows the count")
  {
    const std::vector rules{ LengthRule{ "test", 30, LengthRule::Unit::code_points } };
    const std::string text = repeat("word ", 80) + "end";
    const auto parts = split_to_fit(text, rules, { "{i}/{n}" });
    REQUIRE(parts);
    CHECK(parts->size() >= 10);
    check_split(text, rules, *parts, "{i}/{n}");
    CHECK(parts->front().ends_with(" 1/" + std::to_string(parts->size())));
  }

  TEST_CASE("what cannot be cut and does not fit is an error that says what")
  {
    const auto rules = bluesky_rules();
    const std::string url = "https://example.org/" + repeat("a", 400);
    const auto parts = split_to_fit("See " + url + " now", rules);
    REQUIRE_FALSE(parts);
    CHECK(parts.error().starts_with("a URL cannot be cut and is too long for one part: "
                                    "https://example.org/aaaa"));
    // Mastodon counts it as 23: it fits.
    const std::vector masto{ mastodon_rule() };
    CHECK(split_to_fit(repeat("x ", 300) + url, masto));

    const std::vector tiny{ LengthRule{ "test", 4, LengthRule::Unit::code_points } };
    const auto numbered = split_to_fit("abcdef", tiny, { "{i}/{n}" });
    REQUIRE_FALSE(numbered);
    CHECK(numbered.error() == "the numbering leaves no room for the text");
  }

  TEST_CASE("no cut inside a grapheme cluster: a combining mark after a space or a full stop")
  {
    const std::vector rules{ LengthRule{ "test", 7, LengthRule::Unit::code_points } };
    const std::string text = "abc \u0301def ghi";
    const auto parts = split_to_fit(text, rules);
    REQUIRE(parts);
    // Not "abc" and "\u0301def": the space and the mark are one cluster.
    CHECK(*parts == std::vector<std::string>{ "abc \u0301de", "f ghi" });
    check_split(text, rules, *parts);
    const std::string cjk = "\u6587\u3002\u0301\u6587\u3002\u6587\u6587";
    const auto cjk_parts = split_to_fit(cjk, rules);
    REQUIRE(cjk_parts);
    check_split(cjk, rules, *cjk_parts);
  }

  TEST_CASE("grapheme boundaries")
  {
    CHECK(grapheme_boundaries("") == std::vector<size_t>{ 0 });
    CHECK(grapheme_boundaries("a\r\nb") == std::vector<size_t>{ 0, 1, 3, 4 });
    // e + combining acute, then a flag (two regional indicators): two clusters.
    CHECK(grapheme_boundaries("e\u0301\U0001F1E9\U0001F1EA") == std::vector<size_t>{ 0, 3, 11 });
  }
}
