#include "queue_fixture.hpp"
#include "testutil.hpp"

#include "queue/expand.hpp"
#include "queue/sync.hpp"
#include "store/sqlite_store.hpp"

#include <doctest/doctest.h>

using namespace herald;
using namespace herald::queue;
using herald::store::JobState;
using herald::test::utc;

namespace {

struct SyncFixture
{
  test::TestDir dir;
  std::unique_ptr<store::Store> store = store::open_sqlite_store(dir.path() / "state.db");
  calendar::Calendar cal = test::make_calendar();
  TimePoint now = utc("2026-11-30T12:00:00Z");

  SyncStats sync()
  {
    store->begin_write();
    auto stats = sync_calendar(*store, cal, "cal", now, now + k_horizon, now, now);
    store->commit();
    return stats;
  }

  store::Job job(const char* id) { return store->find_job("cal", id).value(); }

  // What a run does to a job when it fires: it is no longer pending.
  void fire(const char* id, JobState state = JobState::posted)
  {
    auto j = job(id);
    auto after = j;
    after.state = state;
    REQUIRE(store->update_job_if(after, j.state, j.lease_token));
  }
};

} // namespace

TEST_SUITE("queue::sync")
{
  TEST_CASE("job ids")
  {
    CHECK(job_id("launch", "", "masto") == "launch/masto");
    CHECK(job_id("weekly-tip", "2026-12-07T10:00+01:00", "masto") ==
          "weekly-tip@2026-12-07T10:00+01:00/masto");
  }

  TEST_CASE("one job per post and account")
  {
    SyncFixture f;
    test::add_post(f.cal, "launch", "2026-12-01T08:00:00Z", "hello", { "masto", "sky" });
    const auto stats = f.sync();
    CHECK(stats.inserted == 2);
    CHECK(f.job("launch/masto").state == JobState::pending);
    CHECK(f.job("launch/sky").due == utc("2026-12-01T08:00:00Z"));
  }

  TEST_CASE("editing a pending post updates its job; an unchanged sync changes nothing")
  {
    SyncFixture f;
    auto& post = test::add_post(f.cal, "launch", "2026-12-01T08:00:00Z", "hello");
    f.sync();
    const auto before = f.job("launch/masto");
    CHECK(f.sync().updated == 0);

    SUBCASE("text")
    {
      post.parts[0].text = "hello, edited";
      CHECK(f.sync().updated == 1);
      const auto after = f.job("launch/masto");
      CHECK(after.revision != before.revision);
      CHECK(after.payload.find("hello, edited") != std::string::npos);
    }
    SUBCASE("time")
    {
      post.schedule.at = utc("2026-12-02T08:00:00Z");
      CHECK(f.sync().updated == 1);
      CHECK(f.job("launch/masto").due == utc("2026-12-02T08:00:00Z"));
      CHECK(f.job("launch/masto").revision == before.revision); // same content, same key
    }
  }

  TEST_CASE("a post's long-form keys are in its job and its revision, and only when set")
  {
    SyncFixture f;
    auto& post = test::add_post(f.cal, "launch", "2026-12-01T08:00:00Z", "hello");
    f.sync();
    const auto before = f.job("launch/masto");
    CHECK(before.payload.find("article") == std::string::npos);

    post.article.title = "herald 2.0";
    post.article.published = false;
    CHECK(f.sync().updated == 1);
    const auto after = f.job("launch/masto");
    CHECK(after.revision != before.revision); // a new title is new content
    CHECK(after.payload.find(R"("article":{"published":false,"title":"herald 2.0"})") !=
          std::string::npos);
  }

  TEST_CASE("a job that fired is never touched by an edit")
  {
    SyncFixture f;
    auto& post = test::add_post(f.cal, "launch", "2026-12-01T08:00:00Z", "hello");
    f.sync();
    for (const auto state : { JobState::posted, JobState::sending, JobState::failed,
                              JobState::unknown, JobState::missed }) {
      CAPTURE(store::to_string(state));
      f.fire("launch/masto", state);
      post.parts[0].text = std::string("edited after ") + std::string(store::to_string(state));
      post.schedule.at = utc("2026-12-05T08:00:00Z");
      const auto stats = f.sync();
      CHECK(stats.updated == 0);
      CHECK(stats.inserted == 0);
      CHECK(f.job("launch/masto").state == state);
      CHECK(f.job("launch/masto").due == utc("2026-12-01T08:00:00Z"));
    }
  }

  TEST_CASE("a job waiting to retry follows edits unless its last attempt may have landed")
  {
    SyncFixture f;
    auto& post = test::add_post(f.cal, "launch", "2026-12-01T08:00:00Z", "hello");
    f.sync();
    auto j = f.job("launch/masto");
    auto waiting = j;
    waiting.state = JobState::retry_wait;
    waiting.attempts = 1;

    SUBCASE("not sent: the fix reaches the retry")
    {
      waiting.error = "not-sent: connection refused";
      REQUIRE(f.store->update_job_if(waiting, JobState::pending, ""));
      post.parts[0].text = "fixed";
      CHECK(f.sync().updated == 1);
      CHECK(f.job("launch/masto").payload.find("fixed") != std::string::npos);
      CHECK(f.job("launch/masto").state == JobState::retry_wait);
      CHECK(f.job("launch/masto").attempts == 1);
    }
    SUBCASE("maybe sent: content and key stay")
    {
      waiting.error = "maybe-sent: timeout";
      REQUIRE(f.store->update_job_if(waiting, JobState::pending, ""));
      post.parts[0].text = "edited";
      CHECK(f.sync().updated == 0);
      CHECK(f.job("launch/masto").revision == j.revision);
    }
  }

  TEST_CASE("deleting or disabling a post cancels its pending jobs; they come back with it")
  {
    SyncFixture f;
    test::add_post(f.cal, "launch", "2026-12-01T08:00:00Z", "hello");
    test::add_post(f.cal, "other", "2026-12-01T09:00:00Z", "posted already");
    f.sync();
    f.fire("other/masto");

    SUBCASE("deleted")
    {
      const auto saved = f.cal.posts;
      f.cal.posts.clear();
      CHECK(f.sync().cancelled == 1);
      CHECK(f.job("launch/masto").state == JobState::cancelled);
      CHECK(f.job("launch/masto").error == k_removed_post);
      CHECK(f.job("other/masto").state == JobState::posted);
      f.cal.posts = saved;
      CHECK(f.sync().revived == 1);
      CHECK(f.job("launch/masto").state == JobState::pending);
    }
    SUBCASE("disabled")
    {
      f.cal.posts[0].enabled = false;
      CHECK(f.sync().cancelled == 1);
      CHECK(f.job("launch/masto").error == k_disabled_post);
    }
    SUBCASE("account removed from the post")
    {
      f.cal.posts[0].to = { "sky" };
      const auto stats = f.sync();
      CHECK(stats.cancelled == 1);
      CHECK(stats.inserted == 1);
      CHECK(f.job("launch/masto").error == k_removed_account);
      CHECK(f.job("launch/sky").state == JobState::pending);
    }
  }

  TEST_CASE("a cancellation a person asked for is not undone by sync")
  {
    SyncFixture f;
    test::add_post(f.cal, "launch", "2026-12-01T08:00:00Z", "hello");
    f.sync();
    auto j = f.job("launch/masto");
    auto cancelled = j;
    cancelled.state = JobState::cancelled;
    cancelled.error = "cancelled by hand";
    REQUIRE(f.store->update_job_if(cancelled, JobState::pending, ""));
    CHECK(f.sync().revived == 0);
    CHECK(f.job("launch/masto").state == JobState::cancelled);
  }

  TEST_CASE("recurring posts: one job per occurrence within the horizon; an edited cron replaces "
            "the future ones")
  {
    SyncFixture f;
    auto& post = test::add_cron_post(f.cal, "tip", "0 10 * * MON", "a tip");
    f.sync();
    // 2026-11-30 is a Monday, 12:00 is past 10:00: the next five Mondays fit in 35 days.
    store::JobFilter filter;
    filter.calendar = "cal";
    auto jobs = f.store->list_jobs(filter);
    REQUIRE(jobs.size() == 5);
    CHECK(jobs[0].id == "tip@2026-12-07T10:00+00:00/masto");
    CHECK(jobs[4].id == "tip@2027-01-04T10:00+00:00/masto");

    post.schedule.cron = CronExpr::parse("0 11 * * TUE").value();
    const auto stats = f.sync();
    CHECK(stats.cancelled == 5);
    CHECK(stats.inserted == 5);
    CHECK(f.job("tip@2026-12-01T11:00+00:00/masto").state == JobState::pending);
    CHECK(f.job("tip@2026-12-07T10:00+00:00/masto").error == k_removed_occurrence);
  }

  TEST_CASE("count is counted from start, whatever the window")
  {
    calendar::Calendar cal = test::make_calendar();
    auto& post = test::add_cron_post(cal, "tip", "0 10 * * *", "daily");
    post.schedule.start = utc("2026-12-01T00:00:00Z");
    post.schedule.count = 3;
    const auto all = expand(post, cal.zone, utc("2026-11-01T00:00:00Z"),
                            utc("2027-01-01T00:00:00Z"), utc("2026-11-01T00:00:00Z"));
    REQUIRE(all.occurrences.size() == 3);
    CHECK(all.occurrences[2].due == utc("2026-12-03T10:00:00Z"));
    // A later window sees only what is left of the three.
    const auto later = expand(post, cal.zone, utc("2026-12-02T12:00:00Z"),
                              utc("2027-01-01T00:00:00Z"), utc("2026-12-02T12:00:00Z"));
    REQUIRE(later.occurrences.size() == 1);
    CHECK(later.occurrences[0].due == utc("2026-12-03T10:00:00Z"));
  }

  TEST_CASE("until is inclusive and ends the expansion")
  {
    calendar::Calendar cal = test::make_calendar();
    auto& post = test::add_cron_post(cal, "tip", "0 10 * * *", "daily");
    post.schedule.until = utc("2026-12-03T10:00:00Z");
    const auto e = expand(post, cal.zone, utc("2026-12-01T00:00:00Z"), utc("2027-01-01T00:00:00Z"),
                          utc("2026-12-01T00:00:00Z"));
    CHECK(e.occurrences.size() == 3);
  }

  TEST_CASE("variants change what one account gets, and its revision")
  {
    SyncFixture f;
    auto& post =
      test::add_post(f.cal, "launch", "2026-12-01T08:00:00Z", "long text", { "masto", "sky" });
    calendar::Variant variant;
    variant.text = "short text";
    post.variants.emplace("sky", variant);
    f.sync();
    CHECK(f.job("launch/sky").payload.find("short text") != std::string::npos);
    CHECK(f.job("launch/masto").payload.find("long text") != std::string::npos);
    CHECK(f.job("launch/sky").revision != f.job("launch/masto").revision);
  }
}
