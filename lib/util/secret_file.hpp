#pragma once

#include "expected.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace herald {

// A file that holds tokens herald must keep between runs (a Bluesky session, a refreshed X or
// Threads token), treated like an SSH private key (reliability.md K2): written atomically (a
// temporary file created 0600, then renamed) in a directory made 0700, and refused when it is
// a symbolic link, not a regular file, not owned by this user, or accessible by group or others.
// `what` names it in messages ("the session file"); no message says what it holds.

// The content; nullopt when there is no such file or it is larger than `max_bytes` (not ours).
Result<std::optional<std::string>> read_secret_file(const std::filesystem::path& path,
                                                    std::string_view what, size_t max_bytes);

// Replaces the content (making the directory, 0700, when missing).
Result<void> write_secret_file(const std::filesystem::path& path, std::string_view content);

// Where one account's tokens are kept: <state_dir>/<folder>/<name>@<host of url>.json, with
// characters other than letters, digits, '.', '-', '_' and '@' as '_' (so that no name climbs
// out of the folder or hides as a dot file). Empty when `state_dir` is: the tokens then live in
// memory only.
std::filesystem::path secret_file_path(const std::filesystem::path& state_dir,
                                       std::string_view folder, std::string_view name,
                                       std::string_view url);

} // namespace herald
