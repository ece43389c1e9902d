/* The floor under a command on a PostgreSQL state: a C program that starts, loads libpq,
 * connects to the URL it is given, runs `SELECT 1` and exits (herald_state_bench times it
 * beside herald's unchanged tick, same machine, same run). */
#include <libpq-fe.h>

int
main(int argc, char** argv)
{
  if (argc != 2) {
    return 2;
  }
  PGconn* conn = PQconnectdb(argv[1]);
  PGresult* result = PQexec(conn, "SELECT 1");
  const int ok = PQresultStatus(result) == PGRES_TUPLES_OK;
  PQclear(result);
  PQfinish(conn);
  return ok ? 0 : 1;
}
