#pragma once

#include "sql_connection.hpp"

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace herald::store {

// Thin RAII over the SQLite C API; every failure throws herald::Error (status `state`) naming
// the database file and SQLite's own message.
class SqliteDb
{
public:
  // `path` as shown in messages; `uri`, when not empty, is what SQLite opens instead (a file:
  // URI with parameters). `flags` are sqlite3_open_v2's.
  SqliteDb(const std::string& path, int flags, const std::string& uri = {});
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  void exec(const char* sql);
  // The settings every connection to herald's state uses: a busy timeout, so that concurrent
  // runs wait for each other instead of failing; WAL, so that `status` reads while a run
  // writes; synchronous=FULL, so that each commit is durable before the network request that
  // follows it (reliability.md S2).
  void use_state_settings();
  // Those of them a connection that only reads can use: the busy timeout.
  void use_reader_settings();
  int changes() const;
  sqlite3* handle() const { return m_db; }
  [[noreturn]] void fail(std::string_view what) const;

private:
  void use_wal();
  std::string m_path;
  sqlite3* m_db = nullptr;
};

class Statement
{
public:
  Statement(SqliteDb& db, const char* sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, std::optional<int64_t> value);
  Statement& bind_null(int index);

  // True while a row is available.
  bool step();
  // Runs a statement that returns no rows.
  void run();
  void reset();

  std::string text(int column) const;
  int64_t integer(int column) const;
  std::optional<int64_t> optional_integer(int column) const;

private:
  SqliteDb& m_db;
  sqlite3_stmt* m_stmt = nullptr;
};

} // namespace herald::store
