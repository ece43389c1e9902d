#include "publish_pool.hpp"

#include "ledger.hpp"

#include <algorithm>
#include <exception>

namespace herald::queue {

bool
halts_account(platforms::PublishError::Kind kind)
{
  using Kind = platforms::PublishError::Kind;
  return kind == Kind::not_sent || kind == Kind::auth || kind == Kind::rate_limited;
}

PublishPool::PublishPool(size_t max_parallel, size_t per_account)
  : m_max_parallel(std::max<size_t>(max_parallel, 1))
  , m_per_account(std::max<size_t>(per_account, 1))
{
}

PublishPool::~PublishPool()
{
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_work_cv.notify_all();
  for (auto& worker : m_workers) {
    worker.join();
  }
}

void
PublishPool::add_account(const std::string& account, std::vector<platforms::Adapter*> slots)
{
  std::lock_guard lock(m_mutex);
  slots.resize(std::min(slots.size(), m_per_account));
  auto& entry = m_accounts[account];
  entry.busy.assign(slots.size(), false);
  entry.slots = std::move(slots);
  // Threads are started as accounts come, up to what can run at once: a run that publishes to
  // one account uses one worker.
  size_t capacity = 0;
  for (const auto& [name, a] : m_accounts) {
    capacity += a.slots.size();
  }
  while (m_workers.size() < std::min(capacity, m_max_parallel)) {
    m_workers.emplace_back([this] { work(); });
  }
}

bool
PublishPool::has_account(const std::string& account) const
{
  std::lock_guard lock(m_mutex);
  return m_accounts.contains(account);
}

void
PublishPool::submit(Task task)
{
  {
    std::lock_guard lock(m_mutex);
    m_accounts.at(task.account).queue.push_back(std::move(task));
    ++m_outstanding;
  }
  m_work_cv.notify_one();
}

std::vector<PublishPool::Task>
PublishPool::withdraw(const std::string& account)
{
  std::lock_guard lock(m_mutex);
  const auto it = m_accounts.find(account);
  if (it == m_accounts.end()) {
    return {};
  }
  std::vector<Task> tasks(std::make_move_iterator(it->second.queue.begin()),
                          std::make_move_iterator(it->second.queue.end()));
  it->second.queue.clear();
  m_outstanding -= tasks.size();
  return tasks;
}

size_t
PublishPool::queued(const std::string& account) const
{
  std::lock_guard lock(m_mutex);
  const auto it = m_accounts.find(account);
  return it == m_accounts.end() ? 0 : it->second.queue.size();
}

size_t
PublishPool::outstanding() const
{
  std::lock_guard lock(m_mutex);
  return m_outstanding;
}

std::vector<PublishPool::Done>
PublishPool::wait()
{
  std::unique_lock lock(m_mutex);
  m_done_cv.wait(lock, [this] { return !m_done.empty() || m_outstanding == 0; });
  std::vector<Done> done;
  done.swap(m_done);
  m_outstanding -= done.size();
  return done;
}

PublishPool::Account*
PublishPool::next_ready(size_t& slot)
{
  if (m_accounts.empty()) {
    return nullptr;
  }
  for (size_t i = 0; i < m_accounts.size(); ++i) {
    if (m_turn == m_accounts.end() || ++m_turn == m_accounts.end()) {
      m_turn = m_accounts.begin();
    }
    auto& account = m_turn->second;
    if (account.queue.empty() || account.halted) {
      continue;
    }
    const auto free = std::find(account.busy.begin(), account.busy.end(), false);
    if (free != account.busy.end()) {
      slot = size_t(free - account.busy.begin());
      return &account;
    }
  }
  return nullptr;
}

void
PublishPool::work()
{
  std::unique_lock lock(m_mutex);
  for (;;) {
    size_t slot = 0;
    Account* account = nullptr;
    m_work_cv.wait(lock, [&] { return m_stopping || (account = next_ready(slot)) != nullptr; });
    if (m_stopping) {
      return;
    }
    Task task = std::move(account->queue.front());
    account->queue.pop_front();
    account->busy[slot] = true;
    platforms::Adapter* adapter = account->slots[slot];
    lock.unlock();

    Done done{ task.id, platforms::Published{}, false, false, {} };
    try {
      auto sent = look_then_publish(*adapter, task.post, task.look_since);
      done.result = std::move(sent.result);
      done.found_earlier = sent.found_earlier;
      done.look_failed = sent.look_failed;
      done.ledger = std::move(sent.ledger);
    } catch (const std::exception& e) {
      // From the look-up, which only reads (look_then_publish catches what publish throws,
      // and tells whether the post may have gone out): nothing was sent.
      done.result = unexpected(
        platforms::PublishError{ platforms::PublishError::Kind::not_sent, e.what(), {} });
    }

    lock.lock();
    account->busy[slot] = false;
    if (!done.result && halts_account(done.result.error().kind)) {
      account->halted = true; // here, before this worker can take the account's next task
    }
    m_done.push_back(std::move(done));
    m_done_cv.notify_all();
    // This worker may pick the next task itself; wake another in case more are ready.
    m_work_cv.notify_one();
  }
}

} // namespace herald::queue
