// `release:`: how a release is announced (herald-calendar(5)).

#include "load_context.hpp"

#include <fmt/core.h>

#include <array>
#include <charconv>

namespace herald::calendar {

namespace {

constexpr std::array<std::string_view, 4> k_release_keys = { "text", "variants", "skip",
                                                             "summary_items" };
constexpr std::array<std::string_view, 1> k_release_variant_keys = { "text" };

// A template at `node`, or nothing when it is not one (reported).
std::optional<std::string>
read_template(LoadContext& ctx, const SourceFile& file, const YamlNode& node, std::string_view path)
{
  if (!expect_scalar(ctx, file, node, path, "a template, like \"{name} is out: {url}\"")) {
    return std::nullopt;
  }
  if (trim(node.scalar).empty()) {
    ctx.error(file, node, fmt::format("'{}' is empty", path));
    return std::nullopt;
  }
  if (const auto problem = release::template_problem(node.scalar)) {
    ctx.error(file, node, fmt::format("'{}' {}", path, *problem));
    return std::nullopt;
  }
  return node.scalar;
}

void
read_variants(LoadContext& ctx, const SourceFile& file, const YamlNode& variants)
{
  if (!expect_map(ctx, file, variants, "release.variants",
                  "a map from account names to a 'text:' each")) {
    return;
  }
  for (const auto& entry : variants.entries) {
    const std::string& account = entry.key.scalar;
    ctx.check_account_name(file, entry.key, "in release.variants");
    const std::string path = join_path("release.variants", account);
    if (!expect_map(ctx, file, entry.value, path, "a map with 'text:'")) {
      continue;
    }
    check_known_keys(ctx, file, entry.value, k_release_variant_keys,
                     fmt::format("in release variant '{}'", account));
    const YamlNode* text = find_value(entry.value, "text");
    if (!text) {
      ctx.error(file, entry.value, fmt::format("release variant '{}' has no 'text:'", account));
      continue;
    }
    if (auto read = read_template(ctx, file, *text, join_path(path, "text"))) {
      ctx.calendar.release.variants[account] = std::move(*read);
    }
  }
}

void
read_skip(LoadContext& ctx, const SourceFile& file, const YamlNode& skip)
{
  std::vector<const YamlNode*> items;
  if (skip.is_scalar()) {
    items.push_back(&skip);
  } else if (expect_sequence(ctx, file, skip, "release.skip", "a list of 'patch', 'prerelease'")) {
    for (const auto& item : skip.items) {
      items.push_back(&item);
    }
  }
  for (const YamlNode* item : items) {
    const auto rule = item->is_scalar() ? release::parse_skip_rule(trim(item->scalar))
                                        : std::optional<release::SkipRule>();
    if (!rule) {
      ctx.error(file, *item,
                fmt::format("'release.skip' takes 'patch' (1.4.1) and 'prerelease' (1.5.0-rc.1), "
                            "not '{}'",
                            item->is_scalar() ? item->scalar : std::string("a list or map")));
      continue;
    }
    ctx.calendar.release.skip.push_back(*rule);
  }
}

void
read_summary_items(LoadContext& ctx, const SourceFile& file, const YamlNode& node)
{
  const std::string_view what = "a whole number from 1 to 20";
  if (!expect_scalar(ctx, file, node, "release.summary_items", what)) {
    return;
  }
  const std::string_view text = trim(node.scalar);
  size_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1 || value > 20) {
    ctx.error(file, node, fmt::format("'release.summary_items' must be {}", what));
    return;
  }
  ctx.calendar.release.summary_items = value;
}

} // namespace

void
read_release(LoadContext& ctx, const SourceFile& file, const YamlNode& release)
{
  if (release.is_null() ||
      !expect_map(ctx, file, release, "release",
                  "a map with 'text:', 'variants:', 'skip:' or 'summary_items:'")) {
    return;
  }
  check_known_keys(ctx, file, release, k_release_keys, "in release");
  if (const YamlNode* text = find_value(release, "text")) {
    if (auto read = read_template(ctx, file, *text, "release.text")) {
      ctx.calendar.release.text = std::move(*read);
    }
  }
  if (const YamlNode* variants = find_value(release, "variants")) {
    read_variants(ctx, file, *variants);
  }
  if (const YamlNode* skip = find_value(release, "skip")) {
    read_skip(ctx, file, *skip);
  }
  if (const YamlNode* items = find_value(release, "summary_items")) {
    read_summary_items(ctx, file, *items);
  }
}

} // namespace herald::calendar
