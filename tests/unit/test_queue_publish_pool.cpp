#include "queue/publish_pool.hpp"
#include "util/unavailable_error.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>

using namespace herald;
using herald::platforms::PublishError;
using herald::queue::PublishPool;
using namespace std::chrono_literals;

namespace {

// Counts how many of its publishes run at once (across every adapter sharing `gauge`), and can
// hold them until the test opens the gate.
struct Gauge
{
  std::mutex mutex;
  std::condition_variable cv;
  int running = 0;
  int peak = 0;
  bool open = true;
};

class GaugedAdapter : public platforms::Adapter
{
public:
  GaugedAdapter(Gauge& gauge, std::string name)
    : m_gauge(gauge)
    , m_name(std::move(name))
  {
  }

  Result<platforms::Published, PublishError> publish(const platforms::OutPost& post) override
  {
    std::unique_lock lock(m_gauge.mutex);
    m_gauge.peak = std::max(m_gauge.peak, ++m_gauge.running);
    m_gauge.cv.wait(lock, [&] { return m_gauge.open; });
    --m_gauge.running;
    published.push_back(post.job_id);
    if (fail_with) {
      return unexpected(*fail_with);
    }
    if (throw_error) {
      throw UnavailableError("libcurl.so.4 cannot be loaded");
    }
    if (throw_after_sending) {
      throw std::runtime_error("[json.exception.type_error.302] type must be string, but is null");
    }
    return platforms::Published{ m_name + ":" + post.job_id, "" };
  }

  std::vector<std::string> published; // guarded by the gauge's mutex
  std::optional<PublishError> fail_with;
  bool throw_error = false;         // before anything was sent
  bool throw_after_sending = false; // as code reading the platform's answer may

private:
  Gauge& m_gauge;
  std::string m_name;
};

PublishPool::Task
task(size_t id, const std::string& account)
{
  return { id, account, { "job" + std::to_string(id), "post", account, "key", {} } };
}

std::vector<PublishPool::Done>
collect(PublishPool& pool)
{
  std::vector<PublishPool::Done> all;
  while (pool.outstanding() > 0) {
    for (auto& done : pool.wait()) {
      all.push_back(std::move(done));
    }
  }
  return all;
}

void
open_gate(Gauge& gauge)
{
  {
    std::lock_guard lock(gauge.mutex);
    gauge.open = true;
  }
  gauge.cv.notify_all();
}

// Waits (bounded) until `n` publishes are running at once.
bool
wait_running(Gauge& gauge, int n)
{
  for (int i = 0; i < 2000; ++i) {
    {
      std::lock_guard lock(gauge.mutex);
      if (gauge.running >= n) {
        return true;
      }
    }
    std::this_thread::sleep_for(1ms);
  }
  return false;
}

} // namespace

