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

} // namespace herald
