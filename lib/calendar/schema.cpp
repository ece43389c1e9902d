// The type-checking helpers every part of the calendar walker uses.

#include "load_context.hpp"

#include "util/edit_distance.hpp"

#include <fmt/core.h>

namespace herald::calendar {

std::span<const std::string_view>
LoadContext::account_candidates()
{
  if (!account_names_built) {
    account_names.reserve(calendar.accounts.size());
    for (const auto& [name, account] : calendar.accounts) {
      account_names.emplace_back(name);
    }
    account_names_built = true;
  }
  return account_names;
}

bool
LoadContext::check_account_name(const SourceFile& file, const YamlNode& name,
                                std::string_view where)
{
  if (calendar.accounts.count(name.scalar) > 0) {
    return true;
  }
  const auto suggestion = closest_match(name.scalar, account_candidates());
  error(file, name,
        suggestion ? fmt::format("unknown account '{}' {}, did you mean '{}'?", name.scalar, where,
                                 *suggestion)
                   : fmt::format("unknown account '{}' {}", name.scalar, where));
  return false;
}

std::string
join_path(std::string_view base, std::string_view key)
{
  return base.empty() ? std::string(key) : fmt::format("{}.{}", base, key);
}

std::string
index_path(std::string_view base, size_t index)
{
  return fmt::format("{}[{}]", base, index);
}

int
key_index(const YamlNode& key, std::span<const std::string_view> known)
{
  if (!key.is_scalar()) {
    return -1;
  }
  for (size_t i = 0; i < known.size(); ++i) {
    if (key.scalar == known[i]) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

void
check_known_keys(LoadContext& ctx, const SourceFile& file, const YamlNode& map,
                 std::span<const std::string_view> known, std::string_view where)
{
  for (const auto& entry : map.entries) {
    // Non-scalar keys were reported by the parser.
    if (!entry.key.is_scalar() || key_index(entry.key, known) >= 0) {
      continue;
    }
    const auto suggestion = closest_match(entry.key.scalar, known);
    ctx.error(file, entry.key,
              suggestion ? fmt::format("unknown key '{}' {}, did you mean '{}'?", entry.key.scalar,
                                       where, *suggestion)
                         : fmt::format("unknown key '{}' {}", entry.key.scalar, where));
  }
}

bool
expect_scalar(LoadContext& ctx, const SourceFile& file, const YamlNode& node, std::string_view path,
              std::string_view what)
{
  if (node.is_scalar()) {
    return true;
  }
  ctx.error(file, node, fmt::format("'{}' must be {}", path, what));
  return false;
}

bool
expect_map(LoadContext& ctx, const SourceFile& file, const YamlNode& node, std::string_view path,
           std::string_view what)
{
  if (node.is_map()) {
    return true;
  }
  ctx.error(file, node, fmt::format("'{}' must be {}", path, what));
  return false;
}

bool
expect_sequence(LoadContext& ctx, const SourceFile& file, const YamlNode& node,
                std::string_view path, std::string_view what)
{
  if (node.is_sequence()) {
    return true;
  }
  ctx.error(file, node, fmt::format("'{}' must be {}", path, what));
  return false;
}

std::vector<const YamlNode*>
read_name_list(LoadContext& ctx, const SourceFile& file, const YamlNode& node,
               std::string_view path)
{
  constexpr std::string_view k_what = "a list of account names";
  std::vector<const YamlNode*> names;
  if (node.is_scalar()) {
    names.push_back(&node);
    return names;
  }
  if (!expect_sequence(ctx, file, node, path, k_what)) {
    return names;
  }
  names.reserve(node.items.size());
  for (size_t i = 0; i < node.items.size(); ++i) {
    const YamlNode& item = node.items[i];
    if (expect_scalar(ctx, file, item, index_path(path, i), "an account name")) {
      names.push_back(&item);
    }
  }
  return names;
}

const YamlNode*
find_value(const YamlNode& map, std::string_view key)
{
  if (!map.is_map()) {
    return nullptr;
  }
  for (const auto& entry : map.entries) {
    if (entry.key.is_scalar() && entry.key.scalar == key) {
      return &entry.value;
    }
  }
  return nullptr;
}

bool
has_url_scheme(std::string_view text)
{
  const size_t colon = text.find(':');
  // One letter before the colon is a drive letter, not a scheme.
  if (colon == std::string_view::npos || colon < 2) {
    return false;
  }
  const auto is_alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!is_alpha(text[0])) {
    return false;
  }
  std::string scheme;
  for (const char c : text.substr(0, colon)) {
    if (!is_alpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '.' && c != '-') {
      return false;
    }
    scheme += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return text.substr(colon + 1).starts_with("//") || scheme == "file" || scheme == "data" ||
         scheme == "http" || scheme == "https";
}

std::string_view
trim(std::string_view text)
{
  constexpr std::string_view k_space = " \t\r\n\f\v";
  const size_t first = text.find_first_not_of(k_space);
  if (first == std::string_view::npos) {
    return {};
  }
  const size_t last = text.find_last_not_of(k_space);
  return text.substr(first, last - first + 1);
}

} // namespace herald::calendar
