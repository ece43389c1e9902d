#include "length_rules.hpp"

#include "graphemes.hpp"
#include "links.hpp"

#include <fmt/core.h>

namespace herald::text {

namespace {

// The text as the platform counts it. `text` is unset when nothing was rewritten, so the common
// case (no URLs, no remote mentions) costs no copy.
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
  if (rule.url_weight == 0 && !rule.mentions_count_local_part) {
    return out;
  }
  // Like Mastodon's StatusLengthValidator: replace each URL by url_weight 'x' and each remote
  // mention by its local part, then count the result.
  std::string rewritten;
  size_t copied = 0;
  for (const TextSpan& span : find_links(text)) {
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
    rewritten.append(text.substr(copied, span.byte_start - copied));
    rewritten += replacement;
    copied = span.byte_end;
  }
  if (out.urls > 0 || out.mentions > 0) {
    rewritten.append(text.substr(copied));
    out.text = std::move(rewritten);
  }
  return out;
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
  }
  return text.size(); // unreachable: every unit is handled above
}

std::string
unit_name(LengthRule::Unit unit, size_t n)
{
  // Readers know graphemes as "characters"; the other units are named precisely because emoji
  // and accents count differently in them.
  switch (unit) {
  case LengthRule::Unit::graphemes:
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
