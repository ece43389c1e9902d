#pragma once

#include "testutil.hpp"

#include <string>

// The store tests run on both backends: TEST_CASE_TEMPLATE("...", B, HERALD_STATE_BACKENDS)
// with `B state;` gives a fresh, empty state and `state.location()` its --state value.
namespace herald::test {

// A SQLite file in a fresh directory.
struct SqliteState
{
  TestDir dir;
  std::string location() const { return (dir.path() / "state" / "herald.db").string(); }
};

// A database of its own on the PostgreSQL test server that HERALD_TEST_PG names
// (scripts/pg-test-server.sh), dropped afterwards, so that tests may run in parallel. Fails the
// test, with how to start the server, when HERALD_TEST_PG is not set or the server is not there.
class PostgresqlState
{
public:
  PostgresqlState();
  ~PostgresqlState();
  PostgresqlState(const PostgresqlState&) = delete;
  PostgresqlState& operator=(const PostgresqlState&) = delete;
  const std::string& location() const { return m_location; }
  const std::string& database() const { return m_database; }
  // HERALD_TEST_PG: the server's administrative URL.
  static std::string server_url();
  // Runs administrative SQL on the server's own database.
  static void admin(const std::string& sql);
  // `server_url()` with its database replaced by `database`.
  static std::string url_of(const std::string& database);

private:
  TestDir m_dir;
  std::string m_database;
  std::string m_location;
};

} // namespace herald::test

#define HERALD_STATE_BACKENDS herald::test::SqliteState, herald::test::PostgresqlState
