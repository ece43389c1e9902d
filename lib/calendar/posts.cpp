// `posts:`: each post's identity, accounts and flags; schedule and content have their own files.

#include "post_id.hpp"
#include "post_reader.hpp"
#include "split_reader.hpp"
#include "utm_reader.hpp"

#include "util/duration.hpp"

#include <fmt/core.h>

#include <algorithm>

namespace herald::calendar {

namespace {

PostFields
collect_fields(const YamlNode& node)
{
  PostFields fields;
  for (const auto& entry : node.entries) {
    const int index = key_index(entry.key, k_post_keys);
    if (index >= 0 && !fields.entries[static_cast<size_t>(index)]) {
      fields.entries[static_cast<size_t>(index)] = &entry;
    }
  }
  return fields;
}

// Returns the label messages use for the post.
std::string
read_id(LoadContext& ctx, const SourceFile& file, const YamlNode& node, const std::string& path,
        const PostFields& fields, Post& post)
{
  const YamlNode* id = fields.value(PostFields::id);
  if (!id) {
    ctx.error(file, node,
              fmt::format("{} has no 'id:'; every post needs a unique, stable id", path));
    return path;
  }
  if (!expect_scalar(ctx, file, *id, join_path(path, "id"), "a string")) {
    return path;
  }
  if (trim(id->scalar).empty()) {
    ctx.error(file, *id, fmt::format("'{}' must not be empty", join_path(path, "id")));
    return path;
  }
  post.id = id->scalar;
  if (const auto problem = post_id_problem(post.id)) {
    ctx.error(file, *id, *problem);
  }
  const auto [it, inserted] = ctx.post_ids.emplace(post.id, ctx.pos(file, *id));
  if (!inserted) {
    const SourcePos& first = it->second;
    ctx.error(file, *id,
              fmt::format("duplicate post id '{}' (first defined at {}:{}:{})", post.id, first.file,
                          first.line, first.column));
  }
  return fmt::format("post '{}'", post.id);
}

void
read_to(LoadContext& ctx, const PostScope& scope, const PostFields& fields, Post& post)
{
  const YamlNode* to = fields.value(PostFields::to);
  if (!to) {
    post.to = ctx.calendar.default_to;
    if (post.to.empty()) {
      ctx.error(scope.file, scope.node,
                fmt::format("{} has no accounts: add 'to:' or 'defaults: to:'", scope.label));
    }
    return;
  }
  const auto names = read_name_list(ctx, scope.file, *to, join_path(scope.path, "to"));
  const std::string where = "in " + scope.label;
  for (const YamlNode* name : names) {
    if (std::find(post.to.begin(), post.to.end(), name->scalar) != post.to.end()) {
      ctx.warning(scope.file, *name,
                  fmt::format("account '{}' is listed twice in {}", name->scalar, scope.label));
      continue;
    }
    ctx.check_account_name(scope.file, *name, where);
    post.to.push_back(name->scalar);
  }
  if (to->is_sequence() && to->items.empty()) {
    ctx.error(scope.file, *to,
              fmt::format("{} has no accounts: add 'to:' or 'defaults: to:'", scope.label));
  }
}

void
read_flags(LoadContext& ctx, const PostScope& scope, const PostFields& fields, Post& post)
{
  // Strict on purpose: `enabled: no` or `enabled: "false"` are likely mistakes.
  const auto read_bool = [&](PostFields::Key key, std::string_view name, bool& slot) {
    const YamlNode* node = fields.value(key);
    if (!node) {
      return;
    }
    const bool plain = node->is_scalar() && node->style == YamlNode::Style::plain;
    if (plain && (node->scalar == "true" || node->scalar == "false")) {
      slot = node->scalar == "true";
    } else {
      ctx.error(scope.file, *node,
                fmt::format("'{}' must be true or false", join_path(scope.path, name)));
    }
  };
  read_bool(PostFields::enabled, "enabled", post.enabled);
  read_bool(PostFields::link_card, "link_card", post.link_card);
  if (const YamlNode* grace = fields.value(PostFields::grace)) {
    const std::string path = join_path(scope.path, "grace");
    if (expect_scalar(ctx, scope.file, *grace, path, "a duration, like 1h or 30m")) {
      const auto duration = parse_duration(trim(grace->scalar));
      if (duration) {
        post.grace = *duration;
      } else {
        ctx.error(scope.file, *grace, fmt::format("'{}': {}", path, duration.error()));
      }
    }
  }
}

// A queued post needs a slot on each of its accounts.
void
check_slots(LoadContext& ctx, const PostScope& scope, const PostFields& fields, const Post& post)
{
  if (post.schedule.kind != Schedule::Kind::queue) {
    return;
  }
  for (const auto& account : post.to) {
    if (ctx.calendar.accounts.contains(account) && !ctx.calendar.has_slots_for(account)) {
      ctx.error(scope.file, *fields.value(PostFields::queue),
                fmt::format("{} is queued, but account '{}' has no posting slots: add a 'slots:' "
                            "entry for it, or give the post an 'at:'",
                            scope.label, account));
    }
  }
}

// `campaign:` and `utm:` (over `defaults: utm:`), then the tags of each account's links.
void
read_tagging(LoadContext& ctx, const PostScope& scope, const PostFields& fields, Post& post)
{
  if (const YamlNode* campaign = fields.value(PostFields::campaign)) {
    const std::string path = join_path(scope.path, "campaign");
    if (expect_scalar(ctx, scope.file, *campaign, path, "a string")) {
      if (trim(campaign->scalar).empty()) {
        ctx.error(scope.file, *campaign, fmt::format("'{}' must not be empty", path));
      }
      post.campaign = std::string(trim(campaign->scalar));
    }
  }
  std::optional<UtmSettings> settings = ctx.calendar.utm;
  if (const YamlNode* utm = fields.value(PostFields::utm)) {
    settings = read_utm(ctx, scope.file, *utm, join_path(scope.path, "utm"), ctx.calendar.utm);
  }
  if (settings) {
    apply_utm(ctx.calendar, *settings, post);
  }
}

void
read_post(LoadContext& ctx, const SourceFile& file, const YamlNode& node, size_t index)
{
  std::string path = index_path("posts", index);
  if (!expect_map(ctx, file, node, path, "a map with 'id:', 'text:' and 'at:' or 'cron:'")) {
    return;
  }
  const PostFields fields = collect_fields(node);
  Post post;
  post.pos = ctx.pos(file, node);
  std::string label = read_id(ctx, file, node, path, fields, post);
  const PostScope scope{ file, node, std::move(path), std::move(label) };

  check_known_keys(ctx, file, node, k_post_keys, "in " + scope.label);
  read_to(ctx, scope, fields, post);
  read_schedule(ctx, scope, fields, post);
  ctx.media_roots = { { ctx.calendar.file.parent_path(), "the calendar's directory" } };
  if (ctx.default_media_dir) {
    ctx.media_roots.push_back(*ctx.default_media_dir);
  }
  if (const YamlNode* media_dir = fields.value(PostFields::media_dir)) {
    if (auto root = read_media_dir(ctx, file, *media_dir, join_path(scope.path, "media_dir"))) {
      ctx.media_roots.push_back(std::move(*root));
    }
  }
  read_content(ctx, scope, fields, post);
  if (const YamlNode* variants = fields.value(PostFields::variants)) {
    read_variants(ctx, scope, *variants, post);
  }
  read_flags(ctx, scope, fields, post);
  read_article(ctx, scope, fields, post);
  post.split = ctx.calendar.split;
  if (const YamlNode* split = fields.value(PostFields::split)) {
    post.split = read_split(ctx, file, *split, join_path(scope.path, "split"), post.split);
  }
  check_slots(ctx, scope, fields, post);
  read_tagging(ctx, scope, fields, post);
  ctx.calendar.posts.push_back(std::move(post));
}

} // namespace

void
read_posts(LoadContext& ctx, const SourceFile& file, const YamlNode& posts)
{
  if (posts.is_null()) {
    return;
  }
  if (!expect_sequence(ctx, file, posts, "posts", "a list of posts")) {
    return;
  }
  ctx.calendar.posts.reserve(ctx.calendar.posts.size() + posts.items.size());
  for (size_t i = 0; i < posts.items.size(); ++i) {
    read_post(ctx, file, posts.items[i], i);
  }
}

std::optional<std::string>
post_id_problem(std::string_view id)
{
  bool allowed = true;
  bool named = false;
  std::string shown;
  for (const char c : id) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    named = named || alnum;
    allowed = allowed && (alnum || c == '_' || c == '.' || c == ':' || c == '-');
    const auto byte = static_cast<unsigned char>(c);
    shown += byte >= 0x20 && byte < 0x7f ? std::string(1, c) : fmt::format("\\x{:02x}", byte);
  }
  if (!allowed) {
    return fmt::format("post id '{}' may only contain letters, digits, '_', '.', ':' and '-'",
                       shown);
  }
  if (!named) {
    return fmt::format("post id '{}' needs at least one letter or digit", shown);
  }
  return std::nullopt;
}

} // namespace herald::calendar
