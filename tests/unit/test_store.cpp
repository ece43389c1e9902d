#include "state_backends.hpp"
#include "testutil.hpp"

#include "store/sql_store.hpp"
#include "store/sqlite_store.hpp"
#include "store/state_location.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>
#include <fmt/core.h>
#include <sqlite3.h>

#include <fcntl.h>
#include <libpq-fe.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <thread>

using namespace herald;
using namespace herald::store;
using namespace std::chrono_literals;

namespace {

TimePoint
at(int64_t seconds)
{
  return TimePoint(std::chrono::seconds(seconds));
}

Job
make_job(std::string id, TimePoint due, JobState state = JobState::pending)
{
  Job job;
  job.calendar = "cal";
  job.id = std::move(id);
  job.post_id = "p";
  job.account = "a";
  job.platform = "stub";
  job.due = due;
  job.state = state;
  job.revision = "r1";
  job.payload = "{}";
  job.updated_at = due;
  return job;
}

std::string
query_text(const std::string& file, const char* sql)
{
  sqlite3* db = nullptr;
  sqlite3_open(file.c_str(), &db);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, sql, -1, &st, nullptr);
  std::string result;
  if (sqlite3_step(st) == SQLITE_ROW) {
    result = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return result;
}

} // namespace

TEST_SUITE("store::SqliteStore")
{
  TEST_CASE("a new store has the schema, WAL, and owner-only permissions")
  {
    test::TestDir dir;
    const auto file = dir.path() / "state" / "herald.db";
    {
      auto store = open_sqlite_store(file);
      store->begin_write();
      store->insert_job(make_job("j/a", at(100)));
      store->commit();
    }
    CHECK(query_text(file.string(), "PRAGMA journal_mode") == "wal");
    CHECK(query_text(file.string(), "PRAGMA user_version") == std::to_string(k_schema_version));
    struct stat st;
    REQUIRE(::stat(file.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    REQUIRE(::stat(file.parent_path().c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0700);
  }

  TEST_CASE("every directory made for a new state is owner-only; existing ones keep their mode")
  {
    test::TestDir dir;
    std::filesystem::create_directory(dir.path() / "home");
    ::chmod((dir.path() / "home").c_str(), 0755);
    const auto file = dir.path() / "home" / ".local" / "state" / "herald" / "state.db";
    open_sqlite_store(file);
    const auto mode_of = [](const std::filesystem::path& path) {
      struct stat st;
      REQUIRE(::stat(path.c_str(), &st) == 0);
      return st.st_mode & 07777;
    };
    CHECK(mode_of(dir.path() / "home") == 0755);
    CHECK(mode_of(dir.path() / "home" / ".local") == 0700);
    CHECK(mode_of(dir.path() / "home" / ".local" / "state") == 0700);
    CHECK(mode_of(dir.path() / "home" / ".local" / "state" / "herald") == 0700);
  }

  TEST_CASE("opening states never changes the umask under other threads' feet")
  {
    // The umask is the process's: a state opened on one thread must not change the mode of a
    // file another thread creates meanwhile (an outbox post, a report page).
    test::TestDir dir;
    const mode_t old_mask = ::umask(022);
    std::atomic<bool> done{ false };
    std::atomic<int> wrong{ 0 };
    std::thread creator([&] {
      for (int i = 0; !done; ++i) {
        const auto file = dir.path() / fmt::format("f{}", i % 50);
        const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        struct stat st
        {};
        if (fd >= 0 && ::fstat(fd, &st) == 0 && (st.st_mode & 0777) != 0644) {
          ++wrong;
        }
        ::close(fd);
        ::unlink(file.c_str());
      }
    });
    for (int i = 0; i < 100; ++i) {
      const auto state = dir.path() / "states" / fmt::format("s{}.db", i);
      open_sqlite_store(state);
      struct stat st
      {};
      REQUIRE(::stat(state.c_str(), &st) == 0);
      CHECK((st.st_mode & 0777) == 0600);
    }
    done = true;
    creator.join();
    const mode_t mask_after = ::umask(old_mask);
    CHECK(wrong == 0);
    CHECK(mask_after == 022);
  }

  TEST_CASE("the WAL files of a new state are owner-only too")
  {
    test::TestDir dir;
    const mode_t old_mask = ::umask(022);
    const auto file = dir.path() / "state" / "herald.db";
    auto store = open_sqlite_store(file);
    store->begin_write();
    store->insert_job(make_job("j/a", at(100)));
    store->commit();
    ::umask(old_mask);
    for (const auto* suffix : { "-wal", "-shm" }) {
      struct stat st
      {};
      REQUIRE(::stat((file.string() + suffix).c_str(), &st) == 0);
      CHECK((st.st_mode & 0777) == 0600);
    }
  }

  TEST_CASE("the WAL files stay between commands, and the log is empty once the state is closed")
  {
    test::TestDir dir;
    const auto file = dir.path() / "herald.db";
    {
      auto store = open_sqlite_store(file);
      store->begin_write();
      store->insert_job(make_job("j/a", at(100)));
      store->commit();
      CHECK(std::filesystem::file_size(file.string() + "-wal") > 0);
    }
    // Everything is in the main file: a copy of it alone (a backup) holds the job.
    CHECK(std::filesystem::file_size(file.string() + "-wal") == 0);
    CHECK(std::filesystem::exists(file.string() + "-shm"));
    const auto copy = dir.path() / "copy.db";
    std::filesystem::copy_file(file, copy);
    CHECK(open_sqlite_store(copy)->list_jobs({}).size() == 1);
  }

  TEST_CASE("a state that names a directory is refused with what --state takes")
  {
    test::TestDir dir;
    for (const auto& location : { dir.path().string(), dir.path().string() + "/new/" }) {
      CAPTURE(location);
      try {
        open_sqlite_store(location);
        FAIL("expected an error");
      } catch (const Error& e) {
        const auto example = (std::filesystem::path(location) / "state.db").lexically_normal();
        CHECK(std::string(e.what()) ==
              "cannot open state " + location +
                ": it names a directory; the state is a file (made when missing, e.g. " +
                example.string() + ") or a postgresql:// URL");
        CHECK(e.status() == ExitStatus::state);
      }
    }
  }

  TEST_CASE("a store from a newer herald is refused")
  {
    test::TestDir dir;
    const auto file = (dir.path() / "new.db").string();
    sqlite3* db = nullptr;
    sqlite3_open(file.c_str(), &db);
    sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    try {
      open_sqlite_store(file);
      FAIL("expected an error");
    } catch (const Error& e) {
      CHECK(std::string(e.what()) ==
            "this state was written by a newer herald (schema 99; this herald understands up "
            "to " +
              std::to_string(k_schema_version) + "); upgrade herald or use another --state");
      CHECK(e.status() == ExitStatus::state);
    }
  }
}

TEST_SUITE("store::Store on both backends")
{
  TEST_CASE_TEMPLATE("conditional updates: only the holder of the expected state and token wins", B,
                     HERALD_STATE_BACKENDS)
  {
    B state;
    auto store = open_store(state.location());
    store->insert_job(make_job("j/a", at(100)));

    Job claimed = make_job("j/a", at(100), JobState::claimed);
    claimed.lease_token = "t1";
    CHECK(store->update_job_if(claimed, JobState::pending, ""));
    // A second runner that read the job as pending loses.
    Job other = claimed;
    other.lease_token = "t2";
    CHECK_FALSE(store->update_job_if(other, JobState::pending, ""));
    // The wrong token loses too.
    Job sending = claimed;
    sending.state = JobState::sending;
    CHECK_FALSE(store->update_job_if(sending, JobState::claimed, "t2"));
    CHECK(store->update_job_if(sending, JobState::claimed, "t1"));
    CHECK(store->find_job("cal", "j/a")->state == JobState::sending);
  }

  TEST_CASE_TEMPLATE("a batch of conditional updates writes each that still holds, in order", B,
                     HERALD_STATE_BACKENDS)
  {
    B state;
    auto store = open_store(state.location());
    for (const char* id : { "j/a", "j/b", "j/c" }) {
      store->insert_job(make_job(id, at(100)));
    }
    Job taken = make_job("j/b", at(100), JobState::claimed);
    taken.lease_token = "other";
    REQUIRE(store->update_job_if(taken, JobState::pending, ""));

    std::vector<JobChange> claims;
    for (const char* id : { "j/a", "j/b", "j/c" }) {
      Job claim = make_job(id, at(100), JobState::claimed);
      claim.lease_token = std::string("t-") + id;
      claims.push_back({ claim, JobState::pending, "" });
    }
    // In a transaction, as the runner claims: the same batch twice, the second time all lost.
    for (const bool first : { true, false }) {
      store->begin_write();
      const auto written = store->update_jobs_if(claims);
      store->commit();
      CHECK(written == std::vector<bool>{ first, false, first });
    }
    CHECK(store->find_job("cal", "j/a")->lease_token == "t-j/a");
    CHECK(store->find_job("cal", "j/b")->lease_token == "other");
    CHECK(store->find_job("cal", "j/c")->lease_token == "t-j/c");
    CHECK(store->update_jobs_if({}).empty());
  }

  TEST_CASE_TEMPLATE("a claim takes, in order, up to the number wanted of the jobs still as found",
                     B, HERALD_STATE_BACKENDS)
  {
    B state;
    auto store = open_store(state.location());
    std::vector<Job> found;
    for (const char* id : { "j/a", "j/b", "j/c", "j/d" }) {
      store->insert_job(make_job(id, at(100)));
      found.push_back(make_job(id, at(100)));
    }
    Job taken = make_job("j/b", at(100), JobState::claimed);
    taken.lease_token = "other";
    REQUIRE(store->update_job_if(taken, JobState::pending, ""));

    const Lease lease{ "mine", at(400), at(200) };
    store->begin_write();
    CHECK(store->claim_jobs(found, lease, 2) == std::vector<size_t>{ 0, 2 });
    store->commit();
    const auto a = store->find_job("cal", "j/a");
    CHECK(a->state == JobState::claimed);
    CHECK(a->lease_token == "mine");
    CHECK(a->lease_until == at(400));
    CHECK(a->updated_at == at(200));
    CHECK(a->payload == "{}"); // the rest of the row as it was
    CHECK(store->find_job("cal", "j/b")->lease_token == "other");
    CHECK(store->find_job("cal", "j/d")->state == JobState::pending); // not wanted
    store->begin_write();
    CHECK(store->claim_jobs(found, { "again", at(400), at(200) }, 4) == std::vector<size_t>{ 3 });
    CHECK(store->claim_jobs({}, lease, 4).empty());
    store->commit();
  }

  TEST_CASE_TEMPLATE("actionable jobs: due pending, due retries and expired leases only", B,
                     HERALD_STATE_BACKENDS)
  {
    B state;
    auto store = open_store(state.location());
    store->insert_job(make_job("due/a", at(100)));
    store->insert_job(make_job("later/a", at(500)));
    store->insert_job(make_job("posted/a", at(50), JobState::posted));
    Job retry = make_job("retry/a", at(50), JobState::retry_wait);
    retry.next_attempt = at(150);
    store->insert_job(retry);
    Job lease_held = make_job("held/a", at(50), JobState::claimed);
    lease_held.lease_until = at(1000);
    store->insert_job(lease_held);
    Job lease_gone = make_job("dead/a", at(50), JobState::sending);
    lease_gone.lease_until = at(150);
    store->insert_job(lease_gone);

    std::vector<std::string> ids;
    for (const auto& job : store->actionable_jobs("cal", at(200))) {
      ids.push_back(job.id);
    }
    CHECK(ids == std::vector<std::string>{ "dead/a", "retry/a", "due/a" });
    CHECK(store->actionable_jobs("other", at(200)).empty());
    CHECK(store->next_due("cal").value() == at(100));

    // A calendar and its one-off posts in one statement, in due order across both.
    Job one_off = make_job("soon/a", at(120));
    one_off.calendar = "post:cal";
    store->insert_job(one_off);
    Job elsewhere = make_job("other/a", at(10));
    elsewhere.calendar = "other";
    store->insert_job(elsewhere);
    std::vector<std::string> both;
    for (const auto& job :
         store->actionable_jobs(std::vector<std::string>{ "cal", "post:cal" }, at(200))) {
      both.push_back(job.calendar + " " + job.id);
    }
    CHECK(both ==
          std::vector<std::string>{ "cal dead/a", "cal retry/a", "cal due/a", "post:cal soon/a" });
  }

  TEST_CASE_TEMPLATE("calendar records round-trip and are found by path", B, HERALD_STATE_BACKENDS)
  {
    B state;
    auto store = open_store(state.location());
    CalendarRecord r{ "name:x", "/a/herald.yaml", "fp", "hash", "[]", at(1), at(2), at(3) };
    store->put_calendar(r);
    const auto by_key = store->find_calendar("name:x");
    REQUIRE(by_key);
    CHECK(by_key->baseline == at(1));
    CHECK(by_key->horizon_until == at(2));
    CHECK(store->find_calendar_by_path("/a/herald.yaml")->key == "name:x");
    CHECK_FALSE(store->find_calendar_by_path("/b/herald.yaml"));
  }

  TEST_CASE_TEMPLATE("a host's copy of a calendar is kept beside the sync that hosts share", B,
                     HERALD_STATE_BACKENDS)
  {
    B state;
    auto store = open_store(state.location());
    CalendarRecord a{ "name:x", "/a/herald.yaml", "fp-a", "hash-1", "[]", at(1), at(2), at(3) };
    store->put_calendar(a);
    auto here = store->find_calendar_by_path("/a/herald.yaml");
    REQUIRE(here);
    CHECK(here->fingerprint == "fp-a");
    CHECK(here->synced_hash == "hash-1");
    CHECK(here->content_hash == "hash-1");

    // Touched, not edited: only the copy changes.
    a.fingerprint = "fp-a2";
    store->put_calendar_copy(a, at(4));
    CHECK(store->find_calendar_by_path("/a/herald.yaml")->fingerprint == "fp-a2");
    CHECK(store->find_calendar("name:x")->fingerprint == "fp-a");

    // Synced again from another copy: the first copy is still what this path read, and differs.
    store->put_calendar(
      { "name:x", "/b/herald.yaml", "fp-b", "hash-2", "[]", at(1), at(5), at(6) });
    here = store->find_calendar_by_path("/a/herald.yaml");
    REQUIRE(here);
    CHECK(here->fingerprint == "fp-a2");
    CHECK(here->content_hash == "hash-1");
    CHECK(here->synced_hash == "hash-2");
    CHECK(here->horizon_until == at(5)); // the sync is shared
    CHECK(store->find_calendar("name:x")->path == "/b/herald.yaml");

    // A state from before hosts kept copies: the last sync's copy, found by its path.
    connect(StateLocation(state.location()))->exec_script("DELETE FROM calendar_copies");
    CHECK_FALSE(store->find_calendar_by_path("/a/herald.yaml"));
    const auto earlier = store->find_calendar_by_path("/b/herald.yaml");
    REQUIRE(earlier);
    CHECK(earlier->fingerprint == "fp-b");
    CHECK(earlier->content_hash == earlier->synced_hash);
  }

  TEST_CASE_TEMPLATE("copies not read for a year are forgotten at the next sync", B,
                     HERALD_STATE_BACKENDS)
  {
    B state;
    auto store = open_store(state.location());
    const auto day = std::chrono::hours(24);
    const TimePoint start = at(1000);
    store->put_calendar({ "name:x", "/a/herald.yaml", "fp", "h", "[]", start, start, start });
    CalendarRecord b{
      "name:x", "/b/herald.yaml", "fp", "h", "[]", start, start, start + 300 * day
    };
    store->put_calendar(b);
    b.synced_at = start + 400 * day;
    store->put_calendar(b);
    CHECK_FALSE(store->find_calendar_by_path("/a/herald.yaml"));
    CHECK(store->find_calendar_by_path("/b/herald.yaml"));
  }

  TEST_CASE_TEMPLATE("text that is not UTF-8 is stored with U+FFFD in its place", B,
                     HERALD_STATE_BACKENDS)
  {
    // PostgreSQL would refuse the row, SQLite would keep bytes that break every reader.
    B state;
    auto store = open_store(state.location());
    auto job = make_job("j/a", at(100));
    job.error = "permanent: x: HTTP 422: \xE6\x97"; // a character cut in half
    job.url = "https://example.org/\xFF";
    job.remote_id = "id-\xC0";
    store->insert_job(job);
    const auto stored = store->find_job("cal", "j/a");
    REQUIRE(stored);
    CHECK(stored->error == "permanent: x: HTTP 422: \uFFFD");
    CHECK(stored->url == "https://example.org/\uFFFD");
    CHECK(stored->remote_id == "id-\uFFFD");
  }

  TEST_CASE_TEMPLATE("a rolled-back transaction leaves nothing behind", B, HERALD_STATE_BACKENDS)
  {
    B state;
    auto store = open_store(state.location());
    store->begin_write();
    store->insert_job(make_job("j/a", at(100)));
    store->rollback();
    CHECK_FALSE(store->find_job("cal", "j/a"));
  }
}

TEST_SUITE("store::Store on both backends")
{
  TEST_CASE_TEMPLATE("a lease names its holder, hostname:pid, until it is given up", B,
                     HERALD_STATE_BACKENDS)
  {
    B state;
    auto store = open_store(state.location());
    store->insert_job(make_job("j/a", at(100)));
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    const std::string holder = std::string(host) + ":" + std::to_string(::getpid());

    Job claimed = make_job("j/a", at(100), JobState::claimed);
    claimed.lease_token = "t1";
    claimed.lease_until = at(200);
    REQUIRE(store->update_job_if(claimed, JobState::pending, ""));
    CHECK(store->find_job("cal", "j/a")->lease_holder == holder);

    // The same lease keeps its holder, whatever the job (read before the claim) says.
    Job sending = claimed;
    sending.state = JobState::sending;
    sending.lease_holder = "elsewhere:1";
    REQUIRE(store->update_job_if(sending, JobState::claimed, "t1"));
    CHECK(store->find_job("cal", "j/a")->lease_holder == holder);

    Job posted = sending;
    posted.state = JobState::posted;
    posted.lease_token.clear();
    posted.lease_until.reset();
    REQUIRE(store->update_job_if(posted, JobState::sending, "t1"));
    CHECK(store->find_job("cal", "j/a")->lease_holder.empty());
  }

  TEST_CASE_TEMPLATE("jobs list in byte order, and by posting time with the unposted first", B,
                     HERALD_STATE_BACKENDS)
  {
    B state;
    auto store = open_store(state.location());
    for (const char* id : { "a/x", "B/x", "_/x", "b/x" }) {
      store->insert_job(make_job(id, at(100)));
    }
    Job posted = make_job("p/x", at(50), JobState::posted);
    posted.posted_at = at(60);
    store->insert_job(posted);

    JobFilter filter;
    filter.calendar = "cal";
    std::vector<std::string> ids;
    for (const auto& job : store->list_jobs(filter)) {
      ids.push_back(job.id);
    }
    CHECK(ids == std::vector<std::string>{ "p/x", "B/x", "_/x", "a/x", "b/x" });

    filter.order_by = "posted";
    filter.descending = true;
    filter.limit = 2;
    ids.clear();
    for (const auto& job : store->list_jobs(filter)) {
      ids.push_back(job.id);
    }
    CHECK(ids == std::vector<std::string>{ "p/x", "b/x" });

    JobFilter due_only;
    due_only.due_before = at(70);
    due_only.states = { JobState::posted, JobState::pending };
    CHECK(store->list_jobs(due_only).size() == 1);
  }

  TEST_CASE_TEMPLATE("two processes creating the state at once both find it ready", B,
                     HERALD_STATE_BACKENDS)
  {
    B state;
    std::vector<std::string> errors(4);
    std::vector<std::thread> threads;
    for (size_t i = 0; i < errors.size(); ++i) {
      threads.emplace_back([&, i] {
        try {
          auto store = open_store(state.location());
          store->insert_job(make_job("j/" + std::to_string(i), at(100)));
        } catch (const std::exception& e) {
          errors[i] = e.what();
        }
      });
    }
    for (auto& thread : threads) {
      thread.join();
    }
    for (const auto& error : errors) {
      CHECK_MESSAGE(error.empty(), error);
    }
    CHECK(open_store(state.location())->list_jobs({}).size() == 4);
  }
}

TEST_SUITE("store::PostgresqlStore")
{
  TEST_CASE("a state from a newer herald is refused")
  {
    test::PostgresqlState state;
    open_store(state.location());
    {
      PGconn* conn = PQconnectdb(state.location().c_str());
      PQclear(PQexec(conn, "UPDATE herald_schema SET version = 99"));
      PQfinish(conn);
    }
    try {
      open_store(state.location());
      FAIL("expected an error");
    } catch (const Error& e) {
      CHECK(std::string(e.what()) ==
            "this state was written by a newer herald (schema 99; this herald understands up "
            "to " +
              std::to_string(k_schema_version) + "); upgrade herald or use another --state");
      CHECK(e.status() == ExitStatus::state);
    }
  }

  TEST_CASE("a row another runner is changing is skipped, not waited for")
  {
    test::PostgresqlState state;
    auto first = open_store(state.location());
    auto second = open_store(state.location());
    first->insert_job(make_job("j/a", at(100)));

    Job mine = make_job("j/a", at(100), JobState::claimed);
    mine.lease_token = "t1";
    first->begin_write();
    REQUIRE(first->update_job_if(mine, JobState::pending, ""));
    // The first claim is not committed yet: the second runner's claim does not wait for it.
    Job theirs = mine;
    theirs.lease_token = "t2";
    second->begin_write();
    CHECK_FALSE(second->update_job_if(theirs, JobState::pending, ""));
    second->commit();
    first->commit();
    CHECK_FALSE(second->update_job_if(theirs, JobState::pending, ""));
    CHECK(second->find_job("cal", "j/a")->lease_token == "t1");
  }

  TEST_CASE("a batch of claims skips the rows another runner is claiming")
  {
    test::PostgresqlState state;
    auto first = open_store(state.location());
    auto second = open_store(state.location());
    for (const char* id : { "j/a", "j/b" }) {
      first->insert_job(make_job(id, at(100)));
    }
    Job mine = make_job("j/a", at(100), JobState::claimed);
    mine.lease_token = "t1";
    first->begin_write();
    REQUIRE(first->update_job_if(mine, JobState::pending, ""));

    std::vector<JobChange> theirs;
    for (const char* id : { "j/a", "j/b" }) {
      Job claim = make_job(id, at(100), JobState::claimed);
      claim.lease_token = "t2";
      theirs.push_back({ claim, JobState::pending, "" });
    }
    second->begin_write();
    CHECK(second->update_jobs_if(theirs) == std::vector<bool>{ false, true });
    second->commit();
    first->commit();
    CHECK(second->find_job("cal", "j/a")->lease_token == "t1");
    CHECK(second->find_job("cal", "j/b")->lease_token == "t2");
  }

  TEST_CASE("runners claiming one backlog at once take different jobs, without waiting")
  {
    test::PostgresqlState state;
    auto first = open_store(state.location());
    auto second = open_store(state.location());
    std::vector<Job> found;
    for (const char* id : { "j/a", "j/b", "j/c", "j/d" }) {
      first->insert_job(make_job(id, at(100)));
      found.push_back(make_job(id, at(100)));
    }
    first->begin_write();
    REQUIRE(first->claim_jobs(found, { "t1", at(400), at(200) }, 2) == std::vector<size_t>{ 0, 1 });
    // The first claim is not committed: the second runner skips its rows and takes the next.
    second->begin_write();
    CHECK(second->claim_jobs(found, { "t2", at(400), at(200) }, 2) == std::vector<size_t>{ 2, 3 });
    second->commit();
    first->commit();
    for (const auto& [id, token] :
         { std::pair{ "j/a", "t1" }, { "j/b", "t1" }, { "j/c", "t2" }, { "j/d", "t2" } }) {
      CHECK(first->find_job("cal", id)->lease_token == token);
    }
  }

  TEST_CASE("a failing batch throws, and the connection goes on after the rollback")
  {
    test::PostgresqlState state;
    auto store = open_store(state.location());
    store->insert_job(make_job("j/a", at(100)));
    {
      // A row the database refuses (text is always valid UTF-8 by now, so a constraint it is).
      PGconn* conn = PQconnectdb(state.location().c_str());
      PQclear(PQexec(conn, "ALTER TABLE jobs ADD CONSTRAINT no_bad CHECK (payload <> 'bad')"));
      PQfinish(conn);
    }
    Job claim = make_job("j/a", at(100), JobState::claimed);
    claim.lease_token = "t1";
    Job bad = claim;
    bad.payload = "bad";
    store->begin_write();
    CHECK_THROWS_AS(store->update_jobs_if({ { claim, JobState::pending, "" },
                                            { bad, JobState::claimed, "t1" },
                                            { claim, JobState::pending, "" } }),
                    Error);
    store->rollback();
    CHECK(store->find_job("cal", "j/a")->state == JobState::pending);
    store->begin_write();
    CHECK(store->update_jobs_if(
            { { claim, JobState::pending, "" }, { claim, JobState::pending, "" } }) ==
          std::vector<bool>{ true, false });
    store->commit();
  }

  TEST_CASE("a claim waits for a calendar sync instead of skipping the rows it holds")
  {
    test::PostgresqlState state;
    auto sync = open_store(state.location());
    auto runner = open_store(state.location());
    sync->insert_job(make_job("j/a", at(100)));

    sync->begin_write();
    REQUIRE(sync->find_job("cal", "j/a")); // a sync reads first: the writer lock
    Job edited = make_job("j/a", at(100));
    edited.revision = "r2";
    REQUIRE(sync->update_job_if(edited, JobState::pending, ""));
    std::thread committer([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      sync->commit();
    });
    Job claim = make_job("j/a", at(100), JobState::claimed);
    claim.lease_token = "t1";
    runner->begin_write();
    const bool claimed = runner->update_job_if(claim, JobState::pending, "");
    runner->commit();
    committer.join();
    CHECK(claimed);
    CHECK(runner->find_job("cal", "j/a")->lease_token == "t1");
  }

  TEST_CASE("a connection lost between transactions is opened again")
  {
    test::PostgresqlState state;
    auto store = open_store(state.location());
    store->insert_job(make_job("j/a", at(100)));
    test::PostgresqlState::admin(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" +
      state.database() + "'");
    CHECK(store->find_job("cal", "j/a").has_value());
    store->begin_write();
    store->insert_job(make_job("j/b", at(100)));
    store->commit();
    CHECK(store->list_jobs({}).size() == 2);
  }

  TEST_CASE("the password comes from the variable password_env names and is never shown")
  {
    test::PostgresqlState state;
    const char* password = std::getenv("HERALD_TEST_PG_PASSWORD");
    REQUIRE_MESSAGE(password, "HERALD_TEST_PG_PASSWORD: the test server's password");
    const std::string saved = std::getenv("PGPASSWORD") ? std::getenv("PGPASSWORD") : "";
    ::unsetenv("PGPASSWORD");
    const std::string separator = state.location().find('?') == std::string::npos ? "?" : "&";
    ::setenv("HERALD_UNIT_PG_PASSWORD", password, 1);
    CHECK_NOTHROW(
      open_store(state.location() + separator + "password_env=HERALD_UNIT_PG_PASSWORD"));

    ::setenv("HERALD_UNIT_PG_PASSWORD", "not-the-secret-42", 1);
    try {
      open_store(state.location() + separator + "password_env=HERALD_UNIT_PG_PASSWORD");
      FAIL("expected an error");
    } catch (const Error& e) {
      const std::string message = e.what();
      CHECK(message.find("not-the-secret-42") == std::string::npos);
      CHECK(message.find("password authentication failed for user \"herald\"") !=
            std::string::npos);
      CHECK(message.rfind("cannot connect to the state " + state.location(), 0) == 0);
    }

    ::unsetenv("HERALD_UNIT_PG_PASSWORD");
    try {
      open_store("postgresql://herald@127.0.0.1:1/x?password_env=HERALD_UNIT_PG_PASSWORD");
      FAIL("expected an error");
    } catch (const Error& e) {
      CHECK(std::string(e.what()) ==
            "state postgresql://herald@127.0.0.1:1/x?password_env=HERALD_UNIT_PG_PASSWORD: "
            "password_env names HERALD_UNIT_PG_PASSWORD, which is not set");
    }

    try {
      open_store("postgresql://herald:hunter2@127.0.0.1:1/x");
      FAIL("expected an error");
    } catch (const Error& e) {
      CHECK(std::string(e.what()) ==
            "cannot connect to the state postgresql://herald:***@127.0.0.1:1/x: connection to "
            "server at \"127.0.0.1\", port 1 failed: Connection refused\n\tIs the server running "
            "on that host and accepting TCP/IP connections?");
    }
    if (!saved.empty()) {
      ::setenv("PGPASSWORD", saved.c_str(), 1);
    }
  }
}

TEST_SUITE("store::StateLocation")
{
  TEST_CASE("state locations: which backend, whether it exists, where local files go")
  {
    test::TestDir dir;
    CHECK(StateLocation("postgresql://h/db").is_postgresql());
    CHECK(StateLocation("postgres://h/db").is_postgresql());
    CHECK_FALSE(StateLocation("state.db").is_postgresql());
    CHECK_FALSE(StateLocation(dir.path() / "none.db").exists());
    CHECK(StateLocation("postgres://h/db").exists());
    CHECK(StateLocation(dir.path() / "s" / "state.db").local_dir() == dir.path() / "s");
    const std::string saved = std::getenv("XDG_STATE_HOME") ? std::getenv("XDG_STATE_HOME") : "";
    ::setenv("XDG_STATE_HOME", dir.path().c_str(), 1);
    CHECK(StateLocation("postgres://h/db").local_dir() == dir.path() / "herald");
    struct stat st;
    REQUIRE(::stat((dir.path() / "herald").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0700);
    if (saved.empty()) {
      ::unsetenv("XDG_STATE_HOME");
    } else {
      ::setenv("XDG_STATE_HOME", saved.c_str(), 1);
    }
    CHECK(StateLocation("postgresql://u:pw@h/db?password=pw&sslmode=require").display() ==
          "postgresql://u:***@h/db?password=***&sslmode=require");
  }
}

TEST_SUITE("store::Store on both backends")
{
  TEST_CASE_TEMPLATE("a renamed calendar keeps its record and its jobs", B, HERALD_STATE_BACKENDS)
  {
    B state;
    auto store = open_store(state.location());
    store->begin_write();
    store->put_calendar(
      { "/a/herald.yaml", "/a/herald.yaml", "fp", "h", "[]", at(1), at(2), at(3) });
    store->insert_job(make_job("j/a", at(100)));
    store->rename_calendar("cal", "name:x");
    store->rename_calendar("/a/herald.yaml", "name:x");
    store->commit();
    CHECK(store->find_calendar("name:x")->path == "/a/herald.yaml");
    CHECK(store->find_calendar_by_path("/a/herald.yaml")->key == "name:x"); // and its copy
    CHECK_FALSE(store->find_calendar("/a/herald.yaml"));
    CHECK(store->find_job("name:x", "j/a").has_value());
    CHECK_FALSE(store->find_job("cal", "j/a").has_value());
  }
}
