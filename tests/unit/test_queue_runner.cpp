#include "queue_fixture.hpp"
#include "testutil.hpp"

#include "queue/runner.hpp"
#include "queue/sync.hpp"
#include "store/sqlite_store.hpp"

#include <doctest/doctest.h>

#include <deque>

using namespace herald;
using namespace herald::queue;
using herald::platforms::PublishError;
using herald::store::JobState;
using herald::test::utc;
using namespace std::chrono_literals;

namespace {

// Records every publish and answers from a script (success when the script is empty).
class FakeAdapter : public platforms::Adapter
{
public:
  Result<platforms::Published, PublishError> publish(const platforms::OutPost& post) override
  {
    calls.push_back(post);
    if (!script.empty()) {
      auto error = script.front();
      script.pop_front();
      return unexpected(error);
    }
    return platforms::Published{ "id-" + post.job_id, "https://example.test/" + post.job_id };
  }
  std::vector<platforms::OutPost> calls;
  std::deque<PublishError> script;
};

class FakeAdapters : public AdapterSource
{
public:
  Result<platforms::Adapter*> adapter_for(const platforms::AccountConfig& account,
                                          size_t slot) override
  {
    return &adapters[slot == 0 ? account.name : account.name + "#" + std::to_string(slot)];
  }
  platforms::Capabilities capabilities_of(const platforms::AccountConfig&) override
  {
    return { .idempotent = idempotent, .idempotency_window = window };
  }
  std::map<std::string, FakeAdapter> adapters;
  bool idempotent = false;
  std::chrono::seconds window{ 0 };
};

struct RunnerFixture
{
  test::TestDir dir;
  std::unique_ptr<store::Store> store = store::open_sqlite_store(dir.path() / "state.db");
  calendar::Calendar cal = test::make_calendar();
  TimePoint baseline = utc("2026-11-30T00:00:00Z");
  FakeAdapters adapters;
  RunnerOptions options;

  void sync(TimePoint now)
  {
    store->begin_write();
    sync_calendar(*store, cal, "cal", now, now + k_horizon, baseline, now);
    store->commit();
  }

  std::vector<Outcome> run(const char* now)
  {
    return run_due_jobs(*store, "cal", baseline, utc(now), adapters, options);
  }

  store::Job job(const char* id) { return store->find_job("cal", id).value(); }

  // Leaves the job as a runner that died at this point would.
  void die_in(const char* id, JobState state, const char* lease_until,
              const char* died_at = "2026-12-01T08:00:00Z")
  {
    auto j = job(id);
    auto after = j;
    after.updated_at = utc(died_at);
    after.state = state;
    after.lease_token = "dead-runner";
    after.lease_until = utc(lease_until);
    after.attempts = state == JobState::sending ? 1 : 0;
    after.idempotency_key = idempotency_key("cal", j);
    REQUIRE(store->update_job_if(after, j.state, j.lease_token));
  }
};

} // namespace

