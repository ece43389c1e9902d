#include "loader.hpp"

#include "load_context.hpp"
#include "secrets.hpp"
#include "source_text.hpp"
#include "text/utf8.hpp"
#include "top_level_sections.hpp"
#include "yaml_tree.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <deque>
#include <system_error>

namespace herald::calendar {

namespace fs = std::filesystem;

namespace {

constexpr std::array<std::string_view, 9> k_top_keys = {
  "timezone", "name", "accounts", "defaults", "posts", "include", "slots", "engage", "release",
};
constexpr std::array<std::string_view, 3> k_included_file_keys = { "accounts", "posts", "include" };

fs::path
absolute_path(const fs::path& path)
{
  std::error_code ec;
  fs::path result = fs::absolute(path, ec);
  return (ec ? path : result).lexically_normal();
}

// The identity of a file for include cycles: symlinks and "a/../b" must not hide one.
std::string
file_identity(const fs::path& absolute)
{
  std::error_code ec;
  const fs::path canonical = fs::weakly_canonical(absolute, ec);
  return (ec ? absolute : canonical).string();
}

// Where an `include:` names a file, for "cannot read" messages.
struct IncludeSite
{
  SourcePos pos;
  std::string_view written;
};

std::optional<SourceFile>
load_file(const fs::path& absolute, std::string display, const IncludeSite* site,
          const LoadOptions& options, Diagnostics& diagnostics)
{
  auto text = options.read_file ? options.read_file(absolute, options.max_bytes)
                                : read_source_text(absolute, options.max_bytes);
  if (!text) {
    if (text.error().kind == ReadFailure::Kind::too_big) {
      diagnostics.error(SourcePos{ display, 0, 0 }, text.error().message);
    } else if (site) {
      diagnostics.error(site->pos, fmt::format("cannot read included file '{}': {}", site->written,
                                               text.error().message));
    } else {
      diagnostics.error(SourcePos{ display, 0, 0 },
                        fmt::format("cannot read file: {}", text.error().message));
    }
    return std::nullopt;
  }
  if (!options.read_posts) {
    if (auto settings = without_top_level_block(*text, "posts")) {
      *text = std::move(*settings);
    }
  }
  // Checked here, once: every text value downstream goes to JSON, the state and terminals.
  if (const auto bad = text::locate_invalid_utf8(*text)) {
    diagnostics.error(
      SourcePos{ display, bad->line, bad->column },
      fmt::format("invalid UTF-8 (byte 0x{:02x}): a calendar is UTF-8 text", bad->byte));
    return std::nullopt;
  }
  auto root = parse_yaml(*text, display, diagnostics);
  if (!root) {
    return std::nullopt;
  }
  redact_secrets(*root, display, diagnostics);
  SourceFile file;
  file.display = std::move(display);
  file.absolute = absolute;
  file.dir = absolute.parent_path();
  file.root = std::move(*root);
  return file;
}

// Loads every file named by `include:`, depth first, each once.
class IncludeLoader
{
public:
  IncludeLoader(LoadContext& ctx, std::deque<SourceFile>& files)
    : m_ctx(ctx)
    , m_files(files)
  {
  }

  void load_from(const SourceFile& file)
  {
    m_stack.emplace_back(file_identity(file.absolute), file.display);
    const YamlNode* include = find_value(file.root, "include");
    if (include && !include->is_null()) {
      if (include->is_scalar()) {
        load_item(file, *include, "include");
      } else if (expect_sequence(m_ctx, file, *include, "include", "a list of file paths")) {
        for (size_t i = 0; i < include->items.size(); ++i) {
          load_item(file, include->items[i], index_path("include", i));
        }
      }
    }
    m_stack.pop_back();
  }

private:
  void load_item(const SourceFile& parent, const YamlNode& item, const std::string& path)
  {
    if (!expect_scalar(m_ctx, parent, item, path, "a file path")) {
      return;
    }
    if (trim(item.scalar).empty()) {
      m_ctx.error(parent, item, fmt::format("'{}' must be a file path", path));
      return;
    }
    if (has_url_scheme(item.scalar)) {
      m_ctx.error(parent, item, "included files must be local file paths, not URLs");
      return;
    }
    const fs::path written(item.scalar);
    const std::string display = (fs::path(parent.display).parent_path() / written).string();
    const fs::path absolute = (parent.dir / written).lexically_normal();
    const std::string identity = file_identity(absolute);

    const auto on_stack = std::find_if(m_stack.begin(), m_stack.end(),
                                       [&](const auto& entry) { return entry.first == identity; });
    if (on_stack != m_stack.end()) {
      std::string chain;
      for (auto it = on_stack; it != m_stack.end(); ++it) {
        chain += it->second + " -> ";
      }
      m_ctx.error(parent, item, fmt::format("include cycle: {}{}", chain, display));
      return;
    }
    const SourcePos here = m_ctx.pos(parent, item);
    const auto [seen, inserted] = m_included.emplace(identity, here);
    if (!inserted) {
      m_ctx.error(parent, item,
                  fmt::format("'{}' is included more than once (first at {}:{}:{})", item.scalar,
                              seen->second.file, seen->second.line, seen->second.column));
      return;
    }
    const IncludeSite site{ here, item.scalar };
    auto file = load_file(absolute, display, &site, m_ctx.options, m_ctx.diagnostics);
    if (!file) {
      return;
    }
    // A deque keeps `parent` and earlier files in place while more are added.
    m_files.push_back(std::move(*file));
    load_from(m_files.back());
  }

