#pragma once

#include "model.hpp"
#include "source_text.hpp"

#include "util/diagnostics.hpp"

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>

namespace herald::calendar {

struct LoadOptions
{
  // Checked before parsing, per file: about 100 times the largest calendar people keep (a
  // year of daily posts with variants is 100-200 kB); herald(1) says why.
  size_t max_bytes = size_t(16) * 1024 * 1024;
  // Whether `media:` files must exist (plan and validate check them; tests may turn it off).
  bool check_media = true;
  // false: the posts are neither parsed nor checked, for a command that needs only the
  // accounts and defaults (`herald post`). Their YAML is skipped unread where the file is in
  // plain block style; when the rest then has an error, the whole calendar is read after all,
  // so that diagnostics are those of a full read.
  bool read_posts = true;
  // Checks an account's platform settings (unknown keys, missing required ones, literal
  // secrets); supplied by the layer that knows the platforms, so this part does not.
  std::function<void(const Account&, Diagnostics&)> check_account;
  // Where the files' text comes from, given a file's absolute path and max_bytes: the file
  // system when unset; `herald plan --diff --against REV` reads them at a git revision.
  std::function<Result<std::string, ReadFailure>(const std::filesystem::path&, size_t)> read_file;
};

struct LoadResult
{
  // Present when the file could be read and parsed, even if it has errors: callers must check
  // `diagnostics.has_errors()` before acting on it.
  std::optional<Calendar> calendar;
  Diagnostics diagnostics;
};

// Reads, parses and validates a calendar and every file it includes. Never throws for bad
// input: every problem found becomes a diagnostic with file:line:column.
LoadResult load_calendar(const std::filesystem::path& file, const LoadOptions& options = {});

} // namespace herald::calendar
