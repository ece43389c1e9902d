#pragma once

#include "expected.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace herald {

// Parses "90s", "15m", "1h", "1h30m", "2d", "1w" (units s, m, h, d, w; combinable, largest first).
Result<std::chrono::seconds> parse_duration(std::string_view text);

// The shortest readable form: "45s", "3m", "2h", "1h30m", "3d4h".
std::string format_duration(std::chrono::seconds duration);

} // namespace herald
