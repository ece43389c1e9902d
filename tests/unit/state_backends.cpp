#include "state_backends.hpp"

#include <doctest/doctest.h>
#include <fmt/core.h>

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <stdexcept>

namespace herald::test {

namespace {

std::atomic<int> g_databases{ 0 };

} // namespace

std::string
PostgresqlState::server_url()
{
  const char* url = std::getenv("HERALD_TEST_PG");
  if (!url || !*url) {
    throw std::runtime_error(
      "HERALD_TEST_PG is not set: the PostgreSQL store tests need a server. Run them through "
      "scripts/test.sh, or start a throwaway one with `scripts/pg-test-server.sh run ctest "
      "--test-dir build`");
  }
  return url;
}

std::string
PostgresqlState::url_of(const std::string& database)
{
  const std::string url = server_url();
  const auto authority = url.find("://");
  const auto slash = url.find('/', authority == std::string::npos ? 0 : authority + 3);
  const auto query = url.find('?');
  const std::string base = url.substr(0, std::min(slash, query));
  const std::string rest = query == std::string::npos ? "" : url.substr(query);
  return base + "/" + database + rest;
}

void
PostgresqlState::admin(const std::string& sql)
{
  const std::string url = server_url();
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    const std::string reason = PQerrorMessage(conn);
    PQfinish(conn);
    throw std::runtime_error(
      fmt::format("cannot reach the PostgreSQL test server at {} ({}): start it with "
                  "scripts/pg-test-server.sh",
                  url, reason));
  }
  PGresult* result = PQexec(conn, sql.c_str());
  const bool ok =
    PQresultStatus(result) == PGRES_COMMAND_OK || PQresultStatus(result) == PGRES_TUPLES_OK;
  const std::string reason = PQresultErrorMessage(result);
  PQclear(result);
  PQfinish(conn);
  if (!ok) {
    throw std::runtime_error(fmt::format("{}: {}", sql, reason));
  }
}

PostgresqlState::PostgresqlState()
  : m_database(fmt::format("herald_unit_{}_{}", ::getpid(), ++g_databases))
  , m_location(url_of(m_database))
{
  admin(fmt::format("CREATE DATABASE {}", m_database));
}

PostgresqlState::~PostgresqlState()
{
  try {
    admin(fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", m_database));
  } catch (const std::exception& e) {
    MESSAGE(e.what());
  }
}

} // namespace herald::test
