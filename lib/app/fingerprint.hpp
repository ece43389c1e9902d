#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace herald::app {

// stat() of each file (size, mtime in ns, inode) plus herald's version: equal fingerprints mean
// the calendar need not be read again. Nullopt if a file is missing.
std::optional<std::string> stat_fingerprint(const std::vector<std::filesystem::path>& files);

// Whether any file was modified at or after `since` (or is missing): such a file may have
// changed while it was being read, so its fingerprint must not vouch for what was read.
bool modified_since(const std::vector<std::filesystem::path>& files,
                    std::filesystem::file_time_type since);

// A hash of every file's bytes and of its path relative to the main file (the first): tells a
// touched-but-unchanged calendar from an edited one, and one host's copy from another's.
std::optional<std::string> content_hash(const std::vector<std::filesystem::path>& files);

} // namespace herald::app
