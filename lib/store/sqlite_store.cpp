#include "sqlite_store.hpp"

#include "sqlite_db.hpp"

#include "util/error.hpp"

#include <fmt/core.h>

#include <sys/stat.h>

#include <iterator>

namespace herald::store {

namespace {

namespace fs = std::filesystem;

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

// One step per schema version, in order; a store at version N runs every step above N in one
// write transaction. Steps are only ever appended: a released step is never edited.
struct Migration
{
  int version;
  const char* sql;
};

constexpr Migration k_migrations[] = {
  { 1, k_schema_v1 },
  { 2, k_schema_v2 },
  { 3, k_schema_v3 },
};

static_assert(std::size(k_migrations) > 0 &&
                k_migrations[std::size(k_migrations) - 1].version == k_schema_version,
              "k_schema_version must be the last migration's version");

constexpr const char* k_job_columns =
  "calendar, id, post_id, account, platform, occurrence, due, state, revision, payload, grace, "
  "attempts, idempotency_key, remote_id, url, error, next_attempt, posted_at, lease_token, "
  "lease_until, updated_at";

Job
read_job(const Statement& st)
{
  Job job;
  job.calendar = st.text(0);
  job.id = st.text(1);
  job.post_id = st.text(2);
  job.account = st.text(3);
  job.platform = st.text(4);
  job.occurrence = st.text(5);
  job.due = time_point(st.integer(6));
  job.state = parse_job_state(st.text(7)).value_or(JobState::unknown);
  job.revision = st.text(8);
  job.payload = st.text(9);
  job.grace = std::chrono::seconds(st.integer(10));
  job.attempts = static_cast<int>(st.integer(11));
  job.idempotency_key = st.text(12);
  job.remote_id = st.text(13);
  job.url = st.text(14);
  job.error = st.text(15);
  job.next_attempt = optional_time(st.optional_integer(16));
  job.posted_at = optional_time(st.optional_integer(17));
  job.lease_token = st.text(18);
  job.lease_until = optional_time(st.optional_integer(19));
  job.updated_at = time_point(st.integer(20));
  return job;
}

// Binds the mutable columns 3..21 in k_job_columns order (1 and 2 are the key).
void
bind_job(Statement& st, const Job& job)
{
  st.bind(1, job.calendar);
  st.bind(2, job.id);
  st.bind(3, job.post_id);
  st.bind(4, job.account);
  st.bind(5, job.platform);
  st.bind(6, job.occurrence);
  st.bind(7, seconds(job.due));
  st.bind(8, to_string(job.state));
  st.bind(9, job.revision);
  st.bind(10, job.payload);
  st.bind(11, static_cast<int64_t>(job.grace.count()));
  st.bind(12, static_cast<int64_t>(job.attempts));
  st.bind(13, job.idempotency_key);
  st.bind(14, job.remote_id);
  st.bind(15, job.url);
  st.bind(16, job.error);
  st.bind(17, optional_seconds(job.next_attempt));
  st.bind(18, optional_seconds(job.posted_at));
  st.bind(19, job.lease_token);
  st.bind(20, optional_seconds(job.lease_until));
  st.bind(21, seconds(job.updated_at));
}

class SqliteStore : public Store
{
public:
  explicit SqliteStore(const fs::path& path)
    : m_db(path.string())
  {
    m_db.use_state_settings();
    migrate();
  }

  void begin_write() override { m_db.exec("BEGIN IMMEDIATE"); }
  void commit() override { m_db.exec("COMMIT"); }
  void rollback() override
  {
    if (!sqlite3_get_autocommit(m_db.handle())) {
      m_db.exec("ROLLBACK");
    }
  }

  std::optional<CalendarRecord> find_calendar(std::string_view key) override
  {
    return find_calendar_where("key", key);
  }

  std::optional<CalendarRecord> find_calendar_by_path(std::string_view path) override
  {
    return find_calendar_where("path", path);
  }

