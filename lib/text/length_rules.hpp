#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// The length limits platforms put on a post's text, and checking text against them. Platform
// adapters pick the rules; messages here are platform-neutral so the caller can add
// "for account 'masto' (mastodon)".
namespace herald::text {

// How one platform limits the length of a post's text.
struct LengthRule
{
  enum class Unit
  {
    graphemes,   // user-perceived characters (count_graphemes)
    bytes,       // UTF-8 bytes
    utf16,       // UTF-16 code units (count_utf16_units)
    code_points, // Unicode scalar values (count_code_points)
    x_weighted,  // X's weighted count after NFC: 1 for code points in X's light ranges (Latin,
                 // Greek, Cyrillic, Hebrew, Arabic, Indic scripts, some punctuation), 2 for the
                 // rest (CJK, Hangul, most symbols), 2 for each emoji sequence however many code
                 // points it has
    emoji_bytes, // Threads: 1 per user-perceived character, but an emoji sequence counts the
                 // UTF-8 bytes of its code points (Meta's docs)
  };

  std::string name; // the platform, e.g. "mastodon"; informative, never used for measuring
  size_t limit = 0; // the largest accepted count
  Unit unit = Unit::graphemes;
  size_t url_weight = 0;                  // every URL counts as this many units; 0: as written
  bool mentions_count_local_part = false; // a remote mention "@user@domain" counts as "@user"
};

// The length of `text` under `rule`: URLs and remote mentions (as find_links() finds them)
// rewritten as the rule says, then counted in rule.unit. Ill-formed UTF-8 counts as U+FFFD.
// In x_weighted the text is put in Unicode Normalization Form C first, as X does; ASCII text
// is NFC already and is measured without ICU, as in the other units.
size_t measure(std::string_view text, const LengthRule& rule);

// nullopt if `text` fits `rule`; otherwise why not, e.g.
// "text is 512 characters (URLs counted as 23), the limit is 500". A note in parentheses appears
// only when the text has what it describes (a URL, a remote mention, an emoji or a CJK character
// counting 2).
std::optional<std::string> too_long(std::string_view text, const LengthRule& rule);

// Every length problem of `text` under `rules`, in rule order; empty when it fits them all.
// Ill-formed UTF-8 is reported alone, as "text is not valid UTF-8 (bad byte at offset 12)":
// no platform accepts it, so its length means nothing.
std::vector<std::string> check_length(std::string_view text, std::span<const LengthRule> rules);

// Built-in rules, one function per platform (the limits and their sources are in the .cpp).
LengthRule mastodon_rule(size_t limit = 500, size_t url_weight = 23);
std::vector<LengthRule> bluesky_rules(); // 300 graphemes and 3000 UTF-8 bytes
LengthRule discord_rule();               // message content, 2000 code points
LengthRule slack_rule();                 // chat.postMessage text, 40,000 code points
LengthRule telegram_text_rule();         // sendMessage text, 4096 UTF-16 units
LengthRule telegram_caption_rule();      // media caption, 1024 UTF-16 units
LengthRule threads_rule();               // post text, 500 characters, an emoji its UTF-8 bytes
LengthRule x_rule();                     // post text, 280 in X's weighted count, URLs 23
// A generic webhook has no limit unless the account configures one (then in code points).
std::vector<LengthRule> webhook_rules(std::optional<size_t> limit = std::nullopt);

} // namespace herald::text
