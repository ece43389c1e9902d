#pragma once

#include <filesystem>
#include <optional>

namespace herald::app {

// Where the state lives when neither --state nor HERALD_STATE says: the XDG state directory,
// $XDG_STATE_HOME/herald/state.db, falling back to ~/.local/state/herald/state.db.
// One state serves any number of calendars: jobs are kept per calendar.
std::filesystem::path default_state_path();

} // namespace herald::app
