#pragma once

// Internal to the loader: the state shared by the functions that read each part of a calendar.

#include "loader.hpp"
#include "media_check.hpp"
#include "model.hpp"
#include "yaml_tree.hpp"

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace herald::calendar {

// One parsed calendar file: the main one or an include.
struct SourceFile
{
  std::string display;            // the path used in messages ("herald.yaml", "parts/a.yaml")
  std::filesystem::path absolute; // lexically normal
  std::filesystem::path dir;      // absolute; relative paths in the file start here
  YamlNode root;
  bool is_main = false;
};

struct LoadContext
{
  LoadContext(const LoadOptions& load_options, Diagnostics& diags, Calendar& cal)
    : options(load_options)
    , diagnostics(diags)
    , calendar(cal)
  {
  }

  SourcePos pos(const SourceFile& file, const YamlNode& node) const
  {
    return SourcePos{ file.display, node.line, node.column };
  }
  void error(const SourceFile& file, const YamlNode& node, std::string message)
  {
    diagnostics.error(pos(file, node), std::move(message));
  }
  void warning(const SourceFile& file, const YamlNode& node, std::string message)
  {
    diagnostics.warning(pos(file, node), std::move(message));
  }

  // The defined account names, for "did you mean" (built on the first error that needs them).
  std::span<const std::string_view> account_candidates();
  // Reports an unknown account name; `where` reads like "in post 'x'".
  bool check_account_name(const SourceFile& file, const YamlNode& name, std::string_view where);

  const LoadOptions& options;
  Diagnostics& diagnostics;
  Calendar& calendar;
  std::unordered_map<std::string, SourcePos> post_ids; // id -> where first defined
  std::unordered_map<std::string, bool> media_exists;  // absolute path -> regular file
  std::vector<std::string_view> account_names;         // see account_candidates
  // Where the media of the post being read may come from: the main file's directory, then
  // `defaults: media_dir:`, then the post's own `media_dir:`.
  std::vector<MediaRoot> media_roots;
  std::optional<MediaRoot> default_media_dir;
  bool account_names_built = false;
};

// "base.key", or "key" at the top level.
std::string join_path(std::string_view base, std::string_view key);
// "base[index]"
std::string index_path(std::string_view base, size_t index);

// Reports each key of `map` that is not in `known` ("unknown key 'txt' in post 'a', did you
// mean 'text'?"); `where` reads like "in post 'a'" or "at top level".
void check_known_keys(LoadContext& ctx, const SourceFile& file, const YamlNode& map,
                      std::span<const std::string_view> known, std::string_view where);

// The index in `known` of a map key, or -1.
int key_index(const YamlNode& key, std::span<const std::string_view> known);

// Type checks that report "'path' must be <what>" and return whether the node fits.
bool expect_scalar(LoadContext& ctx, const SourceFile& file, const YamlNode& node,
                   std::string_view path, std::string_view what);
bool expect_map(LoadContext& ctx, const SourceFile& file, const YamlNode& node,
                std::string_view path, std::string_view what);
bool expect_sequence(LoadContext& ctx, const SourceFile& file, const YamlNode& node,
                     std::string_view path, std::string_view what);

// A list of names, or a single name as a one-element list (`to: masto`). Reports
// "'path' must be a list of account names" for anything else and skips bad items.
std::vector<const YamlNode*> read_name_list(LoadContext& ctx, const SourceFile& file,
                                            const YamlNode& node, std::string_view path);

// The value of the first `key:` of a map, or null when the node is no map or lacks the key.
const YamlNode* find_value(const YamlNode& map, std::string_view key);

// `engage:` (main file only; lib/calendar/engage.cpp).
void read_engage(LoadContext& ctx, const SourceFile& file, const YamlNode& engage);

// `release:` (main file only, after the accounts; lib/calendar/release.cpp).
void read_release(LoadContext& ctx, const SourceFile& file, const YamlNode& release);

// `media_dir:` (of a post or of `defaults:`): a directory, relative to `file`'s; reported and
// nothing when it is not one.
std::optional<MediaRoot> read_media_dir(LoadContext& ctx, const SourceFile& file,
                                        const YamlNode& node, std::string_view path);

// Whether a path is really a URL ("https://...", "file:x.png"): calendars name local files only.
bool has_url_scheme(std::string_view text);

// Text with leading and trailing white space removed.
std::string_view trim(std::string_view text);

// The parts of a calendar, read in this order: accounts (all files), defaults, slots, posts.
void read_accounts(LoadContext& ctx, const SourceFile& file, const YamlNode& accounts);
void read_defaults(LoadContext& ctx, const SourceFile& file, const YamlNode& defaults);
void read_posts(LoadContext& ctx, const SourceFile& file, const YamlNode& posts);
// `accounts.<account>.retry`; nullopt when it is not a map (reported).
std::optional<RetrySettings> read_retry_settings(LoadContext& ctx, const SourceFile& file,
                                                 const YamlNode& node, const std::string& account);

// `slots:` (main file only), read after the accounts and before the posts.
void read_slots(LoadContext& ctx, const SourceFile& file, const YamlNode& slots);

} // namespace herald::calendar
