#pragma once

#include "store/store.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace herald::app {

// The key of the calendar in `store` for commands that read jobs without syncing (status,
// history, resolve, retry, cancel): the key it was last synced under from this file, else the
// key it will be synced under, which `herald post` files its one-off posts by from its first
// call on. Reads the calendar only in the second case, and only for its `name:`.
std::string stored_calendar_key(store::Store& store, const std::filesystem::path& calendar);

// That key and the key of the calendar's one-off posts (one_off_key), which every command that
// reads a calendar's jobs covers.
std::vector<std::string> stored_calendar_keys(store::Store& store,
                                              const std::filesystem::path& calendar);

} // namespace herald::app
