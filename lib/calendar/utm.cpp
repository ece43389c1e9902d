// `utm:` and `campaign:`: how the links of a post are tagged for web analytics.

#include "utm_reader.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>

namespace herald::calendar {

namespace {

constexpr std::array<std::string_view, 5> k_utm_keys = { "source", "medium", "campaign", "content",
                                                         "exclude" };
constexpr std::array<std::string_view, 4> k_placeholders = { "platform", "account", "post",
                                                             "campaign" };

bool
is_plain(const YamlNode& node, std::string_view word)
{
  return node.is_scalar() && node.style == YamlNode::Style::plain && node.scalar == word;
}

// A template's problem, or nothing: every '{' opens one of k_placeholders.
std::optional<std::string>
template_problem(std::string_view text)
{
  for (size_t open = text.find('{'); open != std::string_view::npos;
       open = text.find('{', open + 1)) {
    const size_t close = text.find('}', open);
    if (close == std::string_view::npos) {
      return "has a '{' without '}'";
    }
    const std::string_view name = text.substr(open + 1, close - open - 1);
    if (std::find(k_placeholders.begin(), k_placeholders.end(), name) == k_placeholders.end()) {
      return fmt::format("has an unknown placeholder '{{{}}}' (known: {{platform}}, {{account}}, "
                         "{{post}}, {{campaign}})",
                         name);
    }
  }
  return std::nullopt;
}

// "example.org": letters, digits, '-' and '.', no scheme or path.
bool
is_domain(std::string_view text)
{
  if (text.empty() || text.front() == '.' || text.back() == '.') {
    return false;
  }
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.';
  });
}

void
read_exclude(LoadContext& ctx, const SourceFile& file, const YamlNode& node, std::string_view path,
             UtmSettings& settings)
{
  std::vector<const YamlNode*> items;
  if (node.is_scalar()) {
    items.push_back(&node);
  } else if (expect_sequence(ctx, file, node, path, "a list of domain names")) {
    for (const auto& item : node.items) {
      items.push_back(&item);
    }
  }
  settings.exclude.clear();
  for (size_t i = 0; i < items.size(); ++i) {
    const YamlNode& item = *items[i];
    const std::string item_path = node.is_scalar() ? std::string(path) : index_path(path, i);
    if (!expect_scalar(ctx, file, item, item_path, "a domain name")) {
      continue;
    }
    const std::string_view domain = trim(item.scalar);
    if (!is_domain(domain)) {
      ctx.error(file, item,
                fmt::format("'{}' must be a domain name like example.org (no scheme or path), "
                            "not '{}'",
                            item_path, item.scalar));
      continue;
    }
    std::string lower;
    for (const char c : domain) {
      lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    settings.exclude.push_back(std::move(lower));
  }
}

std::string
expand(std::string_view text, const Post& post, const std::string& account,
       const std::string& platform)
{
  std::string out;
  size_t copied = 0;
  for (size_t open = text.find('{'); open != std::string_view::npos;
       open = text.find('{', open + 1)) {
    const size_t close = text.find('}', open);
    if (close == std::string_view::npos) {
      break;
    }
    const std::string_view name = text.substr(open + 1, close - open - 1);
    out += text.substr(copied, open - copied);
    if (name == "platform") {
      out += platform;
    } else if (name == "account") {
      out += account;
    } else if (name == "post") {
      out += post.id;
    } else if (name == "campaign") {
      out += post.campaign.empty() ? post.id : post.campaign;
    }
    copied = close + 1;
  }
  out += text.substr(copied);
  return out;
}

} // namespace

std::optional<UtmSettings>
read_utm(LoadContext& ctx, const SourceFile& file, const YamlNode& node, std::string_view path,
         const std::optional<UtmSettings>& base)
{
  if (is_plain(node, "false")) {
    return std::nullopt;
  }
  UtmSettings settings = base.value_or(UtmSettings{});
  if (is_plain(node, "true") || node.is_null()) {
    return settings;
  }
  if (!node.is_map()) {
    ctx.error(file, node,
              fmt::format("'{}' must be true, false or a map with source, medium, campaign, "
                          "content or exclude",
                          path));
    return base;
  }
  check_known_keys(ctx, file, node, k_utm_keys, fmt::format("in '{}'", path));
  for (const auto& entry : node.entries) {
    const int index = key_index(entry.key, k_utm_keys);
    if (index < 0) {
      continue;
    }
    const std::string key_path = join_path(path, entry.key.scalar);
    if (entry.key.scalar == "exclude") {
      read_exclude(ctx, file, entry.value, key_path, settings);
      continue;
    }
    if (!expect_scalar(ctx, file, entry.value, key_path, "a string")) {
      continue;
    }
    if (const auto problem = template_problem(entry.value.scalar)) {
      ctx.error(file, entry.value, fmt::format("'{}' {}", key_path, *problem));
      continue;
    }
    std::string* const fields[] = { &settings.source, &settings.medium, &settings.campaign,
                                    &settings.content };
    *fields[index] = entry.value.scalar;
  }
  return settings;
}

void
apply_utm(const Calendar& calendar, const UtmSettings& settings, Post& post)
{
  for (const auto& account : post.to) {
    const auto it = calendar.accounts.find(account);
    if (it == calendar.accounts.end()) {
      continue;
    }
    const std::string& platform = it->second.platform;
    post.utm[account] =
      text::UtmTags{ expand(settings.source, post, account, platform),
                     expand(settings.medium, post, account, platform),
                     expand(settings.campaign, post, account, platform),
                     expand(settings.content, post, account, platform), settings.exclude };
  }
}

} // namespace herald::calendar
