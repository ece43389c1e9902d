#pragma once

#include "util/diagnostics.hpp"

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace herald::app {

struct AccountNames
{
  // In name order; nullopt when the calendar could not be read or parsed at all.
  std::optional<std::vector<std::string>> names;
  Diagnostics diagnostics;
};

// The accounts a calendar defines, for shell completion: needs no secret and no platform (no
// account is checked), and still answers for a calendar that has errors elsewhere, since the
// user may be in the middle of editing it.
AccountNames account_names(const std::filesystem::path& calendar, size_t max_bytes);

} // namespace herald::app
