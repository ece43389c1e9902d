#include "schema.hpp"

#include "util/error.hpp"

#include <fmt/core.h>

#include <iterator>
#include <regex>

namespace herald::store {

namespace {

constexpr const char* k_schema_v1 = R"sql(
CREATE TABLE meta(
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE calendars(
  key TEXT PRIMARY KEY,
  path TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  files TEXT NOT NULL,
  baseline INTEGER NOT NULL,
  horizon_until INTEGER NOT NULL,
  synced_at INTEGER NOT NULL
);
CREATE TABLE jobs(
  calendar TEXT NOT NULL,
  id TEXT NOT NULL,
  post_id TEXT NOT NULL,
  account TEXT NOT NULL,
  platform TEXT NOT NULL,
  occurrence TEXT NOT NULL,
  due INTEGER NOT NULL,
  state TEXT NOT NULL,
  revision TEXT NOT NULL,
  payload TEXT NOT NULL,
  grace INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  idempotency_key TEXT NOT NULL,
  remote_id TEXT NOT NULL,
  url TEXT NOT NULL,
  error TEXT NOT NULL,
  next_attempt INTEGER,
  posted_at INTEGER,
  lease_token TEXT NOT NULL,
  lease_until INTEGER,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY(calendar, id)
);
CREATE INDEX jobs_by_state_due ON jobs(calendar, state, due);
CREATE INDEX calendars_by_path ON calendars(path);
CREATE INDEX jobs_by_posted ON jobs(posted_at) WHERE posted_at IS NOT NULL;
)sql";

// `herald engage`: conversations with their triage, and a fetch cursor per account
// (conversation_store.hpp).
constexpr const char* k_schema_v2 = R"sql(
CREATE TABLE engage_cursors(
  account TEXT PRIMARY KEY,
  cursor TEXT NOT NULL,
  handle TEXT NOT NULL,
  fetched_at INTEGER NOT NULL
);
CREATE TABLE engage_conversations(
  id TEXT PRIMARY KEY,
  account TEXT NOT NULL,
  platform TEXT NOT NULL,
  key TEXT NOT NULL,
  root_id TEXT NOT NULL,
  root_cid TEXT NOT NULL,
  snapshot TEXT NOT NULL,
  open INTEGER NOT NULL,
  triage TEXT NOT NULL,
  triage_until INTEGER,
  triage_mark INTEGER,
  updated_at INTEGER NOT NULL,
  UNIQUE(account, key)
);
CREATE INDEX engage_conversations_open ON engage_conversations(open);
)sql";

// `herald report`: timestamped snapshots of what the platforms count (metrics_store.hpp).
constexpr const char* k_schema_v3 = R"sql(
CREATE TABLE post_metrics(
  calendar TEXT NOT NULL,
  job_id TEXT NOT NULL,
  account TEXT NOT NULL,
  remote_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  counts TEXT NOT NULL,
  PRIMARY KEY(calendar, job_id, at)
);
CREATE TABLE account_metrics(
  calendar TEXT NOT NULL,
  account TEXT NOT NULL,
  platform TEXT NOT NULL,
  at INTEGER NOT NULL,
  followers INTEGER NOT NULL,
  PRIMARY KEY(calendar, account, at)
);
)sql";

constexpr const char* k_schema_v4 = R"sql(
ALTER TABLE jobs ADD COLUMN lease_holder TEXT NOT NULL DEFAULT '';
)sql";

// Each host's own copy of a calendar, as it last read it: the fingerprint that lets a tick skip
// reading an unchanged file depends on the host (inode, mtime) and on where the file sits, so
// hosts sharing a state each keep theirs instead of overwriting one another's (store.hpp).
constexpr const char* k_schema_v5 = R"sql(
CREATE TABLE calendar_copies(
  host TEXT NOT NULL,
  path TEXT NOT NULL,
  calendar TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  files TEXT NOT NULL,
  read_at INTEGER NOT NULL,
  PRIMARY KEY(host, path)
);
)sql";

// One step per schema version, in order; a store at version N runs every step above N in one
// write transaction. Steps are only ever appended: a released step is never edited.
struct Migration
{
  int version;
  const char* sql;
};

