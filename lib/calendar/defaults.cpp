// `defaults:`: what posts fall back to.

#include "load_context.hpp"
#include "split_reader.hpp"
#include "utm_reader.hpp"

#include "util/duration.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>

namespace herald::calendar {

namespace {

constexpr std::array<std::string_view, 5> k_default_keys = { "to", "grace", "utm", "media_dir",
                                                             "split" };

} // namespace

void
read_defaults(LoadContext& ctx, const SourceFile& file, const YamlNode& defaults)
{
  if (defaults.is_null() ||
      !expect_map(ctx, file, defaults, "defaults", "a map with 'to:', 'grace:' or 'utm:'")) {
    return;
  }
  check_known_keys(ctx, file, defaults, k_default_keys, "in defaults");
  if (const YamlNode* to = find_value(defaults, "to")) {
    for (const YamlNode* name : read_name_list(ctx, file, *to, "defaults.to")) {
      auto& to_list = ctx.calendar.default_to;
      if (std::find(to_list.begin(), to_list.end(), name->scalar) != to_list.end()) {
        ctx.warning(file, *name,
                    fmt::format("account '{}' is listed twice in defaults", name->scalar));
        continue;
      }
      ctx.check_account_name(file, *name, "in defaults");
      to_list.push_back(name->scalar);
    }
  }
  if (const YamlNode* grace = find_value(defaults, "grace")) {
    if (expect_scalar(ctx, file, *grace, "defaults.grace", "a duration, like 1h or 30m")) {
      const auto duration = parse_duration(trim(grace->scalar));
      if (duration) {
        ctx.calendar.grace = *duration;
      } else {
        ctx.error(file, *grace, fmt::format("'defaults.grace': {}", duration.error()));
      }
    }
  }
  if (const YamlNode* media_dir = find_value(defaults, "media_dir")) {
    ctx.default_media_dir = read_media_dir(ctx, file, *media_dir, "defaults.media_dir");
  }
  if (const YamlNode* utm = find_value(defaults, "utm")) {
    ctx.calendar.utm = read_utm(ctx, file, *utm, "defaults.utm", std::nullopt);
  }
  if (const YamlNode* split = find_value(defaults, "split")) {
    ctx.calendar.split = read_split(ctx, file, *split, "defaults.split", std::nullopt);
  }
}

} // namespace herald::calendar
