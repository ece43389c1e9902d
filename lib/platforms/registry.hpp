#pragma once

#include "platform.hpp"

#include <span>
#include <string_view>

namespace herald::platforms {

// Every built-in platform, in a stable order (also listed by `herald --version`).
std::span<const Platform* const> all_platforms();

const Platform* find_platform(std::string_view name);

} // namespace herald::platforms
