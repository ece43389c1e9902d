// What a post says: text or thread, media with alt text, and per-account variants.

#include "post_reader.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <system_error>

namespace herald::calendar {

namespace {

constexpr std::array<std::string_view, 2> k_media_keys = { "file", "alt" };
constexpr std::array<std::string_view, 2> k_part_keys = { "text", "media" };
constexpr std::array<std::string_view, 4> k_variant_keys = { "text", "media", "thread", "title" };

// Trailing white space goes: a `|` block ends with a newline nobody means to post.
std::string
stored_text(const std::string& text)
{
  const size_t end = text.find_last_not_of(" \t\r\n\f\v");
  return end == std::string::npos ? std::string() : text.substr(0, end + 1);
}

// The text of `text:` (null when missing), or nothing after reporting why not.
std::optional<std::string>
read_text(LoadContext& ctx, const SourceFile& file, const YamlNode* text,
          const YamlNode& owner_node, const std::string& path, std::string_view owner)
{
  if (!text) {
    ctx.error(file, owner_node, fmt::format("{} has no 'text:'", owner));
    return std::nullopt;
  }
  if (!text->is_null() && !expect_scalar(ctx, file, *text, path, "a string")) {
    return std::nullopt;
  }
  if (text->is_null() || trim(text->scalar).empty()) {
    ctx.error(file, *text, fmt::format("{} has empty text", owner));
    return std::nullopt;
  }
  return stored_text(text->scalar);
}

void
check_media_file(LoadContext& ctx, const SourceFile& file, const YamlNode& node, const Media& media)
{
  auto [it, inserted] = ctx.media_exists.try_emplace(media.path.string(), false);
  if (inserted) {
    std::error_code ec;
    it->second = std::filesystem::is_regular_file(media.path, ec);
  }
  if (it->second) {
    if (ctx.media_roots.empty()) {
      ctx.media_roots = { { ctx.calendar.file.parent_path(), "the calendar's directory" } };
    }
    if (auto problem = media_problem(
          media.file, media.path, ctx.media_roots,
          "allow another directory with 'media_dir:' on the post or in 'defaults:'")) {
      ctx.error(file, node, std::move(*problem));
    }
    return;
  }
  std::error_code ec;
  if (std::filesystem::exists(media.path, ec)) {
    ctx.error(
      file, node,
      fmt::format("media file '{}' is not a regular file ({})", media.file, media.path.string()));
  } else {
    ctx.error(
      file, node,
      fmt::format("media file '{}' not found (looked in {})", media.file, media.path.string()));
  }
}

} // namespace

std::optional<MediaRoot>
read_media_dir(LoadContext& ctx, const SourceFile& file, const YamlNode& node,
               std::string_view path)
{
  if (!expect_scalar(ctx, file, node, path, "a directory")) {
    return std::nullopt;
  }
  const std::filesystem::path written(node.scalar);
  const auto dir = (written.is_absolute() ? written : file.dir / written).lexically_normal();
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    ctx.error(file, node, fmt::format("'{}' is not a directory ({})", path, dir.string()));
    return std::nullopt;
  }
  return MediaRoot{ dir, fmt::format("'{}'", path) };
}

