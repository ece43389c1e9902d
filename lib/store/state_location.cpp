#include "state_location.hpp"

#include "sql_store.hpp"
#include "sqlite_store.hpp"

#include "util/error.hpp"
#include "util/private_dir.hpp"

#include <fmt/core.h>

#include <cstdlib>

namespace herald::store {

namespace {

bool
is_postgresql_url(std::string_view location)
{
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

} // namespace

std::unique_ptr<SqlConnection>
connect(const StateLocation& location)
{
  return location.is_postgresql() ? open_postgresql_connection(location.str())
                                  : open_sqlite_connection(location.str());
}

StateLocation::StateLocation(std::string location)
  : m_location(std::move(location))
  , m_postgresql(is_postgresql_url(m_location))
{
}

StateLocation::StateLocation(const char* location)
  : StateLocation(std::string(location))
{
}

StateLocation::StateLocation(const std::filesystem::path& location)
  : StateLocation(location.string())
{
}

bool
StateLocation::exists() const
{
  return m_postgresql || std::filesystem::exists(m_location);
}

std::filesystem::path
StateLocation::local_dir() const
{
  if (!m_postgresql) {
    return std::filesystem::path(m_location).parent_path();
  }
  std::filesystem::path dir;
  if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg && *xdg == '/') {
    dir = std::filesystem::path(xdg) / "herald";
  } else if (const char* home = std::getenv("HOME"); home && *home) {
    dir = std::filesystem::path(home) / ".local" / "state" / "herald";
  } else {
    throw Error("cannot tell where to keep this host's files (the Bluesky session) beside a "
                "PostgreSQL state: set HOME or XDG_STATE_HOME",
                ExitStatus::state);
  }
  // Beside a SQLite state, opening the state makes the directory; here nothing else does.
  if (auto made = create_private_directories(dir); !made) {
    throw Error(made.error(), ExitStatus::state);
  }
  return dir;
}

std::string
StateLocation::display() const
{
  return m_postgresql ? redact_location(m_location) : m_location;
}

std::unique_ptr<Store>
open_store(const StateLocation& location)
{
  return open_sql_store(connect(location));
}

std::unique_ptr<Store>
open_store_for_reading(const StateLocation& location)
{
  return open_sql_store(location.is_postgresql()
                          ? open_postgresql_connection(location.str())
                          : open_sqlite_connection(location.str(), StateAccess::read_only));
}

std::unique_ptr<ConversationStore>
open_conversation_store(const StateLocation& location)
{
  return open_sql_conversation_store(connect(location));
}

std::unique_ptr<MetricsStore>
open_metrics_store(const StateLocation& location)
{
  return open_sql_metrics_store(connect(location));
}

std::unique_ptr<Store>
open_sqlite_store(const std::filesystem::path& path)
{
  return open_sql_store(open_sqlite_connection(path.string()));
}

std::unique_ptr<ConversationStore>
open_sqlite_conversation_store(const std::filesystem::path& path)
{
  return open_sql_conversation_store(open_sqlite_connection(path.string()));
}

std::unique_ptr<MetricsStore>
open_sqlite_metrics_store(const std::filesystem::path& path)
{
  return open_sql_metrics_store(open_sqlite_connection(path.string()));
}

} // namespace herald::store
