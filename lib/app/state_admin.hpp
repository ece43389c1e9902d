#pragma once

#include "store/state_admin.hpp"

#include <string>

// `herald state migrate` and `herald state check`, as text.
namespace herald::app {

struct StateMigration
{
  std::string from;
  std::string to;
};

// Copies and verifies (store::copy_state); the report names each table with its rows and
// checksum. Throws herald::Error when the copy cannot be made or does not match.
std::vector<store::TableCopy> migrate_state(const StateMigration& migration);
std::string migration_report(const StateMigration& migration,
                             const std::vector<store::TableCopy>& copies);

// The check's report: the schema, SQLite's integrity check, the jobs by state, then each
// problem; the last line says ok or how many problems there are.
std::string check_report(const store::StateLocation& location, const store::StateCheck& check);

} // namespace herald::app