TEST_SUITE("queue::PublishPool")
{
  TEST_CASE("every task is published once and its result comes back with its id")
  {
    Gauge gauge;
    GaugedAdapter a(gauge, "a");
    GaugedAdapter b(gauge, "b");
    PublishPool pool(8, 1);
    pool.add_account("a", { &a });
    pool.add_account("b", { &b });
    for (size_t i = 0; i < 20; ++i) {
      pool.submit(task(i, i % 2 ? "b" : "a"));
    }
    const auto done = collect(pool);
    REQUIRE(done.size() == 20);
    std::set<size_t> ids;
    for (const auto& d : done) {
      REQUIRE(d.result);
      const std::string account = d.id % 2 ? "b" : "a";
      CHECK(d.result->remote_id == account + ":job" + std::to_string(d.id));
      ids.insert(d.id);
    }
    CHECK(ids.size() == 20);
    // One account's jobs go out in the order they were submitted.
    CHECK(a.published == std::vector<std::string>{ "job0", "job2", "job4", "job6", "job8", "job10",
                                                   "job12", "job14", "job16", "job18" });
  }

  TEST_CASE("accounts publish at the same time, one at a time each by default")
  {
    Gauge gauge;
    gauge.open = false;
    GaugedAdapter a(gauge, "a");
    GaugedAdapter b(gauge, "b");
    GaugedAdapter c(gauge, "c");
    PublishPool pool(8, 1);
    pool.add_account("a", { &a });
    pool.add_account("b", { &b });
    pool.add_account("c", { &c });
    for (size_t i = 0; i < 9; ++i) {
      pool.submit(task(i, std::string(1, char('a' + i % 3))));
    }
    // All three accounts are held inside publish at once: none waits for another.
    CHECK(wait_running(gauge, 3));
    open_gate(gauge);
    CHECK(collect(pool).size() == 9);
    CHECK(gauge.peak == 3); // never two at once for one account
  }

  TEST_CASE("a slow account does not hold up the others")
  {
    Gauge slow_gauge;
    slow_gauge.open = false;
    Gauge fast_gauge;
    GaugedAdapter slow(slow_gauge, "slow");
    GaugedAdapter fast(fast_gauge, "fast");
    PublishPool pool(4, 1);
    pool.add_account("slow", { &slow });
    pool.add_account("fast", { &fast });
    pool.submit(task(0, "slow"));
    for (size_t i = 1; i <= 5; ++i) {
      pool.submit(task(i, "fast"));
    }
    size_t fast_done = 0;
    while (fast_done < 5) {
      for (const auto& d : pool.wait()) {
        CHECK(d.id != 0); // the slow one is still held
        ++fast_done;
      }
    }
    CHECK(pool.outstanding() == 1);
    open_gate(slow_gauge);
    const auto rest = collect(pool);
    REQUIRE(rest.size() == 1);
    CHECK(rest[0].id == 0);
  }

  TEST_CASE("the per-account cap and the overall cap are both kept")
  {
    Gauge gauge;
    gauge.open = false;
    std::vector<std::unique_ptr<GaugedAdapter>> adapters;
    for (int i = 0; i < 6; ++i) {
      adapters.push_back(std::make_unique<GaugedAdapter>(gauge, "x"));
    }
    SUBCASE("two slots for one account")
    {
      PublishPool pool(8, 2);
      pool.add_account("x", { adapters[0].get(), adapters[1].get(), adapters[2].get() });
      for (size_t i = 0; i < 6; ++i) {
        pool.submit(task(i, "x"));
      }
      CHECK(wait_running(gauge, 2));
      std::this_thread::sleep_for(20ms);
      CHECK(gauge.running == 2); // the third adapter is beyond the cap and unused
      open_gate(gauge);
      CHECK(collect(pool).size() == 6);
      CHECK(adapters[2]->published.empty());
    }
    SUBCASE("three accounts, two workers")
    {
      PublishPool pool(2, 1);
      for (int i = 0; i < 3; ++i) {
        pool.add_account("acc" + std::to_string(i), { adapters[size_t(i)].get() });
      }
      for (size_t i = 0; i < 6; ++i) {
        pool.submit(task(i, "acc" + std::to_string(i % 3)));
      }
      CHECK(wait_running(gauge, 2));
      std::this_thread::sleep_for(20ms);
      CHECK(gauge.running == 2);
      open_gate(gauge);
      CHECK(collect(pool).size() == 6);
      CHECK(gauge.peak == 2);
    }
  }

  TEST_CASE("after a not-sent or auth failure an account starts nothing more until withdrawn")
  {
    Gauge gauge;
    GaugedAdapter down(gauge, "down");
    GaugedAdapter up(gauge, "up");
    down.fail_with = PublishError{ PublishError::Kind::not_sent, "connection refused", {} };
    PublishPool pool(4, 1);
    pool.add_account("down", { &down });
    pool.add_account("up", { &up });
    for (size_t i = 0; i < 4; ++i) {
      pool.submit(task(i, "down"));
    }
    pool.submit(task(10, "up"));
    std::vector<PublishPool::Done> done;
    while (done.size() < 2) {
      for (auto& d : pool.wait()) {
        done.push_back(std::move(d));
      }
    }
    std::this_thread::sleep_for(20ms);
    CHECK(down.published == std::vector<std::string>{ "job0" });
    CHECK(pool.queued("down") == 3);
    const auto withdrawn = pool.withdraw("down");
    REQUIRE(withdrawn.size() == 3);
    CHECK(withdrawn[0].id == 1);
    CHECK(pool.outstanding() == 0);
  }

  TEST_CASE("an adapter that throws is a not-sent failure, not a crash")
  {
    Gauge gauge;
    GaugedAdapter broken(gauge, "broken");
    broken.throw_error = true;
    PublishPool pool(2, 1);
    pool.add_account("broken", { &broken });
    pool.submit(task(0, "broken"));
    const auto done = collect(pool);
    REQUIRE(done.size() == 1);
    REQUIRE_FALSE(done[0].result);
    CHECK(done[0].result.error().kind == PublishError::Kind::not_sent);
    CHECK(done[0].result.error().message == "libcurl.so.4 cannot be loaded");
  }

  TEST_CASE("an adapter that throws after sending is maybe-sent, never retried blindly")
  {
    Gauge gauge;
    GaugedAdapter broken(gauge, "broken");
    broken.throw_after_sending = true;
    PublishPool pool(2, 1);
    pool.add_account("broken", { &broken });
    pool.submit(task(0, "broken"));
    const auto done = collect(pool);
    REQUIRE(done.size() == 1);
    REQUIRE_FALSE(done[0].result);
    CHECK(done[0].result.error().kind == PublishError::Kind::maybe_sent);
    CHECK(done[0].result.error().message ==
          "[json.exception.type_error.302] type must be string, but is null; it may have been "
          "published");
  }
}
