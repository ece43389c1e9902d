#pragma once

#include "platform.hpp"

namespace herald::platforms {

// One accessor per built-in platform, each defined in its own file.
const Platform& stub_platform();
const Platform& mastodon_platform();
const Platform& bluesky_platform();
const Platform& discord_platform();
const Platform& webhook_platform();
const Platform& slack_platform();
const Platform& telegram_platform();
const Platform& exec_platform();
const Platform& x_platform();
const Platform& linkedin_platform();
const Platform& threads_platform();
const Platform& matrix_platform();
const Platform& devto_platform();
const Platform& lemmy_platform();

} // namespace herald::platforms
