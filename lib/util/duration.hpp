#pragma once

#include "expected.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace herald {

// Parses "90s", "15m", "1h", "1h30m", "2d", "1w" (units s, m, h, d, w; combinable, largest first).
Result<std::chrono::seconds> parse_duration(std::string_view text);

// The shortest form that parse_duration() reads back as the same duration (for less than
// 100,000,000 days; days are the largest unit): "45s", "3m", "2h", "1h30m", "1m30s", "3d4h",
// "1d2h3m4s"; a negative one with '-' in front.
std::string format_duration(std::chrono::seconds duration);

} // namespace herald
