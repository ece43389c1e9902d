// `split:`: when a text too long for an account becomes a thread there.

#include "split_reader.hpp"

#include <fmt/core.h>

#include <array>

namespace herald::calendar {

namespace {

constexpr std::array<std::string_view, 1> k_split_keys = { "numbering" };

} // namespace

std::optional<SplitSettings>
read_split(LoadContext& ctx, const SourceFile& file, const YamlNode& node, std::string_view path,
           const std::optional<SplitSettings>& base)
{
  const bool plain = node.is_scalar() && node.style == YamlNode::Style::plain;
  if (plain && node.scalar == "thread") {
    return SplitSettings{};
  }
  if (plain && node.scalar == "false") {
    return std::nullopt;
  }
  if (!node.is_map()) {
    ctx.error(file, node,
              fmt::format("'{}' must be thread, false, or a map with 'numbering:' (e.g. "
                          "{{numbering: \"{{i}}/{{n}}\"}})",
                          path));
    return base;
  }
  check_known_keys(ctx, file, node, k_split_keys, fmt::format("in '{}'", path));
  SplitSettings settings;
  if (const YamlNode* numbering = find_value(node, "numbering")) {
    const std::string where = join_path(path, "numbering");
    if (!expect_scalar(ctx, file, *numbering, where, "a pattern such as \"{i}/{n}\"")) {
      return base;
    }
    if (numbering->scalar.find("{i}") == std::string::npos) {
      ctx.error(
        file, *numbering,
        fmt::format("'{}' must hold {{i}}, the part's number (e.g. \"{{i}}/{{n}}\")", where));
      return base;
    }
    settings.numbering = numbering->scalar;
  }
  return settings;
}

} // namespace herald::calendar
