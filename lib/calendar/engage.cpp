// `engage:`: settings of `herald engage` (herald-calendar(5)).

#include "load_context.hpp"

#include "util/duration.hpp"

#include <fmt/core.h>

#include <array>

namespace herald::calendar {

namespace {

constexpr std::array<std::string_view, 3> k_engage_keys = { "ignore", "lookback", "bots" };

void
read_ignore(LoadContext& ctx, const SourceFile& file, const YamlNode& ignore)
{
  if (ignore.is_null()) {
    return;
  }
  const auto add = [&](const YamlNode& item) {
    if (!item.is_scalar() || trim(item.scalar).empty()) {
      ctx.error(file, item, "'engage.ignore' must be a list of handles, like @bot@example.social");
      return;
    }
    ctx.calendar.engage.ignore.emplace_back(trim(item.scalar));
  };
  if (ignore.is_sequence()) {
    for (const auto& item : ignore.items) {
      add(item);
    }
  } else {
    add(ignore);
  }
}

} // namespace

void
read_engage(LoadContext& ctx, const SourceFile& file, const YamlNode& engage)
{
  if (engage.is_null() ||
      !expect_map(ctx, file, engage, "engage", "a map with 'ignore:', 'lookback:' or 'bots:'")) {
    return;
  }
  check_known_keys(ctx, file, engage, k_engage_keys, "in engage");
  if (const YamlNode* ignore = find_value(engage, "ignore")) {
    read_ignore(ctx, file, *ignore);
  }
  if (const YamlNode* lookback = find_value(engage, "lookback")) {
    if (expect_scalar(ctx, file, *lookback, "engage.lookback", "a duration, like 7d or 36h")) {
      const auto duration = parse_duration(trim(lookback->scalar));
      if (!duration) {
        ctx.error(file, *lookback, fmt::format("'engage.lookback': {}", duration.error()));
      } else if (duration->count() <= 0) {
        ctx.error(file, *lookback, "'engage.lookback' must be longer than 0s");
      } else {
        ctx.calendar.engage.lookback = *duration;
      }
    }
  }
  if (const YamlNode* bots = find_value(engage, "bots")) {
    const bool plain = bots->is_scalar() && bots->style == YamlNode::Style::plain;
    if (plain && (bots->scalar == "true" || bots->scalar == "false")) {
      ctx.calendar.engage.ignore_bots = bots->scalar == "false";
    } else {
      ctx.error(file, *bots, "'engage.bots' must be true (list bots) or false (leave them out)");
    }
  }
}

} // namespace herald::calendar