TEST_SUITE("queue::Runner")
{
  TEST_CASE("a due job is published once and recorded with its id and url")
  {
    RunnerFixture f;
    test::add_post(f.cal, "launch", "2026-12-01T08:00:00Z", "hello");
    f.sync(utc("2026-12-01T07:00:00Z"));
    CHECK(f.run("2026-12-01T07:59:59Z").empty());

    const auto outcomes = f.run("2026-12-01T08:00:30Z");
    REQUIRE(outcomes.size() == 1);
    CHECK(outcomes[0].kind == Outcome::Kind::posted);
    CHECK_FALSE(outcomes[0].is_failure);
    const auto j = f.job("launch/masto");
    CHECK(j.state == JobState::posted);
    CHECK(j.remote_id == "id-launch/masto");
    CHECK(j.url == "https://example.test/launch/masto");
    CHECK(j.posted_at == utc("2026-12-01T08:00:30Z"));
    REQUIRE(f.adapters.adapters["masto"].calls.size() == 1);
    CHECK(f.adapters.adapters["masto"].calls[0].parts[0].text == "hello");

    CHECK(f.run("2026-12-01T08:01:00Z").empty()); // never twice
    CHECK(f.adapters.adapters["masto"].calls.size() == 1);
  }

  TEST_CASE("the adapter is handed the post's long-form keys")
  {
    RunnerFixture f;
    auto& post = test::add_post(f.cal, "notes", "2026-12-01T08:00:00Z", "the notes");
    post.article.title = "herald 2.0";
    post.article.tags = { "release" };
    post.article.published = false;
    f.sync(utc("2026-12-01T07:00:00Z"));
    f.run("2026-12-01T08:00:30Z");
    REQUIRE(f.adapters.adapters["masto"].calls.size() == 1);
    const auto& article = f.adapters.adapters["masto"].calls[0].article;
    CHECK(article.title == "herald 2.0");
    CHECK(article.tags == std::vector<std::string>{ "release" });
    CHECK_FALSE(article.published);
  }

  TEST_CASE("late jobs: within grace they fire, beyond it they are missed, never dropped")
  {
    RunnerFixture f;
    test::add_post(f.cal, "a", "2026-12-01T08:00:00Z", "a");
    test::add_post(f.cal, "b", "2026-12-01T10:30:00Z", "b");
    f.sync(utc("2026-12-01T07:00:00Z"));
    const auto outcomes = f.run("2026-12-01T11:00:00Z");
    REQUIRE(outcomes.size() == 2);
    CHECK(outcomes[0].kind == Outcome::Kind::missed);
    CHECK(outcomes[0].is_failure);
    CHECK(outcomes[0].message ==
          "came due at 2026-12-01T08:00:00Z, 3h ago, longer than its grace of 1h (herald retry "
          "a/masto publishes it anyway, herald run --catch-up 2026-12-01T08:00:00Z all missed "
          "since)");
    CHECK(f.job("a/masto").state == JobState::missed);
    CHECK(outcomes[1].kind == Outcome::Kind::posted);
  }

  TEST_CASE("--catch-up publishes what came due since then, missed or late, in due order")
  {
    RunnerFixture f;
    test::add_post(f.cal, "old", "2026-11-29T08:00:00Z", "before the baseline");
    test::add_post(f.cal, "a", "2026-12-01T08:00:00Z", "a");
    test::add_post(f.cal, "b", "2026-12-01T06:00:00Z", "b");
    test::add_post(f.cal, "c", "2026-12-01T10:30:00Z", "c");
    f.sync(utc("2026-11-29T07:00:00Z"));
    // Down all morning: a and b are missed at 11:00.
    auto outcomes = f.run("2026-12-01T11:00:00Z");
    CHECK(f.job("a/masto").state == JobState::missed);
    CHECK(f.job("b/masto").state == JobState::missed);
    CHECK(f.job("old/masto").state == JobState::missed);
    CHECK(f.job("c/masto").state == JobState::posted);

    f.options.catch_up_since = utc("2026-12-01T07:00:00Z");
    outcomes = f.run("2026-12-01T11:05:00Z");
    REQUIRE(outcomes.size() == 1);
    CHECK(outcomes[0].job.id == "a/masto");
    CHECK(outcomes[0].kind == Outcome::Kind::posted);
    CHECK(f.job("b/masto").state == JobState::missed); // due before the catch-up window

    f.options.catch_up_since = utc("2026-11-01T00:00:00Z");
    outcomes = f.run("2026-12-01T11:10:00Z");
    REQUIRE(outcomes.size() == 2);
    CHECK(outcomes[0].job.id == "old/masto"); // asked for explicitly: due order
    CHECK(outcomes[1].job.id == "b/masto");
    CHECK(f.job("old/masto").state == JobState::posted);
    CHECK(f.adapters.adapters["masto"].calls.size() == 4);
  }

  TEST_CASE("what came due before the baseline is missed, not fired, and not a failure")
  {
    RunnerFixture f;
    test::add_post(f.cal, "old", "2026-11-29T23:59:00Z", "old news");
    f.sync(utc("2026-11-30T00:00:00Z"));
    const auto outcomes = f.run("2026-11-30T00:00:10Z");
    REQUIRE(outcomes.size() == 1);
    CHECK(outcomes[0].kind == Outcome::Kind::missed);
    CHECK_FALSE(outcomes[0].is_failure);
    CHECK(f.adapters.adapters["masto"].calls.empty());
  }

  TEST_CASE("failures: retry when nothing was sent, fail when refused, unknown when maybe sent")
  {
    RunnerFixture f;
    test::add_post(f.cal, "launch", "2026-12-01T08:00:00Z", "hello");
    f.sync(utc("2026-12-01T07:00:00Z"));
    auto& adapter = f.adapters.adapters["masto"];

    SUBCASE("not sent, then success on the retry with the same key")
    {
      adapter.script.push_back({ PublishError::Kind::not_sent, "connection refused", {} });
      auto outcomes = f.run("2026-12-01T08:00:00Z");
      REQUIRE(outcomes.size() == 1);
      CHECK(outcomes[0].kind == Outcome::Kind::retry_wait);
      CHECK(outcomes[0].is_failure);
      auto j = f.job("launch/masto");
      CHECK(j.state == JobState::retry_wait);
      CHECK(j.attempts == 1);
      CHECK(j.error == "not-sent: connection refused");
      // Backoff: 60 s plus a jitter of at most 25%.
      REQUIRE(j.next_attempt);
      CHECK(*j.next_attempt >= utc("2026-12-01T08:01:00Z"));
      CHECK(*j.next_attempt <= utc("2026-12-01T08:01:15Z"));
      CHECK(f.run("2026-12-01T08:00:30Z").empty());
      outcomes = f.run("2026-12-01T08:02:00Z");
      REQUIRE(outcomes.size() == 1);
      CHECK(outcomes[0].kind == Outcome::Kind::posted);
      REQUIRE(adapter.calls.size() == 2);
      CHECK(adapter.calls[0].idempotency_key == adapter.calls[1].idempotency_key);
    }
    SUBCASE("rate limited: waits until the platform says")
    {
      adapter.script.push_back(
        { PublishError::Kind::rate_limited, "429", utc("2026-12-01T08:30:00Z") });
      f.run("2026-12-01T08:00:00Z");
      CHECK(f.job("launch/masto").next_attempt == utc("2026-12-01T08:30:00Z"));
    }
    SUBCASE("permanent")
    {
      adapter.script.push_back({ PublishError::Kind::permanent, "422 text too long", {} });
      const auto outcomes = f.run("2026-12-01T08:00:00Z");
      CHECK(outcomes[0].kind == Outcome::Kind::failed);
      CHECK(f.job("launch/masto").state == JobState::failed);
      CHECK(f.run("2026-12-01T09:00:00Z").empty());
    }
    SUBCASE("attempts run out")
    {
      f.options.retry.max_attempts = 2;
      adapter.script.push_back({ PublishError::Kind::not_sent, "down", {} });
      adapter.script.push_back({ PublishError::Kind::not_sent, "still down", {} });
      f.run("2026-12-01T08:00:00Z");
      const auto outcomes = f.run("2026-12-01T08:10:00Z");
      CHECK(outcomes[0].kind == Outcome::Kind::failed);
      CHECK(f.job("launch/masto").attempts == 2);
    }
    SUBCASE("maybe sent on a platform without deduplication: unknown, never resent")
    {
      adapter.script.push_back({ PublishError::Kind::maybe_sent, "timeout after upload", {} });
      const auto outcomes = f.run("2026-12-01T08:00:00Z");
      CHECK(outcomes[0].kind == Outcome::Kind::unknown);
      CHECK(f.job("launch/masto").state == JobState::unknown);
      CHECK(f.run("2026-12-01T09:00:00Z").empty());
      CHECK(adapter.calls.size() == 1);
    }
    SUBCASE("maybe sent on a deduplicating platform: retried with the same key")
    {
      f.adapters.idempotent = true;
      adapter.script.push_back({ PublishError::Kind::maybe_sent, "504", {} });
      CHECK(f.run("2026-12-01T08:00:00Z")[0].kind == Outcome::Kind::retry_wait);
    }
  }

  TEST_CASE("an account's retry policy sets attempts, backoff and jitter; --max-attempts wins")
  {
    RunnerFixture f;
    f.cal.accounts["masto"].retry = calendar::RetrySettings{
      .attempts = 3, .backoff = 5min, .max_backoff = 8min, .jitter_percent = 0
    };
    test::add_post(f.cal, "launch", "2026-12-01T08:00:00Z", "hello", { "masto", "sky" });
    f.sync(utc("2026-12-01T07:00:00Z"));
    for (const char* account : { "masto", "sky" }) {
      for (int i = 0; i < 4; ++i) {
        f.adapters.adapters[account].script.push_back(
          { PublishError::Kind::not_sent, "connection refused", {} });
      }
    }

    SUBCASE("the account's policy")
    {
      f.run("2026-12-01T08:00:00Z");
      // No jitter: exactly the backoff, doubling, capped.
      CHECK(f.job("launch/masto").next_attempt == utc("2026-12-01T08:05:00Z"));
      f.run("2026-12-01T08:05:00Z");
      CHECK(f.job("launch/masto").next_attempt == utc("2026-12-01T08:13:00Z"));
      auto outcomes = f.run("2026-12-01T08:13:00Z");
      CHECK(f.job("launch/masto").state == JobState::failed);
      CHECK(f.job("launch/masto").attempts == 3);
      // The other account keeps the defaults: 60 s plus up to 25%, five attempts.
      CHECK(f.job("launch/sky").state == JobState::retry_wait);
    }
    SUBCASE("--max-attempts overrides every account")
    {
      f.options.max_attempts = 1;
      f.run("2026-12-01T08:00:00Z");
      CHECK(f.job("launch/masto").state == JobState::failed);
      CHECK(f.job("launch/sky").state == JobState::failed);
    }
  }

  TEST_CASE("one failing account does not stop the others, and is not hammered")
  {
    RunnerFixture f;
    test::add_post(f.cal, "a", "2026-12-01T08:00:00Z", "a", { "masto", "sky" });
    test::add_post(f.cal, "b", "2026-12-01T08:00:00Z", "b", { "masto", "sky" });
    f.sync(utc("2026-12-01T07:00:00Z"));
    f.adapters.adapters["masto"].script.push_back({ PublishError::Kind::not_sent, "down", {} });
    const auto outcomes = f.run("2026-12-01T08:00:00Z");
    REQUIRE(outcomes.size() == 4);
    CHECK(f.job("a/sky").state == JobState::posted);
    CHECK(f.job("b/sky").state == JobState::posted);
    CHECK(f.job("a/masto").state == JobState::retry_wait);
    CHECK(f.job("b/masto").state == JobState::pending); // skipped, left for the next run
    CHECK(f.adapters.adapters["masto"].calls.size() == 1);
  }

  TEST_CASE("crash recovery")
  {
    RunnerFixture f;
    test::add_post(f.cal, "launch", "2026-12-01T08:00:00Z", "hello");
    f.sync(utc("2026-12-01T07:00:00Z"));

    SUBCASE("claimed but never sent: fires once the lease has expired")
    {
      f.die_in("launch/masto", JobState::claimed, "2026-12-01T08:10:00Z");
      CHECK(f.run("2026-12-01T08:05:00Z").empty()); // lease still held
      const auto outcomes = f.run("2026-12-01T08:10:00Z");
      REQUIRE(outcomes.size() == 1);
      CHECK(outcomes[0].kind == Outcome::Kind::posted);
    }
    SUBCASE("sending on a platform without deduplication: unknown, not resent")
    {
      f.die_in("launch/masto", JobState::sending, "2026-12-01T08:10:00Z");
      const auto outcomes = f.run("2026-12-01T08:10:00Z");
      REQUIRE(outcomes.size() == 1);
      CHECK(outcomes[0].kind == Outcome::Kind::unknown);
      CHECK(outcomes[0].is_failure);
      CHECK(f.adapters.adapters["masto"].calls.empty());
      CHECK(f.job("launch/masto").state == JobState::unknown);
    }
    SUBCASE("sending on a deduplicating platform: resent with the same key")
    {
      f.adapters.idempotent = true;
      f.die_in("launch/masto", JobState::sending, "2026-12-01T08:10:00Z");
      const auto key = f.job("launch/masto").idempotency_key;
      const auto outcomes = f.run("2026-12-01T08:10:00Z");
      REQUIRE(outcomes.size() == 1);
      CHECK(outcomes[0].kind == Outcome::Kind::posted);
      REQUIRE(f.adapters.adapters["masto"].calls.size() == 1);
      CHECK(f.adapters.adapters["masto"].calls[0].idempotency_key == key);
      CHECK(f.job("launch/masto").attempts == 2);
    }
    SUBCASE("sending on a platform whose key memory has run out: unknown, not resent")
    {
      f.adapters.idempotent = true;
      f.adapters.window = std::chrono::minutes(45);
      f.die_in("launch/masto", JobState::sending, "2026-12-01T08:10:00Z", "2026-12-01T08:00:00Z");
      const auto outcomes = f.run("2026-12-01T08:50:00Z");
      REQUIRE(outcomes.size() == 1);
      CHECK(outcomes[0].kind == Outcome::Kind::unknown);
      CHECK(outcomes[0].message ==
            "a run died while publishing it, 50m ago, longer than stub remembers the request; it "
            "may or may not have been posted");
      CHECK(f.adapters.adapters["masto"].calls.empty());
    }
    SUBCASE("within the key's memory the resend is still safe")
    {
      f.adapters.idempotent = true;
      f.adapters.window = std::chrono::minutes(45);
      f.die_in("launch/masto", JobState::sending, "2026-12-01T08:10:00Z", "2026-12-01T08:00:00Z");
      const auto outcomes = f.run("2026-12-01T08:40:00Z");
      REQUIRE(outcomes.size() == 1);
      CHECK(outcomes[0].kind == Outcome::Kind::posted);
    }
  }

  TEST_CASE("idempotency keys: identical for the same content, new for an edit")
  {
    RunnerFixture f;
    auto& post = test::add_post(f.cal, "launch", "2026-12-01T08:00:00Z", "hello");
    f.sync(utc("2026-12-01T07:00:00Z"));
    const auto first = idempotency_key("cal", f.job("launch/masto"));
    CHECK(first == idempotency_key("cal", f.job("launch/masto")));
    post.parts[0].text = "hello again";
    f.sync(utc("2026-12-01T07:00:00Z"));
    CHECK(idempotency_key("cal", f.job("launch/masto")) != first);
    CHECK(idempotency_key("other-calendar", f.job("launch/masto")) !=
          idempotency_key("cal", f.job("launch/masto")));
  }

  TEST_CASE("dry run reports what is due and changes nothing")
  {
    RunnerFixture f;
    test::add_post(f.cal, "launch", "2026-12-01T08:00:00Z", "hello");
    f.sync(utc("2026-12-01T07:00:00Z"));
    f.options.dry_run = true;
    const auto outcomes = f.run("2026-12-01T08:00:00Z");
    REQUIRE(outcomes.size() == 1);
    CHECK(outcomes[0].kind == Outcome::Kind::due);
    CHECK(f.job("launch/masto").state == JobState::pending);
    CHECK(f.adapters.adapters["masto"].calls.empty());
  }
}
