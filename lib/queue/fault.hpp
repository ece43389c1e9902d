#pragma once

#include <string_view>

namespace herald::queue {

// Crash tests: when the environment variable HERALD_TEST_CRASH_AT names `point` (after-claim,
// after-intent, after-send), the process dies on the spot with _exit(137), as a kill -9 would
// leave it. Never set outside tests.
void crash_point(std::string_view point);

} // namespace herald::queue
