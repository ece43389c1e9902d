// Length rules: measuring a post's text under every platform's rule (graphemes, UTF-16 units,
// code points, bytes, X's weighted count, URL weights, remote mentions), and the messages that
// say it is too long.
#include "text/length_rules.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

using namespace herald::text;

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static const std::vector<LengthRule> rules = [] {
    std::vector<LengthRule> all = bluesky_rules();
    for (auto rule : { mastodon_rule(), mastodon_rule(10, 0), discord_rule(), slack_rule(),
                       telegram_text_rule(), telegram_caption_rule(), x_rule(), threads_rule() }) {
      all.push_back(rule);
    }
    for (auto rule : webhook_rules(5)) {
      all.push_back(rule);
    }
    // Every unit with both ways of counting URLs and mentions.
    for (const auto unit : { LengthRule::Unit::graphemes, LengthRule::Unit::bytes,
                             LengthRule::Unit::utf16, LengthRule::Unit::code_points,
                             LengthRule::Unit::x_weighted, LengthRule::Unit::emoji_bytes }) {
      all.push_back({ "test", 3, unit, 7, true });
      all.push_back({ "test", 3, unit, 0, false });
    }
    return all;
  }();
  for (const auto& rule : rules) {
    const size_t length = measure(text, rule);
    const auto why = too_long(text, rule);
    // Too long exactly when the measure is over the limit.
    if (why.has_value() != (length > rule.limit)) {
      std::abort();
    }
  }
  (void)check_length(text, rules);
  return 0;
}
