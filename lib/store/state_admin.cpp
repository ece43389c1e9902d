#include "state_admin.hpp"

#include "schema.hpp"
#include "sql_store.hpp"

#include "util/error.hpp"
#include "util/hash.hpp"

#include <fmt/core.h>

namespace herald::store {

namespace {

// Every table of the state at k_schema_version, with its columns in order ('i' an integer,
// possibly NULL; 't' text) and its key, by which rows are compared. A schema step that adds a
// table or a column adds it here too.
struct Table
{
  const char* name;
  std::vector<std::pair<const char*, char>> columns;
  const char* key;
};

const std::vector<Table>&
tables()
{
  static const std::vector<Table> all{
    { "meta", { { "key", 't' }, { "value", 't' } }, "key" },
    { "calendars",
      { { "key", 't' },
        { "path", 't' },
        { "fingerprint", 't' },
        { "content_hash", 't' },
        { "files", 't' },
        { "baseline", 'i' },
        { "horizon_until", 'i' },
        { "synced_at", 'i' } },
      "key" },
    { "calendar_copies",
      { { "host", 't' },
        { "path", 't' },
        { "calendar", 't' },
        { "fingerprint", 't' },
        { "content_hash", 't' },
        { "files", 't' },
        { "read_at", 'i' } },
      "host, path" },
    { "jobs",
      { { "calendar", 't' },
        { "id", 't' },
        { "post_id", 't' },
        { "account", 't' },
        { "platform", 't' },
        { "occurrence", 't' },
        { "due", 'i' },
        { "state", 't' },
        { "revision", 't' },
        { "payload", 't' },
        { "grace", 'i' },
        { "attempts", 'i' },
        { "idempotency_key", 't' },
        { "remote_id", 't' },
        { "url", 't' },
        { "error", 't' },
        { "next_attempt", 'i' },
        { "posted_at", 'i' },
        { "lease_token", 't' },
        { "lease_until", 'i' },
        { "updated_at", 'i' },
        { "lease_holder", 't' } },
      "calendar, id" },
    { "engage_cursors",
      { { "account", 't' }, { "cursor", 't' }, { "handle", 't' }, { "fetched_at", 'i' } },
      "account" },
    { "engage_conversations",
      { { "id", 't' },
        { "account", 't' },
        { "platform", 't' },
        { "key", 't' },
        { "root_id", 't' },
        { "root_cid", 't' },
        { "snapshot", 't' },
        { "open", 'i' },
        { "triage", 't' },
        { "triage_until", 'i' },
        { "triage_mark", 'i' },
        { "updated_at", 'i' } },
      "id" },
    { "post_metrics",
      { { "calendar", 't' },
        { "job_id", 't' },
        { "account", 't' },
        { "remote_id", 't' },
        { "at", 'i' },
        { "counts", 't' } },
      "calendar, job_id, at" },
    { "account_metrics",
      { { "calendar", 't' },
        { "account", 't' },
        { "platform", 't' },
        { "at", 'i' },
        { "followers", 'i' } },
      "calendar, account, at" },
  };
  return all;
}

using Row = std::vector<SqlValue>;

std::string
column_list(const Table& table)
{
  std::string out;
  for (const auto& [name, type] : table.columns) {
    out += (out.empty() ? "" : ", ") + std::string(name);
  }
  return out;
}

std::vector<Row>
read_table(SqlConnection& db, const Table& table)
{
  std::vector<Row> rows;
  db.query(fmt::format("SELECT {} FROM {} ORDER BY {}", column_list(table), table.name, table.key),
           {}, [&](const SqlRow& source) {
             Row row;
             for (size_t i = 0; i < table.columns.size(); ++i) {
               const int column = static_cast<int>(i);
               if (table.columns[i].second == 't') {
                 row.emplace_back(source.text(column));
               } else if (const auto value = source.optional_integer(column)) {
                 row.emplace_back(*value);
               } else {
                 row.emplace_back(nullptr);
               }
             }
             rows.push_back(std::move(row));
           });
  return rows;
}

// No lease outlives the move: expired, so the first tick recovers the job; no holder.
void
drop_lease(const Table& table, Row& row)
{
  for (size_t i = 0; i < table.columns.size(); ++i) {
    const std::string_view column = table.columns[i].first;
    if (column == "lease_until" && !std::holds_alternative<std::nullptr_t>(row[i])) {
      row[i] = int64_t{ 0 };
    } else if (column == "lease_holder") {
      row[i] = std::string();
    }
  }
}

std::string
checksum(const std::vector<Row>& rows)
{
  Hasher hasher;
  for (const auto& row : rows) {
    for (const auto& value : row) {
      if (const auto* text = std::get_if<std::string>(&value)) {
        hasher.field("t").field(*text);
      } else if (const auto* number = std::get_if<int64_t>(&value)) {
        hasher.field("i").field(std::to_string(*number));
      } else {
        hasher.field("n");
      }
    }
    hasher.field("\n");
  }
  return hasher.hex();
}

int64_t
count_rows(SqlConnection& db, const char* table)
{
  int64_t count = 0;
  db.query(fmt::format("SELECT COUNT(*) FROM {}", table), {},
           [&](const SqlRow& row) { count = row.integer(0); });
  return count;
}

void
require_existing(const StateLocation& location)
{
  if (!location.exists()) {
    throw Error(fmt::format("no state at {}", location.display()), ExitStatus::state);
  }
}

} // namespace

std::vector<TableCopy>
copy_state(const StateLocation& from, const StateLocation& to)
{
  require_existing(from);
  if (from.str() == to.str()) {
    throw Error(fmt::format("cannot copy the state {} onto itself", from.display()),
                ExitStatus::usage);
  }
  auto source = connect(from);
  migrate(*source);
  auto target = connect(to);
  migrate(*target);
  for (const auto& table : tables()) {
    if (const auto rows = count_rows(*target, table.name); rows > 0) {
      throw Error(fmt::format("the state {} is not empty ({} has {} rows): herald state migrate "
                              "copies into an empty state only",
                              to.display(), table.name, rows),
                  ExitStatus::state);
    }
  }

  // What the target must hold afterwards, table by table.
  std::vector<std::vector<Row>> expected;
  target->begin_write();
  try {
    target->lock_writers();
    for (const auto& table : tables()) {
      auto rows = read_table(*source, table);
      std::string placeholders;
      for (size_t i = 1; i <= table.columns.size(); ++i) {
        placeholders += fmt::format("{}?{}", i > 1 ? ", " : "", i);
      }
      const std::string insert =
        fmt::format("INSERT INTO {}({}) VALUES({})", table.name, column_list(table), placeholders);
      for (auto& row : rows) {
        drop_lease(table, row);
        SqlParams params;
        for (const auto& value : row) {
          if (const auto* text = std::get_if<std::string>(&value)) {
            params.add(std::string_view(*text));
          } else if (const auto* number = std::get_if<int64_t>(&value)) {
            params.add(*number);
          } else {
            params.add(std::optional<int64_t>());
          }
        }
        target->run(insert, params);
      }
      expected.push_back(std::move(rows));
    }
    target->commit();
  } catch (...) {
    target->rollback();
    throw;
  }

  // Read back on a connection of its own: what a later run will see.
  auto check = connect(to);
  std::vector<TableCopy> copies;
  for (size_t t = 0; t < tables().size(); ++t) {
    const auto& table = tables()[t];
    const auto copied = read_table(*check, table);
    const TableCopy want{ table.name, static_cast<int64_t>(expected[t].size()),
                          checksum(expected[t]) };
    const TableCopy got{ table.name, static_cast<int64_t>(copied.size()), checksum(copied) };
    if (want.rows != got.rows || want.checksum != got.checksum) {
      throw Error(fmt::format("the copy of {} does not match: {} rows (checksum {}) copied, {} "
                              "rows (checksum {}) found in {}",
                              table.name, want.rows, want.checksum, got.rows, got.checksum,
                              to.display()),
                  ExitStatus::state);
    }
    copies.push_back(got);
  }
  return copies;
}

bool
StateCheck::ok() const
{
  const bool sound = integrity.empty() || (integrity.size() == 1 && integrity.front() == "ok");
  return sound && problems.empty() && schema_version > 0 && schema_version <= k_schema_version;
}

StateCheck
check_state(const StateLocation& location)
{
  require_existing(location);
  auto db = connect(location);
  StateCheck check;
  check.schema_version = schema_version(*db);
  if (check.schema_version == 0) {
    check.problems.push_back("no herald state here (no schema)");
    return check;
  }
  if (check.schema_version > k_schema_version) {
    check.problems.push_back(fmt::format("written by a newer herald (schema {}; this herald "
                                         "understands up to {})",
                                         check.schema_version, k_schema_version));
    return check;
  }
  if (db->dialect() == SqlDialect::sqlite) {
    db->query("PRAGMA integrity_check", {},
              [&](const SqlRow& row) { check.integrity.push_back(row.text(0)); });
  }
  db->query("SELECT state, COUNT(*) FROM jobs GROUP BY state ORDER BY state", {},
            [&](const SqlRow& row) { check.jobs_by_state[row.text(0)] = row.integer(1); });
  const std::pair<const char*, const char*> rules[] = {
    { "state NOT IN ('pending', 'claimed', 'sending', 'posted', 'retry-wait', 'failed', "
      "'unknown', 'missed', 'cancelled')",
      "an unknown state" },
    { "state IN ('claimed', 'sending') AND (lease_token = '' OR lease_until IS NULL)",
      "claimed without a lease" },
    { "state = 'retry-wait' AND next_attempt IS NULL", "waiting to retry without a time" },
    { "state = 'posted' AND posted_at IS NULL", "posted without a posting time" },
  };
  for (const auto& rule : rules) {
    // Not a structured binding: clang 14 (the fuzz build's compiler) cannot capture one.
    const auto& condition = rule.first;
    const auto& what = rule.second;
    db->query(
      fmt::format("SELECT calendar, id, state FROM jobs WHERE {} ORDER BY calendar, id", condition),
      {}, [&check, &what](const SqlRow& row) {
        check.problems.push_back(fmt::format("job {} of calendar {} ({}): {}", row.text(1),
                                             row.text(0), row.text(2), what));
      });
  }
  return check;
}

} // namespace herald::store
