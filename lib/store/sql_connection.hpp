#pragma once

#include "schedule/clock.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace herald::store {

// One value bound to a statement: NULL, a whole number or text.
using SqlValue = std::variant<std::nullptr_t, int64_t, std::string>;

// Positional parameters: element i is `?{i+1}` in the SQL (`${i+1}` on PostgreSQL).
class SqlParams
{
public:
  // Text is bound as valid UTF-8: each byte sequence that is not becomes U+FFFD
  // (text::replace_invalid_utf8), so nothing written to the state can break a reader.
  SqlParams& add(std::string_view value);
  SqlParams& add(int64_t value);
  SqlParams& add(std::optional<int64_t> value);
  const std::vector<SqlValue>& values() const { return m_values; }

private:
  std::vector<SqlValue> m_values;
};

// A statement with its parameters, for run_batch().
struct SqlStatement
{
  std::string sql;
  SqlParams params;
};

// One row of a result; columns are numbered from 0.
class SqlRow
{
public:
  virtual ~SqlRow() = default;
  virtual std::string text(int column) const = 0;
  virtual int64_t integer(int column) const = 0;
  virtual std::optional<int64_t> optional_integer(int column) const = 0;
};

enum class SqlDialect
{
  sqlite,
  postgresql
};

// A connection to the state, SQLite or PostgreSQL. The SQL that the stores hand it is written
// once, in SQLite's spelling with numbered parameters (`?1`), in the subset both dialects agree
// on; the PostgreSQL connection turns `?N` into `$N`. Every failure throws herald::Error
// (status `state`) naming the state (never its password) and the database's own reason.
class SqlConnection
{
public:
  virtual ~SqlConnection() = default;
  virtual SqlDialect dialect() const = 0;

  // A write transaction. SQLite takes the database's write lock at once (BEGIN IMMEDIATE);
  // PostgreSQL takes herald's writer lock (an advisory lock) only when the transaction first
  // reads or inserts, see lock_writers().
  virtual void begin_write() = 0;
  virtual void commit() = 0;
  // Does nothing outside a transaction.
  virtual void rollback() = 0;
  // herald's writer lock, held until the transaction ends (no-op on SQLite, whose write lock
  // BEGIN IMMEDIATE took). A transaction that reads before it writes (a calendar sync) takes it
  // exclusively, as SQLite's write lock is, so that what it read stays true until it commits.
  // One that only changes jobs by conditional updates (claims, settles) takes it shared: such
  // transactions run side by side, and never while a sync holds rows it may yet change, so
  // that a row another transaction holds is always one that another runner is claiming.
  virtual void lock_writers(bool shared = false) = 0;
  // Whether a transaction is open (begin_write() without commit() or rollback() yet).
  virtual bool in_transaction() const = 0;

  // Runs statements without parameters or results (a schema step).
  virtual void exec_script(const std::string& sql) = 0;
  // Runs a statement, calling `each` per row.
  virtual void query(const std::string& sql, const SqlParams& params,
                     const std::function<void(const SqlRow&)>& each) = 0;
  // Runs a statement that returns no rows; returns how many rows it changed.
  virtual int64_t run(const std::string& sql, const SqlParams& params = {}) = 0;
  // Runs the statements in order, as run() does each, and returns how many rows each changed.
  // PostgreSQL sends them all before it reads an answer (pipeline mode): a batch of claims
  // costs one round trip, not one per job. The first failure throws; the batch is then in an
  // aborted transaction, which the caller rolls back.
  virtual std::vector<int64_t> run_batch(const std::vector<SqlStatement>& batch)
  {
    std::vector<int64_t> changed;
    changed.reserve(batch.size());
    for (const auto& statement : batch) {
      changed.push_back(run(statement.sql, statement.params));
    }
    return changed;
  }
};

// Instants are stored as whole seconds since the Unix epoch.
inline int64_t
seconds(TimePoint t)
{
  return t.time_since_epoch().count();
}

inline TimePoint
time_point(int64_t s)
{
  return TimePoint(std::chrono::seconds(s));
}

inline std::optional<int64_t>
optional_seconds(const std::optional<TimePoint>& t)
{
  return t ? std::optional<int64_t>(seconds(*t)) : std::nullopt;
}

inline std::optional<TimePoint>
optional_time(std::optional<int64_t> s)
{
  return s ? std::optional<TimePoint>(time_point(*s)) : std::nullopt;
}

// Whether a command will change the state (`run`, `post`, ...) or only read it (`status`,
// `history`), which then works on a state it cannot write.
enum class StateAccess
{
  read_write,
  read_only,
};

// Opens the SQLite state at `path`. To write: creating it when missing (mode 0600, in a
// directory made owner-only), with WAL journal, synchronous=FULL so a recorded intent survives
// power loss, and a busy timeout so concurrent runs wait for each other instead of failing. To
// read: as to write when this user can write the state and its directory; else SQLite's
// read-only mode, creating nothing, and when the directory cannot be written either (so no other
// process can be writing there) and the WAL's shared-memory file is not there for this user,
// the file is read as it is, without that file.
std::unique_ptr<SqlConnection> open_sqlite_connection(const std::string& path,
                                                      StateAccess access = StateAccess::read_write);

// Connects to the PostgreSQL state at `url` (postgresql:// or postgres://, libpq's URI syntax).
// The password comes from libpq's own means (PGPASSWORD, ~/.pgpass, a service file) or from the
// environment variable that the URL's `password_env` parameter names; it is never shown.
std::unique_ptr<SqlConnection> open_postgresql_connection(const std::string& url);

// `url` with any password in it masked, for messages.
std::string redact_location(const std::string& url);

} // namespace herald::store
