#pragma once

#include "calendar/model.hpp"
#include "util/diagnostics.hpp"

namespace herald::app {

// Checks an account against the platform registry: known platform (with a suggestion for a
// misspelt one), known setting keys, and the platform's own rules. Plugged into the calendar
// loader, which knows nothing of platforms.
void check_account(const calendar::Account& account, Diagnostics& diagnostics);

} // namespace herald::app
