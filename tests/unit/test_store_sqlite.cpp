#include "testutil.hpp"

#include "store/sqlite_store.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <sys/stat.h>

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

  TEST_CASE("conditional updates: only the holder of the expected state and token wins")
  {
    test::TestDir dir;
    auto store = open_sqlite_store(dir.path() / "s.db");
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

  TEST_CASE("actionable jobs: due pending, due retries and expired leases only")
  {
    test::TestDir dir;
    auto store = open_sqlite_store(dir.path() / "s.db");
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
  }

  TEST_CASE("calendar records round-trip and are found by path")
  {
    test::TestDir dir;
    auto store = open_sqlite_store(dir.path() / "s.db");
    CalendarRecord r{ "name:x", "/a/herald.yaml", "fp", "hash", "[]", at(1), at(2), at(3) };
    store->put_calendar(r);
    const auto by_key = store->find_calendar("name:x");
    REQUIRE(by_key);
    CHECK(by_key->baseline == at(1));
    CHECK(by_key->horizon_until == at(2));
    CHECK(store->find_calendar_by_path("/a/herald.yaml")->key == "name:x");
    CHECK_FALSE(store->find_calendar_by_path("/b/herald.yaml"));
  }

  TEST_CASE("a rolled-back transaction leaves nothing behind")
  {
    test::TestDir dir;
    auto store = open_sqlite_store(dir.path() / "s.db");
    store->begin_write();
    store->insert_job(make_job("j/a", at(100)));
    store->rollback();
    CHECK_FALSE(store->find_job("cal", "j/a"));
  }
}
