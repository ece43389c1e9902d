// The platform as the ledger: before the first send of a one-off job that this state never
// tried, the runner asks the platform (Adapter::find_earlier) and never sends blind.
#include "queue_fixture.hpp"
#include "testutil.hpp"

#include "queue/ledger.hpp"
#include "queue/runner.hpp"
#include "queue/sync.hpp"
#include "store/sqlite_store.hpp"

#include <doctest/doctest.h>

#include <deque>

using namespace herald;
using namespace herald::queue;
using herald::platforms::Published;
using herald::platforms::PublishError;
using herald::store::JobState;
using herald::test::utc;
using namespace std::chrono_literals;

namespace {

using Found = Result<std::optional<Published>, PublishError>;

// Answers look-ups from a script (not there when it is empty) and records every call.
class LedgerAdapter : public platforms::Adapter
{
public:
  Result<Published, PublishError> publish(const platforms::OutPost& post) override
  {
    published.push_back(post);
    return Published{ "new-" + post.job_id, "https://example.test/new" };
  }
  std::string ledger() override { return how; }
  Found find_earlier(const platforms::OutPost& post, TimePoint since) override
  {
    looked.emplace_back(post, since);
    if (answers.empty()) {
      return std::optional<Published>();
    }
    auto answer = answers.front();
    answers.pop_front();
    return answer;
  }
  std::string how = "recent statuses";
  std::deque<Found> answers;
  std::vector<platforms::OutPost> published;
  std::vector<std::pair<platforms::OutPost, TimePoint>> looked;
};

class LedgerAdapters : public AdapterSource
{
public:
  Result<platforms::Adapter*> adapter_for(const platforms::AccountConfig& account,
                                          size_t /*slot*/) override
  {
    return &adapters[account.name];
  }
  platforms::Capabilities capabilities_of(const platforms::AccountConfig&) override { return {}; }
  std::map<std::string, LedgerAdapter> adapters;
};

const std::string k_one_off = "post:cal";

struct LedgerFixture
{
  test::TestDir dir;
  std::unique_ptr<store::Store> store = store::open_sqlite_store(dir.path() / "state.db");
  calendar::Calendar cal = test::make_calendar();
  LedgerAdapters adapters;
  RunnerOptions options;

  // A fresh state: `herald post` syncs its one post and runs it at once.
  std::vector<Outcome> post(const std::string& key, const char* now)
  {
    store->begin_write();
    sync_calendar(*store, cal, key, utc(now), utc(now), utc(now), utc(now), false);
    store->commit();
    return run_due_jobs(*store, key, TimePoint::min(), utc(now), adapters, options);
  }

  LedgerAdapter& masto() { return adapters.adapters["masto"]; }
};

} // namespace

