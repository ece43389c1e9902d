#pragma once

#include "calendar/model.hpp"
#include "util/diagnostics.hpp"

namespace herald::app {

// Reports every message that is too long for an account it goes to, measured the way that
// account's platform measures (graphemes, URLs as 23, UTF-8 bytes, ...), naming the account,
// the count and the limit. Variants are checked for the account they apply to.
void check_lengths(const calendar::Calendar& calendar, Diagnostics& diagnostics);

} // namespace herald::app
