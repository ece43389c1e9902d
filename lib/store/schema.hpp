#pragma once

#include "sql_connection.hpp"

#include <string>

namespace herald::store {

// The schema version this herald writes: SQLite keeps it in PRAGMA user_version, PostgreSQL in
// the one-row table herald_schema. Older states are migrated forward in one write transaction;
// a newer one is refused.
inline constexpr int k_schema_version = 5;

// Brings the state behind `db` to k_schema_version, or throws herald::Error (status `state`)
// when it was written by a newer herald. Two processes migrating at once cannot race: SQLite
// serialises them on its write lock, PostgreSQL on an advisory lock held by the transaction
// (pg_advisory_xact_lock); the second one then finds the work done.
void migrate(SqlConnection& db);

// The state's schema version, 0 for an empty database.
int schema_version(SqlConnection& db);

// A schema step written in SQLite's spelling, as PostgreSQL takes it: 64-bit integers (instants
// are seconds since the epoch) and byte-order text comparison, so that both backends sort ids
// alike whatever the database's locale.
std::string postgresql_ddl(const std::string& sqlite_ddl);

} // namespace herald::store
