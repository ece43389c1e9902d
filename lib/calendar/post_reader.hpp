#pragma once

// Internal to the loader: reading one entry of `posts:`, split by concern.

#include "load_context.hpp"

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald::calendar {

// The keys a post may have, in the order of PostFields::Key.
inline constexpr std::array<std::string_view, 25> k_post_keys = {
  "id",    "text",          "to",        "at",        "cron",      "start", "until",
  "count", "media",         "variants",  "thread",    "enabled",   "grace", "utm",
  "queue", "campaign",      "media_dir", "split",     "link_card", "title", "link",
  "tags",  "canonical_url", "series",    "published",
};

// The entries of a post's map by key; the first wins (later ones are duplicate keys).
struct PostFields
{
  enum Key
  {
    id,
    text,
    to,
    at,
    cron,
    start,
    until,
    count,
    media,
    variants,
    thread,
    enabled,
    grace,
    utm,
    queue,
    campaign,
    media_dir,
    split,
    link_card,
    title,
    link,
    tags,
    canonical_url,
    series,
    published,
  };
  std::array<const YamlEntry*, k_post_keys.size()> entries{};

  const YamlNode* value(Key key) const { return entries[key] ? &entries[key]->value : nullptr; }
  const YamlNode* key(Key key) const { return entries[key] ? &entries[key]->key : nullptr; }
};

// What messages about one post need.
struct PostScope
{
  const SourceFile& file;
  const YamlNode& node; // the post's map
  std::string path;     // "posts[3]"
  std::string label;    // "post 'launch'", or "posts[3]" when the id is unusable
};

void read_schedule(LoadContext& ctx, const PostScope& scope, const PostFields& fields, Post& post);
// text / thread / media of the post itself.
void read_content(LoadContext& ctx, const PostScope& scope, const PostFields& fields, Post& post);
// title / link / tags / canonical_url / series / published: the long-form keys.
void read_article(LoadContext& ctx, const PostScope& scope, const PostFields& fields, Post& post);
// A `title:` (of a variant): one line, as the post's own is checked.
std::optional<std::string> read_title(LoadContext& ctx, const PostScope& scope,
                                      const YamlNode& node);
// Needs post.to to be final.
void read_variants(LoadContext& ctx, const PostScope& scope, const YamlNode& variants, Post& post);

} // namespace herald::calendar
