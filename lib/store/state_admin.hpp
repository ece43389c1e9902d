#pragma once

#include "state_location.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

// `herald state`: moving a state to another backend, and checking one.
namespace herald::store {

// One table as copied: its rows and a checksum of their contents (FNV-1a over every column of
// every row in key order), equal on both sides when the copy is verified.
struct TableCopy
{
  std::string table;
  int64_t rows = 0;
  std::string checksum;
};

// Copies every table of the state at `from` into the empty state at `to` in one transaction,
// jobs in every state. Leases are dropped: a claimed or sending job's lease is made expired (and
// its holder cleared), so that the first tick on the new state recovers it by the usual rules
// (a resend with the same idempotency key, or `unknown` where the platform cannot deduplicate).
// Then reads the copy back and compares row counts and checksums per table. Throws
// herald::Error (status `state`) when the target is not empty or the copy does not match.
std::vector<TableCopy> copy_state(const StateLocation& from, const StateLocation& to);

// What `herald state check` found.
struct StateCheck
{
  int schema_version = 0;
  // SQLite: PRAGMA integrity_check's lines ("ok" when sound); PostgreSQL: empty (the server
  // keeps its own pages sound).
  std::vector<std::string> integrity;
  std::map<std::string, int64_t> jobs_by_state;
  // Rows that break herald's own rules (e.g. a sending job without a lease), one line each.
  std::vector<std::string> problems;
  bool ok() const;
};

// Checks the state at `location` without changing it (an older schema is reported, not
// migrated). Throws herald::Error (status `state`) when it cannot be opened.
StateCheck check_state(const StateLocation& location);

} // namespace herald::store