namespace {

std::optional<Media>
read_media_item(LoadContext& ctx, const SourceFile& file, const YamlNode& item,
                const std::string& path, std::string_view owner)
{
  if (item.is_scalar()) {
    ctx.error(file, item,
              fmt::format("media '{0}' in {1} must be written as {{file: {0}, alt: ...}}; alt "
                          "text is required",
                          item.scalar, owner));
    return std::nullopt;
  }
  if (!expect_map(ctx, file, item, path, "a map with 'file:' and 'alt:'")) {
    return std::nullopt;
  }
  check_known_keys(ctx, file, item, k_media_keys, fmt::format("in media of {}", owner));
  Media media;
  media.pos = ctx.pos(file, item);
  const YamlNode* name = find_value(item, "file");
  if (!name || name->is_null() || (name->is_scalar() && trim(name->scalar).empty())) {
    ctx.error(file, name ? *name : item, fmt::format("media in {} has no 'file:'", owner));
  } else if (expect_scalar(ctx, file, *name, join_path(path, "file"), "a file path")) {
    media.file = name->scalar;
    if (has_url_scheme(media.file)) {
      ctx.error(file, *name,
                fmt::format("media in {} must be a local file path, not a URL", owner));
    } else {
      const std::filesystem::path written(media.file);
      media.path = (written.is_absolute() ? written : file.dir / written).lexically_normal();
      if (ctx.options.check_media) {
        check_media_file(ctx, file, *name, media);
      }
    }
  }
  const YamlNode* alt = find_value(item, "alt");
  const std::string shown =
    media.file.empty() ? std::string("media") : fmt::format("media '{}'", media.file);
  if (!alt || alt->is_null() || (alt->is_scalar() && trim(alt->scalar).empty())) {
    // Accessibility is not optional.
    ctx.error(file, alt ? *alt : item, fmt::format("{} in {} has no alt text", shown, owner));
  } else if (expect_scalar(ctx, file, *alt, join_path(path, "alt"), "a string")) {
    media.alt = stored_text(alt->scalar);
  }
  return media;
}

std::vector<Media>
read_media(LoadContext& ctx, const SourceFile& file, const YamlNode& node, const std::string& path,
           std::string_view owner)
{
  std::vector<Media> list;
  if (node.is_null()) {
    return list;
  }
  if (!expect_sequence(ctx, file, node, path, "a list of {file:, alt:} items")) {
    return list;
  }
  for (size_t i = 0; i < node.items.size(); ++i) {
    if (auto media = read_media_item(ctx, file, node.items[i], index_path(path, i), owner)) {
      list.push_back(std::move(*media));
    }
  }
  return list;
}

std::optional<std::vector<Content>>
read_thread(LoadContext& ctx, const SourceFile& file, const YamlNode& node, const std::string& path,
            std::string_view owner)
{
  if (!expect_sequence(ctx, file, node, path, "a list of parts, each with 'text:'")) {
    return std::nullopt;
  }
  if (node.items.empty()) {
    ctx.error(file, node,
              fmt::format("the thread of {} is empty; a thread needs at least 2 parts", owner));
  } else if (node.items.size() == 1) {
    ctx.error(file, node,
              fmt::format("the thread of {} has only 1 part; a thread needs at least 2 (use "
                          "'text:' for a single post)",
                          owner));
  }
  std::vector<Content> parts;
  parts.reserve(node.items.size());
  for (size_t i = 0; i < node.items.size(); ++i) {
    const YamlNode& item = node.items[i];
    const std::string item_path = index_path(path, i);
    if (!expect_map(ctx, file, item, item_path, "a map with 'text:' and optional 'media:'")) {
      continue;
    }
    const std::string part = fmt::format("thread part {} of {}", i + 1, owner);
    check_known_keys(ctx, file, item, k_part_keys, "in " + part);
    Content content;
    content.pos = ctx.pos(file, item);
    if (auto text = read_text(ctx, file, find_value(item, "text"), item,
                              join_path(item_path, "text"), part)) {
      content.text = std::move(*text);
    }
    if (const YamlNode* media = find_value(item, "media")) {
      content.media = read_media(ctx, file, *media, join_path(item_path, "media"), owner);
    }
    parts.push_back(std::move(content));
  }
  return parts;
}

void
read_variant(LoadContext& ctx, const PostScope& scope, const YamlEntry& entry,
             const std::string& path, Post& post)
{
  const std::string& account = entry.key.scalar;
  if (ctx.check_account_name(scope.file, entry.key, "in variants of " + scope.label) &&
      std::find(post.to.begin(), post.to.end(), account) == post.to.end()) {
    ctx.warning(scope.file, entry.key,
                fmt::format("{} has a variant for account '{}', but does not publish to it",
                            scope.label, account));
  }
  const YamlNode& node = entry.value;
  const std::string variant_path = join_path(path, account);
  if (!expect_map(ctx, scope.file, node, variant_path,
                  "a map with 'text:', 'media:', 'thread:' or 'title:'")) {
    return;
  }
  const std::string owner = fmt::format("variant '{}' of {}", account, scope.label);
  check_known_keys(ctx, scope.file, node, k_variant_keys, "in " + owner);
  Variant variant;
  variant.pos = ctx.pos(scope.file, node);
  const YamlNode* text = find_value(node, "text");
  const YamlNode* thread = find_value(node, "thread");
  if (text && thread) {
    ctx.error(scope.file, node, fmt::format("{} has both 'text:' and 'thread:'; use one", owner));
  }
  if (text) {
    variant.text = read_text(ctx, scope.file, text, node, join_path(variant_path, "text"), owner);
  }
  if (thread) {
    variant.thread =
      read_thread(ctx, scope.file, *thread, join_path(variant_path, "thread"), owner);
  }
  if (const YamlNode* media = find_value(node, "media")) {
    variant.media = read_media(ctx, scope.file, *media, join_path(variant_path, "media"), owner);
  }
  if (const YamlNode* title = find_value(node, "title")) {
    const PostScope in_variant{ scope.file, node, variant_path, owner };
    variant.title = read_title(ctx, in_variant, *title);
    variant.title_pos = ctx.pos(scope.file, *title);
  }
  post.variants[account] = std::move(variant);
}

} // namespace

void
read_content(LoadContext& ctx, const PostScope& scope, const PostFields& fields, Post& post)
{
  const YamlNode* text = fields.value(PostFields::text);
  const YamlNode* thread = fields.value(PostFields::thread);
  const YamlNode* media = fields.value(PostFields::media);
  if (text && thread) {
    ctx.error(scope.file, scope.node,
              fmt::format("{} has both 'text:' and 'thread:'; use one", scope.label));
  } else if (!text && !thread) {
    ctx.error(scope.file, scope.node,
              fmt::format("{} has no text: add 'text:' or 'thread:'", scope.label));
  }
  if (thread) {
    post.is_thread = true;
    if (auto parts =
          read_thread(ctx, scope.file, *thread, join_path(scope.path, "thread"), scope.label)) {
      post.parts = std::move(*parts);
    }
    if (media) {
      ctx.error(scope.file, *fields.key(PostFields::media),
                fmt::format("{} is a thread: put 'media:' on its parts", scope.label));
    }
    return;
  }
  Content content;
  content.pos = ctx.pos(scope.file, text ? *text : scope.node);
  if (text) {
    if (auto value = read_text(ctx, scope.file, text, scope.node, join_path(scope.path, "text"),
                               scope.label)) {
      content.text = std::move(*value);
    }
  }
  if (media) {
    content.media =
      read_media(ctx, scope.file, *media, join_path(scope.path, "media"), scope.label);
  }
  post.parts.push_back(std::move(content));
}

void
read_variants(LoadContext& ctx, const PostScope& scope, const YamlNode& variants, Post& post)
{
  const std::string path = join_path(scope.path, "variants");
  if (variants.is_null()) {
    return;
  }
  if (!expect_map(ctx, scope.file, variants, path, "a map of account names to overrides")) {
    return;
  }
  for (const auto& entry : variants.entries) {
    if (entry.key.is_scalar()) {
      read_variant(ctx, scope, entry, path, post);
    }
  }
}

} // namespace herald::calendar