TEST_SUITE("queue::ledger")
{
  TEST_CASE("one-off jobs are told by their calendar key")
  {
    CHECK(is_one_off_key("post:3f9a0c2e"));
    CHECK_FALSE(is_one_off_key("3f9a0c2e"));
    CHECK_FALSE(is_one_off_key("cal:post:"));
  }

  TEST_CASE("a fresh state asks first: found is already-posted, with the copy, and not sent")
  {
    LedgerFixture f;
    test::add_post(f.cal, "post-1", "2026-12-01T08:00:00Z", "hello");
    f.masto().answers.push_back(std::optional<Published>(Published{ "111", "https://m/111" }));
    const auto outcomes = f.post(k_one_off, "2026-12-01T08:00:00Z");
    REQUIRE(outcomes.size() == 1);
    CHECK(outcomes[0].kind == Outcome::Kind::already_posted);
    CHECK(to_string(outcomes[0].kind) == "already-posted");
    CHECK_FALSE(outcomes[0].is_failure);
    CHECK(outcomes[0].ledger == "recent statuses");
    CHECK(f.masto().published.empty());
    REQUIRE(f.masto().looked.size() == 1);
    // A week back from the due time, so that a re-run days later still sees the first run's.
    CHECK(f.masto().looked[0].second == utc("2026-11-24T08:00:00Z"));
    CHECK(f.masto().looked[0].first.one_off);
    const auto job = f.store->find_job(k_one_off, "post-1/masto").value();
    CHECK(job.state == JobState::posted);
    CHECK(job.remote_id == "111");
    CHECK(job.url == "https://m/111");
  }

  TEST_CASE("not found: published as usual, and a later run of the same state does not ask")
  {
    LedgerFixture f;
    test::add_post(f.cal, "post-1", "2026-12-01T08:00:00Z", "hello");
    const auto outcomes = f.post(k_one_off, "2026-12-01T08:00:00Z");
    REQUIRE(outcomes.size() == 1);
    CHECK(outcomes[0].kind == Outcome::Kind::posted);
    CHECK(outcomes[0].ledger == "recent statuses");
    CHECK(f.masto().looked.size() == 1);
    CHECK(f.masto().published.size() == 1);
    CHECK(f.post(k_one_off, "2026-12-01T08:01:00Z").empty());
    CHECK(f.masto().looked.size() == 1);
  }

  TEST_CASE("an account that cannot be asked publishes, with ledger none")
  {
    LedgerFixture f;
    test::add_post(f.cal, "post-1", "2026-12-01T08:00:00Z", "hello");
    f.masto().how.clear();
    const auto outcomes = f.post(k_one_off, "2026-12-01T08:00:00Z");
    REQUIRE(outcomes.size() == 1);
    CHECK(outcomes[0].kind == Outcome::Kind::posted);
    CHECK(outcomes[0].ledger == "none");
    CHECK(f.masto().looked.empty());
    CHECK(f.masto().published.size() == 1);
  }

  TEST_CASE("a calendar's jobs are never looked up: the baseline keeps the back catalogue out")
  {
    LedgerFixture f;
    test::add_post(f.cal, "launch", "2026-12-01T08:00:00Z", "hello");
    const auto outcomes = f.post("cal", "2026-12-01T08:00:00Z");
    REQUIRE(outcomes.size() == 1);
    CHECK(outcomes[0].kind == Outcome::Kind::posted);
    CHECK(outcomes[0].ledger.empty());
    CHECK(f.masto().looked.empty());
    CHECK_FALSE(f.masto().published[0].one_off);
  }

  TEST_CASE("a look-up that fails sends nothing, counts no attempt, and the next try asks again")
  {
    LedgerFixture f;
    test::add_post(f.cal, "post-1", "2026-12-01T08:00:00Z", "hello");
    f.masto().answers.push_back(
      unexpected(PublishError{ PublishError::Kind::maybe_sent,
                               "mastodon: GET /api/v1/accounts/:id/statuses: HTTP 503",
                               {} }));
    auto outcomes = f.post(k_one_off, "2026-12-01T08:00:00Z");
    REQUIRE(outcomes.size() == 1);
    CHECK(outcomes[0].kind == Outcome::Kind::retry_wait);
    CHECK(outcomes[0].is_failure);
    CHECK(outcomes[0].ledger == "recent statuses");
    CHECK(outcomes[0].message ==
          "not-sent: mastodon: GET /api/v1/accounts/:id/statuses: HTTP 503 (while looking on the "
          "platform for a copy published by an earlier run; nothing was sent) (next at "
          "2026-12-01T08:01:03Z)"); // backoff 60s, jitter from the job id
    CHECK(f.masto().published.empty());
    auto job = f.store->find_job(k_one_off, "post-1/masto").value();
    CHECK(job.state == JobState::retry_wait);
    CHECK(job.attempts == 0);

    // The retry asks again, finds nothing this time, and publishes.
    outcomes = f.post(k_one_off, "2026-12-01T08:02:00Z");
    REQUIRE(outcomes.size() == 1);
    CHECK(outcomes[0].kind == Outcome::Kind::posted);
    CHECK(f.masto().looked.size() == 2);
    CHECK(f.masto().published.size() == 1);
    job = f.store->find_job(k_one_off, "post-1/masto").value();
    CHECK(job.attempts == 1);
  }

  TEST_CASE("a refused look-up fails the job rather than posting blind")
  {
    LedgerFixture f;
    test::add_post(f.cal, "post-1", "2026-12-01T08:00:00Z", "hello");
    f.masto().answers.push_back(unexpected(PublishError{
      PublishError::Kind::auth, "mastodon: HTTP 401: The access token is invalid", {} }));
    const auto outcomes = f.post(k_one_off, "2026-12-01T08:00:00Z");
    REQUIRE(outcomes.size() == 1);
    CHECK(outcomes[0].kind == Outcome::Kind::failed);
    CHECK(outcomes[0].message ==
          "auth: mastodon: HTTP 401: The access token is invalid (while looking on the platform "
          "for a copy published by an earlier run; nothing was sent)");
    CHECK(f.masto().published.empty());
    CHECK(f.store->find_job(k_one_off, "post-1/masto").value().attempts == 0);
  }
}
