#pragma once

#include "calendar/model.hpp"
#include "schedule/clock.hpp"
#include "util/diagnostics.hpp"

#include <string>

namespace herald::app {

// `herald validate`'s warnings about time, which need the current time the loader does not
// have: a calendar with no accounts, an `at:` already past at `now` (run lists it as missed),
// and a `cron:` that never fires (`0 9 31 2 *`) or never again within its `until:`.
// `display` names the main file in the messages, as the user wrote it.
void check_timing(const calendar::Calendar& calendar, const std::string& display, TimePoint now,
                  Diagnostics& diagnostics);

} // namespace herald::app