constexpr Migration k_migrations[] = {
  { 1, k_schema_v1 }, { 2, k_schema_v2 }, { 3, k_schema_v3 },
  { 4, k_schema_v4 }, { 5, k_schema_v5 },
};

static_assert(std::size(k_migrations) > 0 &&
                k_migrations[std::size(k_migrations) - 1].version == k_schema_version,
              "k_schema_version must be the last migration's version");

// The key of the advisory lock that migrations take on PostgreSQL ("herald" + 1).
constexpr int64_t k_migration_lock = 0x68657261'6c640001;

[[noreturn]] void
refuse_newer(int version)
{
  throw Error(fmt::format("this state was written by a newer herald (schema {}; this herald "
                          "understands up to {}); upgrade herald or use another --state",
                          version, k_schema_version),
              ExitStatus::state);
}

int
first_integer(SqlConnection& db, const std::string& sql)
{
  int64_t value = 0;
  db.query(sql, {}, [&](const SqlRow& row) { value = row.optional_integer(0).value_or(0); });
  return static_cast<int>(value);
}

} // namespace

std::string
postgresql_ddl(const std::string& sqlite_ddl)
{
  static const std::regex integer("\\bINTEGER\\b");
  static const std::regex text("\\bTEXT\\b");
  return std::regex_replace(std::regex_replace(sqlite_ddl, integer, "BIGINT"), text,
                            "TEXT COLLATE \"C\"");
}

int
schema_version(SqlConnection& db)
{
  if (db.dialect() == SqlDialect::sqlite) {
    return first_integer(db, "PRAGMA user_version");
  }
  // Every command reads this first, in a backend that has just started: a plain read of the
  // table is the cheapest statement there (about 1 ms less than any query that first asks the
  // catalog whether the table exists). Only a database herald has never written lacks the
  // table: then the read fails, once, and the catalog says why. Inside a transaction the
  // failure would abort it, so there the catalog is asked first.
  const auto table_exists = [&] {
    return first_integer(db, "SELECT CASE WHEN to_regclass('herald_schema') IS NULL THEN 0 "
                             "ELSE 1 END") == 1;
  };
  const std::string read = "SELECT MAX(version) FROM herald_schema";
  if (db.in_transaction()) {
    return table_exists() ? first_integer(db, read) : 0;
  }
  try {
    return first_integer(db, read);
  } catch (const Error&) {
    if (!table_exists()) {
      return 0;
    }
    // Another process created the table between the read and the catalog's answer (two hosts
    // starting on a new state at once): read it again, and a second failure is real.
    return first_integer(db, read);
  }
}

void
migrate(SqlConnection& db)
{
  const int version = schema_version(db);
  if (version == k_schema_version) {
    return;
  }
  if (version > k_schema_version) {
    refuse_newer(version);
  }
  const bool postgresql = db.dialect() == SqlDialect::postgresql;
  // Two runners racing to create the store: the second waits for the lock, then sees the
  // version the first one wrote and does nothing.
  db.begin_write();
  try {
    if (postgresql) {
      db.query(fmt::format("SELECT pg_advisory_xact_lock({})", k_migration_lock), {},
               [](const SqlRow&) {});
      db.exec_script("CREATE TABLE IF NOT EXISTS herald_schema(version BIGINT NOT NULL)");
    }
    const int locked_version = schema_version(db);
    if (locked_version > k_schema_version) {
      refuse_newer(locked_version);
    }
    for (const Migration& step : k_migrations) {
      if (locked_version < step.version) {
        db.exec_script(postgresql ? postgresql_ddl(step.sql) : std::string(step.sql));
      }
    }
    if (postgresql) {
      db.run("DELETE FROM herald_schema");
      db.run(fmt::format("INSERT INTO herald_schema(version) VALUES({})", k_schema_version));
    } else {
      db.exec_script(fmt::format("PRAGMA user_version = {}", k_schema_version));
    }
    db.commit();
  } catch (...) {
    db.rollback();
    throw;
  }
}

} // namespace herald::store
