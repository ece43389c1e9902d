// A post's long-form keys (`title:`, `link:`, `tags:`, `canonical_url:`, `series:`,
// `published:`): read and checked for their form here; what each platform needs of them is its
// own to say (Platform::article_problems).

#include "article_check.hpp"
#include "post_reader.hpp"
#include "text/utf8.hpp"

#include <fmt/core.h>

#include <algorithm>

namespace herald::calendar {

std::optional<std::string>
line_problem(std::string_view value)
{
  if (value.empty()) {
    return "must not be empty";
  }
  if (value.find_first_of("\r\n") != std::string_view::npos) {
    return "must be one line";
  }
  if (const auto bad = text::locate_invalid_utf8(value)) {
    return "has " + bad->describe();
  }
  return std::nullopt;
}

bool
is_web_url(std::string_view value)
{
  const bool web = value.starts_with("https://") || value.starts_with("http://");
  return web && value.find("://") + 3 < value.size() &&
         value.find_first_of(" \t\r\n") == std::string_view::npos;
}

namespace {

// A one-line, non-empty string, trimmed; nothing after reporting why not.
std::optional<std::string>
read_line(LoadContext& ctx, const PostScope& scope, const YamlNode& node, std::string_view key)
{
  const std::string path = join_path(scope.path, key);
  if (!expect_scalar(ctx, scope.file, node, path, "a string")) {
    return std::nullopt;
  }
  const std::string_view value = trim(node.scalar);
  if (const auto problem = line_problem(value)) {
    ctx.error(scope.file, node, fmt::format("'{}' {}", path, *problem));
    return std::nullopt;
  }
  return std::string(value);
}

// An absolute http(s) URL without white space.
std::optional<std::string>
read_url(LoadContext& ctx, const PostScope& scope, const YamlNode& node, std::string_view key)
{
  auto url = read_line(ctx, scope, node, key);
  if (url && !is_web_url(*url)) {
    ctx.error(scope.file, node,
              fmt::format("'{}' must be an http or https URL, like https://example.org/page",
                          join_path(scope.path, key)));
    return std::nullopt;
  }
  return url;
}

std::vector<std::string>
read_tags(LoadContext& ctx, const PostScope& scope, const YamlNode& node)
{
  const std::string path = join_path(scope.path, "tags");
  std::vector<std::string> tags;
  if (!expect_sequence(ctx, scope.file, node, path, "a list of tags, like [release, cpp]")) {
    return tags;
  }
  for (size_t i = 0; i < node.items.size(); ++i) {
    const YamlNode& item = node.items[i];
    const std::string item_path = index_path(path, i);
    if (!expect_scalar(ctx, scope.file, item, item_path, "a tag")) {
      continue;
    }
    const std::string_view tag = trim(item.scalar);
    if (tag.empty()) {
      ctx.error(scope.file, item, fmt::format("'{}' must not be empty", item_path));
    } else if (std::find(tags.begin(), tags.end(), tag) != tags.end()) {
      ctx.warning(scope.file, item,
                  fmt::format("tag '{}' is listed twice in {}", tag, scope.label));
    } else {
      tags.emplace_back(tag);
    }
  }
  return tags;
}

} // namespace

std::optional<std::string>
read_title(LoadContext& ctx, const PostScope& scope, const YamlNode& node)
{
  return read_line(ctx, scope, node, "title");
}

void
read_article(LoadContext& ctx, const PostScope& scope, const PostFields& fields, Post& post)
{
  Article& article = post.article;
  const auto note = [&](PostFields::Key key, std::string_view name) -> const YamlNode* {
    const YamlNode* node = fields.value(key);
    if (node) {
      article.pos[std::string(name)] = ctx.pos(scope.file, *node);
    }
    return node;
  };
  if (const YamlNode* node = note(PostFields::title, "title")) {
    article.title = read_line(ctx, scope, *node, "title").value_or("");
  }
  if (const YamlNode* node = note(PostFields::link, "link")) {
    article.link = read_url(ctx, scope, *node, "link").value_or("");
  }
  if (const YamlNode* node = note(PostFields::tags, "tags")) {
    article.tags = read_tags(ctx, scope, *node);
  }
  if (const YamlNode* node = note(PostFields::canonical_url, "canonical_url")) {
    article.canonical_url = read_url(ctx, scope, *node, "canonical_url").value_or("");
  }
  if (const YamlNode* node = note(PostFields::series, "series")) {
    article.series = read_line(ctx, scope, *node, "series").value_or("");
  }
  if (const YamlNode* node = note(PostFields::published, "published")) {
    const bool plain = node->is_scalar() && node->style == YamlNode::Style::plain;
    if (plain && (node->scalar == "true" || node->scalar == "false")) {
      article.published = node->scalar == "true";
    } else {
      ctx.error(scope.file, *node,
                fmt::format("'{}' must be true or false", join_path(scope.path, "published")));
    }
  }
}

} // namespace herald::calendar
