#pragma once

#include "platforms/platform.hpp"
#include "util/expected.hpp"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace herald::queue {

// Whether an error stops the account's other publishes for the rest of the run: a platform that
// is down (not sent) or refuses the credentials would fail them the same way, and one that says
// "slow down" (a 429, a plugin's rate_limited) speaks for the account, not for one post.
bool halts_account(platforms::PublishError::Kind kind);

// Publishes on worker threads so that several due jobs go out at once and a slow platform does
// not hold up the others: at most `per_account` publishes run at once for one account (each on
// its own adapter, since an adapter and its transport serve one thread at a time) and at most
// `max_parallel` in all. Only publish() (and the look-up before it) runs on the workers; the owner
// thread submits tasks and collects results, so the store is only ever used from the owner thread.
class PublishPool
{
public:
  struct Task
  {
    size_t id = 0; // the owner's handle; comes back with the result
    std::string account;
    platforms::OutPost post;
    // Ask the platform for a copy published since then before sending (ledger.hpp).
    std::optional<TimePoint> look_since;
  };

  struct Done
  {
    size_t id = 0;
    Result<platforms::Published, platforms::PublishError> result;
    bool found_earlier = false; // see Sent
    bool look_failed = false;
    std::string ledger;
  };

  PublishPool(size_t max_parallel, size_t per_account);
  ~PublishPool(); // waits for the publishes under way; queued tasks are dropped
  PublishPool(const PublishPool&) = delete;
  PublishPool& operator=(const PublishPool&) = delete;

  // The adapters of `account`, one per concurrent publish it may have (at least one). Must be
  // called before the first submit() for the account.
  void add_account(const std::string& account, std::vector<platforms::Adapter*> slots);
  bool has_account(const std::string& account) const;

  void submit(Task task);
  // Takes back the tasks of `account` that no worker has started. After a publish to an account
  // fails with not_sent or auth, its workers start nothing more: the owner withdraws the rest.
  std::vector<Task> withdraw(const std::string& account);
  // Tasks of `account` submitted and not yet started.
  size_t queued(const std::string& account) const;
  // Tasks submitted whose result has not been collected by wait().
  size_t outstanding() const;
  // Blocks until at least one result is ready (returns at once with none when nothing is
  // outstanding), then returns every result ready, in completion order.
  std::vector<Done> wait();

private:
  struct Account
  {
    std::vector<platforms::Adapter*> slots;
    std::vector<bool> busy;
    std::deque<Task> queue;
    // A publish failed in a way the account's other jobs would repeat (platform unreachable,
    // credentials refused): its queued tasks wait for withdraw() instead of being sent.
    bool halted = false;
  };

  void work();
  // An account with a queued task and a free slot, taken in turn so no account starves.
  Account* next_ready(size_t& slot);

  const size_t m_max_parallel;
  const size_t m_per_account;
  mutable std::mutex m_mutex;
  std::condition_variable m_work_cv;
  std::condition_variable m_done_cv;
  std::map<std::string, Account> m_accounts;
  std::map<std::string, Account>::iterator m_turn = m_accounts.end();
  std::vector<Done> m_done;
  size_t m_outstanding = 0;
  bool m_stopping = false;
  std::vector<std::thread> m_workers;
};

} // namespace herald::queue
