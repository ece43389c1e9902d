#include "state_admin.hpp"

#include "store/schema.hpp"

#include <fmt/core.h>

namespace herald::app {

std::vector<store::TableCopy>
migrate_state(const StateMigration& migration)
{
  return store::copy_state(migration.from, migration.to);
}

std::string
migration_report(const StateMigration& migration, const std::vector<store::TableCopy>& copies)
{
  std::string out = fmt::format("copied {} to {}\n", store::StateLocation(migration.from).display(),
                                store::StateLocation(migration.to).display());
  for (const auto& copy : copies) {
    out += fmt::format("  {:<22} {:>8} rows  checksum {}\n", copy.table, copy.rows, copy.checksum);
  }
  out += "verified: every table has the same rows and checksum on both sides; leases were "
         "dropped, so jobs that were being sent are recovered by the first run on the new state\n";
  return out;
}

std::string
check_report(const store::StateLocation& location, const store::StateCheck& check)
{
  std::string out =
    fmt::format("state {} ({}): schema {}", location.display(),
                location.is_postgresql() ? "PostgreSQL" : "SQLite", check.schema_version);
  if (check.schema_version > 0 && check.schema_version < store::k_schema_version) {
    out += fmt::format(" (older than this herald's {}: the next run migrates it)",
                       store::k_schema_version);
  }
  out += "\n";
  if (!check.integrity.empty()) {
    std::string lines;
    for (const auto& line : check.integrity) {
      lines += (lines.empty() ? "" : "; ") + line;
    }
    out += fmt::format("integrity: {}\n", lines);
  }
  if (check.schema_version > 0 && check.schema_version <= store::k_schema_version) {
    std::string counts;
    int64_t total = 0;
    for (const auto& [state, count] : check.jobs_by_state) {
      counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", count, state);
      total += count;
    }
    out += fmt::format("jobs: {}{}\n", total, counts.empty() ? "" : " (" + counts + ")");
  }
  for (const auto& problem : check.problems) {
    out += fmt::format("problem: {}\n", problem);
  }
  out += check.ok() ? "ok\n" : "not ok\n";
  return out;
}

} // namespace herald::app
