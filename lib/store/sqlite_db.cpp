#include "sqlite_db.hpp"

#include "util/error.hpp"

#include <fmt/core.h>

#include <chrono>
#include <thread>

namespace herald::store {

SqliteDb::SqliteDb(const std::string& path, int flags, const std::string& uri)
  : m_path(path)
{
  const int rc = sqlite3_open_v2(uri.empty() ? path.c_str() : uri.c_str(), &m_db, flags, nullptr);
  if (rc != SQLITE_OK) {
    const std::string reason = m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc);
    sqlite3_close(m_db);
    m_db = nullptr;
    throw Error(fmt::format("cannot open state {}: {}", path, reason), ExitStatus::state);
  }
  sqlite3_extended_result_codes(m_db, 1);
}

SqliteDb::~SqliteDb()
{
  sqlite3_close(m_db);
}

void
SqliteDb::fail(std::string_view what) const
{
  throw Error(fmt::format("state {}: {}: {}", m_path, what, sqlite3_errmsg(m_db)),
              ExitStatus::state);
}

void
SqliteDb::exec(const char* sql)
{
  char* message = nullptr;
  if (sqlite3_exec(m_db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string reason = message ? message : "unknown error";
    sqlite3_free(message);
    throw Error(fmt::format("state {}: {}", m_path, reason), ExitStatus::state);
  }
}

void
SqliteDb::use_reader_settings()
{
  exec("PRAGMA busy_timeout = 10000");
}

void
SqliteDb::use_state_settings()
{
  exec("PRAGMA busy_timeout = 10000");
  use_wal();
  exec("PRAGMA synchronous = FULL");
  // The WAL files stay between commands, emptied when the last connection closes (the size
  // limit makes SQLite truncate the log then): making and deleting them, and sizing the
  // shared-memory file, cost a short command such as `status` about a fifth of its time.
  int persist = 1;
  sqlite3_file_control(m_db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
  exec("PRAGMA journal_size_limit = 4194304");
}

void
SqliteDb::use_wal()
{
  // Turning a new file to WAL needs an exclusive lock, and while another connection reads the
  // file (several runners creating one state at once) SQLite answers SQLITE_BUSY at once,
  // without the busy handler: wait here instead, about as long as the busy timeout would.
  constexpr int k_attempts = 1000;
  for (int attempt = 1;; ++attempt) {
    try {
      exec("PRAGMA journal_mode = WAL");
      return;
    } catch (const Error&) {
      if ((sqlite3_errcode(m_db) & 0xff) != SQLITE_BUSY || attempt == k_attempts) {
        throw;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

int
SqliteDb::changes() const
{
  return sqlite3_changes(m_db);
}

Statement::Statement(SqliteDb& db, const char* sql)
  : m_db(db)
{
  if (sqlite3_prepare_v2(db.handle(), sql, -1, &m_stmt, nullptr) != SQLITE_OK) {
    db.fail("cannot prepare a query");
  }
}

Statement::~Statement()
{
  sqlite3_finalize(m_stmt);
}

Statement&
Statement::bind(int index, std::string_view value)
{
  sqlite3_bind_text(m_stmt, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement&
Statement::bind(int index, int64_t value)
{
  sqlite3_bind_int64(m_stmt, index, value);
  return *this;
}

Statement&
Statement::bind(int index, std::optional<int64_t> value)
{
  return value ? bind(index, *value) : bind_null(index);
}

Statement&
Statement::bind_null(int index)
{
  sqlite3_bind_null(m_stmt, index);
  return *this;
}

bool
Statement::step()
{
  const int rc = sqlite3_step(m_stmt);
  if (rc == SQLITE_ROW) {
    return true;
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  m_db.fail("query failed");
}

void
Statement::run()
{
  step();
  reset();
}

void
Statement::reset()
{
  sqlite3_reset(m_stmt);
  sqlite3_clear_bindings(m_stmt);
}

std::string
Statement::text(int column) const
{
  const auto* p = sqlite3_column_text(m_stmt, column);
  return p ? std::string(reinterpret_cast<const char*>(p),
                         static_cast<size_t>(sqlite3_column_bytes(m_stmt, column)))
           : std::string();
}

int64_t
Statement::integer(int column) const
{
  return sqlite3_column_int64(m_stmt, column);
}

std::optional<int64_t>
Statement::optional_integer(int column) const
{
  if (sqlite3_column_type(m_stmt, column) == SQLITE_NULL) {
    return std::nullopt;
  }
  return integer(column);
}

} // namespace herald::store
