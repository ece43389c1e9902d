#include "daemon.hpp"

#include "fingerprint.hpp"

#include "store/state_location.hpp"

#include <fmt/core.h>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <limits>
#include <system_error>

namespace herald::app {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

Waker::Waker()
{
  if (::pipe(m_fds) != 0) {
    throw Error(fmt::format("cannot create a pipe: {}", std::generic_category().message(errno)),
                ExitStatus::state);
  }
  for (const int fd : m_fds) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
}

Waker::~Waker()
{
  ::close(m_fds[0]);
  ::close(m_fds[1]);
}

void
Waker::notify(char reason) const
{
  const int saved = errno;
  [[maybe_unused]] const auto written = ::write(m_fds[1], &reason, 1);
  errno = saved;
}

std::string
Waker::wait(std::chrono::milliseconds timeout) const
{
  pollfd pfd{ m_fds[0], POLLIN, 0 };
  const int ms = static_cast<int>(std::clamp<std::chrono::milliseconds::rep>(
    timeout.count(), 0, std::numeric_limits<int>::max()));
  const int ready = ::poll(&pfd, 1, ms);
  std::string got;
  if (ready <= 0) {
    return got; // timeout, or EINTR: the handler's byte is read on the next call
  }
  char buffer[64];
  for (;;) {
    const auto n = ::read(m_fds[0], buffer, sizeof buffer);
    if (n <= 0) {
      break;
    }
    got.append(buffer, static_cast<size_t>(n));
  }
  return got;
}

namespace {

std::atomic<int> g_signal_fd{ -1 };
std::atomic<int> g_stop_signals{ 0 };
unsigned g_grace_seconds = 45;

extern "C" void
on_daemon_signal(int signal)
{
  const int saved = errno;
  char reason = 'h';
  if (signal == SIGALRM) {
    _exit(128 + SIGTERM);
  }
  if (signal == SIGTERM || signal == SIGINT) {
    if (g_stop_signals.fetch_add(1) > 0) {
      _exit(128 + signal);
    }
    ::alarm(g_grace_seconds);
    reason = 't';
  }
  if (const int fd = g_signal_fd.load(); fd >= 0) {
    [[maybe_unused]] const auto written = ::write(fd, &reason, 1);
  }
  errno = saved;
}

std::optional<TimePoint>
earliest(std::optional<TimePoint> a, std::optional<TimePoint> b)
{
  if (!a) {
    return b;
  }
  if (!b) {
    return a;
  }
  return std::min(*a, *b);
}

// When the next job of this calendar (or its one-off posts) comes due, if any.
std::optional<TimePoint>
next_wake(const DaemonOptions& options, const std::string& key)
{
  if (key.empty() || !store::StateLocation(options.tick.state).exists()) {
    return std::nullopt;
  }
  const auto store = store::open_store(options.tick.state);
  return earliest(store->next_due(key), store->next_due(one_off_key(key)));
}

TimePoint
system_now()
{
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

} // namespace

void
install_daemon_signals(const Waker& waker, std::chrono::seconds grace)
{
  g_signal_fd = waker.write_fd();
  g_grace_seconds = static_cast<unsigned>(std::max<std::chrono::seconds::rep>(grace.count(), 1));
  struct sigaction action
  {};
  action.sa_handler = on_daemon_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  for (const int signal : { SIGHUP, SIGTERM, SIGINT, SIGALRM }) {
    ::sigaction(signal, &action, nullptr);
  }
}

ExitStatus
run_daemon(const DaemonOptions& options, queue::AdapterSource& adapters, const Waker& waker,
           const DaemonHooks& hooks)
{
  const std::vector<fs::path> watched{ fs::absolute(options.tick.calendar) };
  bool reload = false;
  std::string key;
  for (;;) {
    auto tick = options.tick;
    tick.now = system_now();
    tick.force_read = reload;
    tick.keep_last_good = true;
    const auto fingerprint = stat_fingerprint(watched);
    try {
      const auto report = run_tick(tick, adapters);
      if (!report.calendar_key.empty()) {
        key = report.calendar_key;
      }
      if (hooks.on_tick) {
        hooks.on_tick(report, reload);
      }
    } catch (const std::exception& e) {
      if (hooks.on_error) {
        hooks.on_error(e);
      }
    }
    reload = false;

    // Sleep until the next due job, at most max_sleep, at least a second (a job that is due but
    // was not fired, e.g. claimed by another runner, must not make this a busy loop).
    const TimePoint now = system_now();
    TimePoint until = now + options.max_sleep;
    try {
      if (const auto due = next_wake(options, key)) {
        until = std::clamp(*due, now + 1s, until);
      }
    } catch (const std::exception& e) {
      if (hooks.on_error) {
        hooks.on_error(e);
      }
    }
    if (hooks.on_sleep) {
      hooks.on_sleep(until);
    }
    const auto deadline = std::chrono::system_clock::time_point(until);
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::system_clock::now());
      if (left <= 0ms) {
        break;
      }
      const std::string got = waker.wait(std::min<std::chrono::milliseconds>(
        left, std::chrono::duration_cast<std::chrono::milliseconds>(options.watch_interval)));
      if (got.find('t') != std::string::npos) {
        return ExitStatus::ok;
      }
      if (got.find('h') != std::string::npos) {
        reload = true;
        break;
      }
      if (stat_fingerprint(watched) != fingerprint) {
        break; // the calendar changed: the tick reads it
      }
    }
  }
}

} // namespace herald::app
