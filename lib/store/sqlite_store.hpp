#pragma once

#include "schema.hpp"
#include "store.hpp"

#include <filesystem>
#include <memory>

namespace herald::store {

// Opens (creating when missing, with its directory owner-only) the SQLite state at `path`:
// WAL journal, synchronous=FULL so a recorded intent survives power loss, and a busy timeout so
// concurrent runs wait for each other instead of failing. Throws herald::Error (status `state`)
// with the path and SQLite's reason when it cannot. Above lib/store/, use open_store().
std::unique_ptr<Store> open_sqlite_store(const std::filesystem::path& path);

} // namespace herald::store
