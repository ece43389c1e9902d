#include "length_rules.hpp"

#include "graphemes.hpp"
#include "icu_api.hpp"
#include "links.hpp"
#include "utf8.hpp"

#include <fmt/core.h>

#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>

namespace herald::text {

namespace {

bool
is_ascii(std::string_view text)
{
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// `text` in Unicode Normalization Form C, ill-formed bytes as U+FFFD; nullopt when `text` is
// ASCII, which is NFC already, so ASCII text never loads ICU. unorm2 works on UTF-16, so the
// text goes there and back; the U8/U16 macros are header-only.
std::optional<std::string>
nfc(std::string_view text)
{
  if (is_ascii(text)) {
    return std::nullopt;
  }
  if (text.size() > static_cast<size_t>(INT32_MAX)) {
    // ICU's lengths are int32_t; UTF-16 never has more units than UTF-8 has bytes.
    throw std::length_error("text too large to normalise (2 GiB or more)");
  }
  std::u16string utf16;
  utf16.reserve(text.size());
  for (size_t pos = 0; pos < text.size();) {
    const CodePoint cp = code_point_at(text, pos);
    const UChar32 c = cp.value == k_ill_formed ? 0xFFFD : cp.value;
    if (U_IS_BMP(c)) {
      utf16.push_back(static_cast<char16_t>(c));
    } else {
      utf16.push_back(U16_LEAD(c));
      utf16.push_back(U16_TRAIL(c));
    }
    pos = cp.end;
  }

  const IcuApi& icu = icu_api();
  UErrorCode status = U_ZERO_ERROR;
  const UNormalizer2* normalizer = icu.normalizer_get_nfc_instance(&status);
  std::u16string normalized(utf16.size(), u'\0');
  const auto normalize = [&] {
    return icu.normalizer_normalize(normalizer, utf16.data(), static_cast<int32_t>(utf16.size()),
                                    normalized.data(), static_cast<int32_t>(normalized.size()),
                                    &status);
  };
  int32_t length = U_SUCCESS(status) ? normalize() : 0;
  if (status == U_BUFFER_OVERFLOW_ERROR) {
    // A few characters (composition exclusions such as U+0958) come out longer than they went in.
    status = U_ZERO_ERROR;
    normalized.resize(static_cast<size_t>(length));
    length = normalize();
  }
  if (U_FAILURE(status)) {
    throw std::runtime_error(
      fmt::format("cannot normalise text with ICU: {}", icu.error_name(status)));
  }
  normalized.resize(static_cast<size_t>(length));

  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < normalized.size();) {
    UChar32 c = 0;
    U16_NEXT(normalized.data(), i, normalized.size(), c);
    uint8_t bytes[U8_MAX_LENGTH];
    size_t n = 0;
    U8_APPEND_UNSAFE(bytes, n, c);
    out.append(reinterpret_cast<const char*>(bytes), n);
  }
  return out;
}

// The text as the platform counts it. `text` is unset when nothing was rewritten or normalised,
// so the common case (no URLs, no remote mentions, no NFC) costs no copy.
struct Countable
{
  std::optional<std::string> text;
  size_t urls = 0;
  size_t mentions = 0;
};

Countable
countable(std::string_view text, const LengthRule& rule)
{
  Countable out;
  if (rule.unit == LengthRule::Unit::x_weighted) {
    // Like twitter-text's parseTweet: normalise, then find the URLs in the normalised text.
    out.text = nfc(text);
  }
  if (rule.url_weight == 0 && !rule.mentions_count_local_part) {
    return out;
  }
  const std::string_view source = out.text ? std::string_view(*out.text) : text;
  // Like Mastodon's StatusLengthValidator: replace each URL by url_weight 'x' and each remote
  // mention by its local part, then count the result.
  std::string rewritten;
  size_t copied = 0;
  for (const TextSpan& span : find_links(source)) {
    std::string replacement;
    if (span.kind == TextSpan::Kind::url && rule.url_weight > 0) {
      replacement.assign(rule.url_weight, 'x');
      ++out.urls;
    } else if (span.kind == TextSpan::Kind::mention && rule.mentions_count_local_part &&
               span.value.find('@') != std::string::npos) {
      replacement = "@" + span.value.substr(0, span.value.find('@'));
      ++out.mentions;
    } else {
      continue;
    }
    rewritten.append(source.substr(copied, span.byte_start - copied));
    rewritten += replacement;
    copied = span.byte_end;
  }
  if (out.urls > 0 || out.mentions > 0) {
    rewritten.append(source.substr(copied));
    out.text = std::move(rewritten);
  }
  return out;
}

// twitter-text's config/v3.json "ranges": the code points that weigh 100 on its scale of 100,
// i.e. 1; every other code point weighs its defaultWeight, 200.
bool
is_x_light(int32_t c)
{
  return (c >= 0 && c <= 0x10FF) || (c >= 0x2000 && c <= 0x200D) || (c >= 0x2010 && c <= 0x201F) ||
         (c >= 0x2032 && c <= 0x2037);
}

// Whether a grapheme cluster is one emoji as twitter-text counts them (with emojiParsingEnabled,
// through twemoji's parser): one with an Extended_Pictographic code point (faces, ZWJ families,
// skin tones, tag flags such as England's, text-style symbols such as U+263A), a flag of two
// regional indicators, or a keycap ("1" U+FE0F U+20E3).
bool
is_emoji_sequence(std::string_view cluster)
{
  const int32_t first = code_point_at(cluster, 0).value;
  if (first >= 0x1F1E6 && first <= 0x1F1FF) {
    return true; // a regional indicator (a lone one weighs 2 either way)
  }
  if ((first == '#' || first == '*' || (first >= '0' && first <= '9')) &&
      code_point_before(cluster, cluster.size()).value == 0x20E3) {
    return true;
  }
  const IcuApi& icu = icu_api();
  for (size_t pos = 0; pos < cluster.size();) {
    const CodePoint cp = code_point_at(cluster, pos);
    if (cp.value >= 0x80 && icu.has_binary_property(cp.value, UCHAR_EXTENDED_PICTOGRAPHIC)) {
      return true;
    }
    pos = cp.end;
  }
  return false;
}

struct XWeight
{
  size_t total = 0;
  size_t heavy = 0; // code points outside X's light ranges and outside emoji, 2 each
  size_t emoji = 0; // emoji sequences, 2 each however many code points they have
};

// X's weighted length of `text`, already normalised and with its URLs rewritten.
XWeight
weigh_x(std::string_view text)
{
  XWeight weight;
  if (is_ascii(text)) {
    weight.total = text.size(); // all light, no emoji: without ICU
    return weight;
  }
  const std::vector<size_t> boundaries = grapheme_boundaries(text);
  for (size_t i = 1; i < boundaries.size(); ++i) {
    const std::string_view cluster =
      text.substr(boundaries[i - 1], boundaries[i] - boundaries[i - 1]);
    if (is_emoji_sequence(cluster)) {
      weight.total += 2;
      ++weight.emoji;
      continue;
    }
    for (size_t pos = 0; pos < cluster.size();) {
      const CodePoint cp = code_point_at(cluster, pos);
      if (is_x_light(cp.value)) {
        ++weight.total;
      } else {
        weight.total += 2;
        ++weight.heavy;
      }
      pos = cp.end;
    }
  }
  return weight;
}

struct EmojiBytes
{
  size_t total = 0;
  size_t emoji = 0; // emoji sequences, counted by their UTF-8 bytes
};

// Threads' count: graphemes, except that an emoji sequence counts its UTF-8 bytes.
EmojiBytes
weigh_emoji_bytes(std::string_view text)
{
  EmojiBytes weight;
  if (is_ascii(text)) {
    weight.total = text.size();
    return weight;
  }
  const std::vector<size_t> boundaries = grapheme_boundaries(text);
  for (size_t i = 1; i < boundaries.size(); ++i) {
    const std::string_view cluster =
      text.substr(boundaries[i - 1], boundaries[i] - boundaries[i - 1]);
    if (is_emoji_sequence(cluster)) {
      weight.total += cluster.size();
      ++weight.emoji;
    } else {
      ++weight.total;
    }
  }
  return weight;
}

size_t
count(std::string_view text, LengthRule::Unit unit)
{
  switch (unit) {
  case LengthRule::Unit::graphemes:
    return count_graphemes(text);
  case LengthRule::Unit::bytes:
    return text.size();
  case LengthRule::Unit::utf16:
    return count_utf16_units(text);
  case LengthRule::Unit::code_points:
    return count_code_points(text);
  case LengthRule::Unit::x_weighted:
    return weigh_x(text).total;
  case LengthRule::Unit::emoji_bytes:
    return weigh_emoji_bytes(text).total;
  }
  return text.size(); // unreachable: every unit is handled above
}

std::string
unit_name(LengthRule::Unit unit, size_t n)
{
  // Readers know graphemes as "characters", and X calls its weighted count so too (the notes
  // say what weighs 2); the other units are named precisely because emoji and accents count
  // differently in them.
  switch (unit) {
  case LengthRule::Unit::graphemes:
  case LengthRule::Unit::x_weighted:
  case LengthRule::Unit::emoji_bytes:
    return n == 1 ? "character" : "characters";
  case LengthRule::Unit::bytes:
    return n == 1 ? "byte in UTF-8" : "bytes in UTF-8";
  case LengthRule::Unit::utf16:
    return n == 1 ? "UTF-16 code unit" : "UTF-16 code units";
  case LengthRule::Unit::code_points:
    return n == 1 ? "Unicode code point" : "Unicode code points";
  }
  return "units"; // unreachable
}

} // namespace

size_t
measure(std::string_view text, const LengthRule& rule)
{
  const Countable c = countable(text, rule);
  return count(c.text ? std::string_view(*c.text) : text, rule.unit);
}

std::optional<std::string>
too_long(std::string_view text, const LengthRule& rule)
{
  const Countable c = countable(text, rule);
  const std::string_view counted = c.text ? std::string_view(*c.text) : text;
  const size_t n = count(counted, rule.unit);
  if (n <= rule.limit) {
    return std::nullopt;
  }
  std::string notes;
  const auto note = [&notes](std::string_view what) {
    notes += notes.empty() ? " (" : ", ";
    notes += what;
  };
  if (c.urls > 0) {
    note(fmt::format("URLs counted as {}", rule.url_weight));
  }
  if (c.mentions > 0) {
    note("@user@domain counted as @user");
  }
  if (rule.unit == LengthRule::Unit::utf16 && n > count_code_points(counted)) {
    note("emoji and other characters above U+FFFF count 2");
  }
  if (rule.unit == LengthRule::Unit::x_weighted) {
    const XWeight weight = weigh_x(counted);
    if (weight.heavy > 0) {
      note("CJK and other characters outside X's light ranges count 2");
    }
    if (weight.emoji > 0) {
      note("emoji count 2");
    }
  }
  if (rule.unit == LengthRule::Unit::emoji_bytes && weigh_emoji_bytes(counted).emoji > 0) {
    note("an emoji counts its bytes in UTF-8");
  }
  if (!notes.empty()) {
    notes += ')';
  }
  return fmt::format("text is {} {}{}, the limit is {}", n, unit_name(rule.unit, n), notes,
                     rule.limit);
}

std::vector<std::string>
check_length(std::string_view text, std::span<const LengthRule> rules)
{
  if (const auto bad = find_invalid_utf8(text)) {
    return { fmt::format("text is not valid UTF-8 (bad byte at offset {})", *bad) };
  }
  std::vector<std::string> problems;
  for (const LengthRule& rule : rules) {
    if (auto problem = too_long(text, rule)) {
      problems.push_back(std::move(*problem));
    }
  }
  return problems;
}

LengthRule
mastodon_rule(size_t limit, size_t url_weight)
{
  // Mastodon's StatusLengthValidator counts grapheme clusters (Ruby's each_grapheme_cluster,
  // not String#length, which would be code points) of the status after replacing every http(s)
  // URL by 23 'x' and every "@user@domain" by "@user". Both numbers are per instance:
  // configuration.statuses.max_characters and characters_reserved_per_url. The content warning
  // (spoiler_text) shares the limit but is counted as written, without URL or mention rewriting.
  return { "mastodon", limit, LengthRule::Unit::graphemes, url_weight, true };
}

std::vector<LengthRule>
bluesky_rules()
{
  // app.bsky.feed.post's text lexicon: maxGraphemes 300 and maxLength 3000, which
  // @atproto/lexicon checks in UTF-8 bytes. Both apply; URLs count as written (they are plain
  // text with a facet over them).
  return {
    { "bluesky", 300, LengthRule::Unit::graphemes, 0, false },
    { "bluesky", 3000, LengthRule::Unit::bytes, 0, false },
  };
}

LengthRule
discord_rule()
{
  // "content: 2000 characters"; Discord's API is Python 3 and measures len(str), i.e. code
  // points, as Discord staff confirmed (discord-api-docs issue #1315).
  return { "discord", 2000, LengthRule::Unit::code_points, 0, false };
}

LengthRule
slack_rule()
{
  // chat.postMessage truncates text after 40,000 characters (the hard limit used here; Slack
  // advises 4,000 for readability, which is a style matter, not a rejection). Slack does not say
  // what a character is, so this counts code points, the usual server-side meaning.
  return { "slack", 40000, LengthRule::Unit::code_points, 0, false };
}

LengthRule
telegram_text_rule()
{
  // 1-4096 characters after entity parsing, counted like entity offsets: UTF-16 code units.
  // Measure the text as sent without markup (plain text, or after HTML/MarkdownV2 parsing).
  return { "telegram", 4096, LengthRule::Unit::utf16, 0, false };
}

LengthRule
telegram_caption_rule()
{
  return { "telegram", 1024, LengthRule::Unit::utf16, 0, false };
}

LengthRule
x_rule()
{
  // twitter-text's config/v3.json, the counting X's API applies to a post's text:
  // maxWeightedTweetLength 280, transformedURLLength 23, the text NFC-normalised first, code
  // points weighed by range (is_x_light) and each emoji sequence 2 (emojiParsingEnabled).
  // twitter-text also takes a bare domain ("example.com") for a URL, and not a URL whose host
  // is invalid; find_links() sees http(s) URLs only, so those count as written here.
  return { "x", 280, LengthRule::Unit::x_weighted, 23, false };
}

LengthRule
threads_rule()
{
  // developers.facebook.com/docs/threads/overview: 500 characters; "emojis are counted as
  // their UTF-8 byte length".
  return { "threads", 500, LengthRule::Unit::emoji_bytes, 0, false };
}

std::vector<LengthRule>
webhook_rules(std::optional<size_t> limit)
{
  if (!limit) {
    return {};
  }
  // A receiver of unknown make: code points are the most common server-side "characters".
  return { { "webhook", *limit, LengthRule::Unit::code_points, 0, false } };
}

} // namespace herald::text
