#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace herald::app {

// stat() of each file (size, mtime in ns, inode) plus herald's version: equal fingerprints mean
// the calendar need not be read again. Nullopt if a file is missing.
std::optional<std::string> stat_fingerprint(const std::vector<std::filesystem::path>& files);

// A hash of every file's bytes: tells a touched-but-unchanged calendar from an edited one.
std::optional<std::string> content_hash(const std::vector<std::filesystem::path>& files);

} // namespace herald::app
