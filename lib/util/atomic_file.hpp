#pragma once

#include "expected.hpp"

#include <sys/types.h>

#include <filesystem>
#include <string_view>

namespace herald {

// Replaces `file` with `content` so that a reader sees the old file or the whole new one and a
// crash leaves one of the two: the content goes to a new temporary file beside it, synced, then
// renamed over `file`, and the directory is synced. The temporary name is unique to the call and
// made with O_EXCL|O_NOFOLLOW, so nothing planted in the directory (a symlink under a guessable
// name) is ever followed or truncated; a symlink at `file` itself is replaced, not followed.
// `mode` is the new file's permissions before the umask. The error names the file and the reason.
Result<void> write_file_atomically(const std::filesystem::path& file, std::string_view content,
                                   mode_t mode = 0644);

} // namespace herald
