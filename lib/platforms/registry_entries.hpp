#pragma once

#include "platform.hpp"

namespace herald::platforms {

// One accessor per built-in platform, each defined in its own file.
const Platform& stub_platform();

} // namespace herald::platforms