  LoadContext& m_ctx;
  std::deque<SourceFile>& m_files;
  std::vector<std::pair<std::string, std::string>> m_stack; // identity, display
  std::unordered_map<std::string, SourcePos> m_included;
};

void
check_top_level_keys(LoadContext& ctx, const SourceFile& file)
{
  for (const auto& entry : file.root.entries) {
    if (!file.is_main && key_index(entry.key, k_top_keys) >= 0 &&
        key_index(entry.key, k_included_file_keys) < 0) {
      ctx.error(file, entry.key,
                fmt::format("'{}:' is not allowed in an included file; only 'accounts:', "
                            "'posts:' and 'include:' are",
                            entry.key.scalar));
    }
  }
  check_known_keys(ctx, file, file.root, k_top_keys, "at top level");
}

void
read_main_settings(LoadContext& ctx, const SourceFile& file)
{
  if (const YamlNode* zone = find_value(file.root, "timezone")) {
    if (expect_scalar(ctx, file, *zone, "timezone", "a time zone name, like Europe/Berlin")) {
      auto located = Zone::locate(trim(zone->scalar));
      if (located) {
        ctx.calendar.zone = *located;
      } else {
        ctx.error(file, *zone, located.error());
      }
    }
  }
  if (const YamlNode* name = find_value(file.root, "name"); name && !name->is_null()) {
    if (expect_scalar(ctx, file, *name, "name", "a string")) {
      ctx.calendar.name = name->scalar;
    }
  }
}

} // namespace

namespace {

LoadResult
load_calendar_once(const fs::path& path, const LoadOptions& options)
{
  LoadResult result;
  Diagnostics& diagnostics = result.diagnostics;
  const fs::path absolute = absolute_path(path);
  auto main = load_file(absolute, path.string(), nullptr, options, diagnostics);
  if (!main) {
    diagnostics.sort();
    return result;
  }
  main->is_main = true;

  Calendar calendar;
  calendar.file = absolute;
  LoadContext ctx(options, diagnostics, calendar);
  std::deque<SourceFile> files;
  files.push_back(std::move(*main));
  IncludeLoader(ctx, files).load_from(files.front());
  for (const auto& file : files) {
    calendar.files.push_back(file.absolute);
  }

  const SourceFile& main_file = files.front();
  // find_value() finds nothing in a file that is not a map, so the steps below skip it.
  for (const auto& file : files) {
    if (!file.root.is_null() && !file.root.is_map()) {
      ctx.error(file, file.root,
                "a calendar must be a map with keys such as 'timezone:', 'accounts:' and 'posts:'");
      continue;
    }
    check_top_level_keys(ctx, file);
  }
  read_main_settings(ctx, main_file);
  // Accounts from every file first: posts and defaults may name accounts defined later.
  for (const auto& file : files) {
    if (const YamlNode* accounts = find_value(file.root, "accounts")) {
      read_accounts(ctx, file, *accounts);
    }
  }
  if (const YamlNode* defaults = find_value(main_file.root, "defaults")) {
    read_defaults(ctx, main_file, *defaults);
  }
  if (const YamlNode* slots = find_value(main_file.root, "slots")) {
    read_slots(ctx, main_file, *slots);
  }
  for (const auto& file : files) {
    const YamlNode* posts = find_value(file.root, "posts");
    if (posts && options.read_posts) {
      read_posts(ctx, file, *posts);
    }
  }
  if (const YamlNode* engage = find_value(main_file.root, "engage")) {
    read_engage(ctx, main_file, *engage);
  }
  if (const YamlNode* release = find_value(main_file.root, "release")) {
    read_release(ctx, main_file, *release);
  }

  diagnostics.sort();
  result.calendar = std::move(calendar);
  return result;
}

} // namespace

LoadResult
load_calendar(const fs::path& path, const LoadOptions& options)
{
  auto result = load_calendar_once(path, options);
  // An unset secret is no reason to read more: the command decides which accounts need one.
  const auto& found = result.diagnostics.all();
  const bool other_errors = std::any_of(found.begin(), found.end(), [](const Diagnostic& d) {
    return d.severity == Severity::error && d.unset_secret_of.empty();
  });
  if (options.read_posts || !other_errors) {
    return result;
  }
  LoadOptions whole = options;
  whole.read_posts = true;
  return load_calendar_once(path, whole);
}

} // namespace herald::calendar
