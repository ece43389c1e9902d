#pragma once

#include "conversation_store.hpp"
#include "metrics_store.hpp"
#include "store.hpp"

#include <filesystem>
#include <memory>
#include <string>

namespace herald::store {

// Where the state lives: a SQLite file (any path) or a PostgreSQL database (a `postgresql://`
// or `postgres://` URL, libpq's syntax, optionally with `password_env=NAME`). Everything above
// lib/store/ goes through this, so the backend is invisible there.
class StateLocation
{
public:
  StateLocation(std::string location);
  StateLocation(const char* location);
  StateLocation(const std::filesystem::path& location);

  bool is_postgresql() const { return m_postgresql; }
  // Whether there is a state yet. A SQLite file may not exist; a PostgreSQL state always does
  // (the server holds it; opening it creates herald's tables).
  bool exists() const;
  // The directory on this machine for what must stay local to it (the Bluesky session): the
  // state file's directory, or for a PostgreSQL state $XDG_STATE_HOME/herald
  // (~/.local/state/herald); the directories made for it are owner-only (0700).
  std::filesystem::path local_dir() const;
  // The location as given.
  const std::string& str() const { return m_location; }
  // The location for messages: a password in the URL is masked.
  std::string display() const;

private:
  std::string m_location;
  bool m_postgresql = false;
};

// The stores on the state at `location`, created and migrated when needed. Each opens its own
// connection. Throw herald::Error (status `state`) with where and why when they cannot.
std::unique_ptr<Store> open_store(const StateLocation& location);
// The state for a command that only reads it (`status`, `history`): a SQLite state is opened
// read-only, so that a state this user cannot write can still be looked at. It must exist and
// be of this herald's schema version (an older one needs a command that writes, to migrate it).
std::unique_ptr<Store> open_store_for_reading(const StateLocation& location);
std::unique_ptr<ConversationStore> open_conversation_store(const StateLocation& location);
std::unique_ptr<MetricsStore> open_metrics_store(const StateLocation& location);

} // namespace herald::store