  void put_calendar(const CalendarRecord& r) override
  {
    Statement st(m_db,
                 "INSERT OR REPLACE INTO calendars(key, path, fingerprint, content_hash, files, "
                 "baseline, horizon_until, synced_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
    st.bind(1, r.key)
      .bind(2, r.path)
      .bind(3, r.fingerprint)
      .bind(4, r.content_hash)
      .bind(5, r.files)
      .bind(6, seconds(r.baseline))
      .bind(7, seconds(r.horizon_until))
      .bind(8, seconds(r.synced_at));
    st.run();
  }

  void rename_calendar(std::string_view from, std::string_view to) override
  {
    for (const char* sql : { "UPDATE calendars SET key = ?2 WHERE key = ?1",
                             "UPDATE jobs SET calendar = ?2 WHERE calendar = ?1",
                             "UPDATE post_metrics SET calendar = ?2 WHERE calendar = ?1",
                             "UPDATE account_metrics SET calendar = ?2 WHERE calendar = ?1" }) {
      Statement st(m_db, sql);
      st.bind(1, from).bind(2, to);
      st.run();
    }
  }

  std::vector<Job> list_jobs(const JobFilter& filter) override
  {
    std::string sql = fmt::format("SELECT {} FROM jobs WHERE 1", k_job_columns);
    if (!filter.calendar.empty()) {
      sql += " AND calendar = ?1";
    }
    if (!filter.states.empty()) {
      sql += " AND state IN (";
      for (size_t i = 0; i < filter.states.size(); ++i) {
        sql += fmt::format("{}'{}'", i ? ", " : "", to_string(filter.states[i]));
      }
      sql += ")";
    }
    if (filter.due_before) {
      sql += " AND due <= ?2";
    }
    const char* direction = filter.descending ? "DESC" : "ASC";
    sql += filter.order_by == "posted" ? fmt::format(" ORDER BY posted_at {0}, id {0}", direction)
                                       : fmt::format(" ORDER BY due {0}, id {0}", direction);
    if (filter.limit > 0) {
      sql += fmt::format(" LIMIT {}", filter.limit);
    }
    Statement st(m_db, sql.c_str());
    if (!filter.calendar.empty()) {
      st.bind(1, filter.calendar);
    }
    if (filter.due_before) {
      st.bind(2, seconds(*filter.due_before));
    }
    std::vector<Job> jobs;
    while (st.step()) {
      jobs.push_back(read_job(st));
    }
    return jobs;
  }

  std::optional<Job> find_job(std::string_view calendar, std::string_view id) override
  {
    Statement st(
      m_db,
      fmt::format("SELECT {} FROM jobs WHERE calendar = ? AND id = ?", k_job_columns).c_str());
    st.bind(1, calendar).bind(2, id);
    if (!st.step()) {
      return std::nullopt;
    }
    return read_job(st);
  }

  void insert_job(const Job& job) override
  {
    if (!m_insert) {
      m_insert = std::make_unique<Statement>(
        m_db,
        fmt::format("INSERT INTO jobs({}) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                    "?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
                    k_job_columns)
          .c_str());
    }
    bind_job(*m_insert, job);
    m_insert->run();
  }

  bool update_job_if(const Job& job, JobState expected_state,
                     std::string_view expected_token) override
  {
    if (!m_update) {
      m_update = std::make_unique<Statement>(
        m_db,
        "UPDATE jobs SET post_id = ?3, account = ?4, platform = ?5, occurrence = ?6, due = ?7, "
        "state = ?8, revision = ?9, payload = ?10, grace = ?11, attempts = ?12, "
        "idempotency_key = ?13, remote_id = ?14, url = ?15, error = ?16, next_attempt = ?17, "
        "posted_at = ?18, lease_token = ?19, lease_until = ?20, updated_at = ?21 "
        "WHERE calendar = ?1 AND id = ?2 AND state = ?22 AND lease_token = ?23");
    }
    bind_job(*m_update, job);
    m_update->bind(22, to_string(expected_state));
    m_update->bind(23, expected_token);
    m_update->step();
    const bool updated = m_db.changes() == 1;
    m_update->reset();
    return updated;
  }

  std::vector<Job> actionable_jobs(std::string_view calendar, TimePoint now) override
  {
    // Three index range scans rather than one OR over every row of the calendar: a cron tick
    // with nothing due must not read the whole table.
    Statement st(m_db, fmt::format("SELECT {0} FROM jobs WHERE calendar = ?1 AND state = 'pending'"
                                   " AND due <= ?2"
                                   " UNION ALL SELECT {0} FROM jobs WHERE calendar = ?1"
                                   " AND state = 'retry-wait' AND next_attempt <= ?2"
                                   " UNION ALL SELECT {0} FROM jobs WHERE calendar = ?1"
                                   " AND state IN ('claimed', 'sending') AND lease_until <= ?2"
                                   " ORDER BY 7, 2",
                                   k_job_columns)
                         .c_str());
    st.bind(1, calendar).bind(2, seconds(now));
    std::vector<Job> jobs;
    while (st.step()) {
      jobs.push_back(read_job(st));
    }
    return jobs;
  }

  std::optional<TimePoint> next_due(std::string_view calendar) override
  {
    Statement st(m_db, "SELECT MIN(t) FROM ("
                       " SELECT MIN(due) AS t FROM jobs WHERE calendar = ?1 AND state = 'pending'"
                       " UNION ALL SELECT MIN(next_attempt) FROM jobs"
                       "  WHERE calendar = ?1 AND state = 'retry-wait')");
    st.bind(1, calendar);
    if (!st.step()) {
      return std::nullopt;
    }
    return optional_time(st.optional_integer(0));
  }

private:
  std::optional<CalendarRecord> find_calendar_where(std::string_view column, std::string_view value)
  {
    Statement st(m_db, fmt::format("SELECT key, path, fingerprint, content_hash, files, baseline, "
                                   "horizon_until, synced_at FROM calendars WHERE {} = ? "
                                   "ORDER BY synced_at DESC LIMIT 1",
                                   column)
                         .c_str());
    st.bind(1, value);
    if (!st.step()) {
      return std::nullopt;
    }
    CalendarRecord r;
    r.key = st.text(0);
    r.path = st.text(1);
    r.fingerprint = st.text(2);
    r.content_hash = st.text(3);
    r.files = st.text(4);
    r.baseline = time_point(st.integer(5));
    r.horizon_until = time_point(st.integer(6));
    r.synced_at = time_point(st.integer(7));
    return r;
  }

  void migrate()
  {
    const int version = user_version();
    if (version == k_schema_version) {
      return;
    }
    if (version > k_schema_version) {
      throw Error(fmt::format("this state was written by a newer herald (schema {}; this herald "
                              "understands up to {}); upgrade herald or use another --state",
                              version, k_schema_version),
                  ExitStatus::state);
    }
    // Two runners racing to create the store: the second waits for the lock, then sees the
    // version the first one wrote and does nothing.
    begin_write();
    try {
      const int locked_version = user_version();
      for (const Migration& step : k_migrations) {
        if (locked_version < step.version) {
          m_db.exec(step.sql);
        }
      }
      m_db.exec(fmt::format("PRAGMA user_version = {}", k_schema_version).c_str());
      commit();
    } catch (...) {
      rollback();
      throw;
    }
  }

  int user_version()
  {
    Statement st(m_db, "PRAGMA user_version");
    st.step();
    return static_cast<int>(st.integer(0));
  }

  SqliteDb m_db;
  std::unique_ptr<Statement> m_insert;
  std::unique_ptr<Statement> m_update;
};

} // namespace

std::unique_ptr<Store>
open_sqlite_store(const fs::path& path)
{
  std::error_code ec;
  if (path.has_parent_path() && !fs::exists(path.parent_path(), ec)) {
    fs::create_directories(path.parent_path(), ec);
    if (ec) {
      throw Error(fmt::format("cannot create the state directory {}: {}",
                              path.parent_path().string(), ec.message()),
                  ExitStatus::state);
    }
    // The state names accounts and holds what was published: keep it to its owner.
    ::chmod(path.parent_path().c_str(), 0700);
  }
  const mode_t old_mask = ::umask(077);
  try {
    auto store = std::make_unique<SqliteStore>(path);
    ::umask(old_mask);
    return store;
  } catch (...) {
    ::umask(old_mask);
    throw;
  }
}

} // namespace herald::store
