#include "state_backends.hpp"
#include "testutil.hpp"

#include "store/metrics_store.hpp"
#include "store/sqlite_store.hpp"
#include "store/state_location.hpp"

#include <doctest/doctest.h>
#include <sqlite3.h>

using namespace herald;
using namespace herald::store;

namespace {

TimePoint
at(int64_t seconds)
{
  return TimePoint(std::chrono::seconds(seconds));
}

void
exec(const std::string& file, const char* sql)
{
  sqlite3* db = nullptr;
  sqlite3_open(file.c_str(), &db);
  REQUIRE(sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
}

} // namespace

TEST_SUITE("store::MetricsStore")
{
  TEST_CASE_TEMPLATE("snapshots are kept per calendar, oldest first; the same second replaces", B,
                     HERALD_STATE_BACKENDS)
  {
    B state;
    auto metrics = open_metrics_store(state.location());
    metrics->begin_write();
    metrics->add_post_snapshot({ "cal", "a/masto", "masto", "1", at(200), { { "likes", 2 } } });
    metrics->add_post_snapshot({ "cal", "a/masto", "masto", "1", at(100), { { "likes", 1 } } });
    metrics->add_post_snapshot({ "other", "a/masto", "masto", "1", at(100), { { "likes", 9 } } });
    metrics->add_post_snapshot(
      { "cal", "a/masto", "masto", "1", at(200), { { "likes", 3 }, { "views", 40 } } });
    metrics->add_follower_snapshot({ "cal", "masto", "mastodon", at(300), 12 });
    metrics->add_follower_snapshot({ "cal", "masto", "mastodon", at(100), 10 });
    metrics->commit();

    const auto posts = metrics->post_snapshots("cal");
    REQUIRE(posts.size() == 2);
    CHECK(posts[0].at == at(100));
    CHECK(posts[0].counts == std::map<std::string, int64_t>{ { "likes", 1 } });
    CHECK(posts[1].counts == std::map<std::string, int64_t>{ { "likes", 3 }, { "views", 40 } });
    const auto followers = metrics->follower_snapshots("cal");
    REQUIRE(followers.size() == 2);
    CHECK(followers[0].followers == 10);
    CHECK(followers[1].followers == 12);
    CHECK(followers[1].platform == "mastodon");
    CHECK(metrics->follower_snapshots("other").empty());
  }

  TEST_CASE("a store from before the metrics tables gets them (migration step 3)")
  {
    test::TestDir dir;
    const auto file = (dir.path() / "state.db").string();
    open_sqlite_store(file);
    exec(file, "DROP TABLE calendar_copies; DROP TABLE post_metrics; DROP TABLE account_metrics; "
               "ALTER TABLE jobs DROP COLUMN lease_holder; PRAGMA user_version = 2;");
    auto metrics = open_sqlite_metrics_store(file);
    metrics->add_follower_snapshot({ "cal", "masto", "mastodon", at(1), 5 });
    CHECK(metrics->follower_snapshots("cal").size() == 1);
  }
}
