#pragma once

#include "expected.hpp"

#include <filesystem>
#include <string>

namespace herald {

// Makes `dir` and each of its missing parents with mode 0700: what herald keeps there (the
// state, a Bluesky session) names accounts and holds tokens, so no directory herald makes may
// let others look in. Directories that already exist are left as they are, mode included.
// The error says which directory could not be made and why.
Result<void> create_private_directories(const std::filesystem::path& dir);

} // namespace herald
