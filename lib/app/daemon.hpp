#pragma once

#include "tick.hpp"

#include <chrono>
#include <functional>
#include <string>

namespace herald::app {

// What wakes the daemon early: a byte written to a self-pipe, from a signal handler or a test.
class Waker
{
public:
  Waker();
  ~Waker();
  Waker(const Waker&) = delete;
  Waker& operator=(const Waker&) = delete;

  // Async-signal-safe: writes one byte ('h' reload, 't' stop).
  void notify(char reason) const;
  // Waits until a byte arrives or `timeout` passes (poll(2), no busy loop); returns the bytes
  // read, empty on a timeout.
  std::string wait(std::chrono::milliseconds timeout) const;
  int write_fd() const { return m_fds[1]; }

private:
  int m_fds[2] = { -1, -1 };
};

// Routes SIGHUP (reload) and SIGTERM/SIGINT (stop) to `waker` with sigaction. A second
// SIGTERM/SIGINT, or `grace` after the first, ends the process at once with _exit(128 + signal).
void install_daemon_signals(const Waker& waker, std::chrono::seconds grace);

struct DaemonOptions
{
  TickOptions tick; // `now` is set from the system clock before each tick
  std::chrono::seconds max_sleep{ 60 };
  // How often to stat the calendar file while asleep, to notice an edit early.
  std::chrono::seconds watch_interval{ 2 };
};

struct DaemonHooks
{
  // After each tick, with its report.
  std::function<void(const TickReport&, bool reload)> on_tick;
  // A tick that threw (the calendar vanished, the state could not be opened): reported, retried.
  std::function<void(const std::exception&)> on_error;
  // Before each sleep, with the time it will wake at the latest.
  std::function<void(TimePoint until)> on_sleep;
};

// Ticks, sleeps until the next due job (at most max_sleep), and ticks again, until `waker`
// says stop; the tick in progress then finishes first. Returns ExitStatus::ok.
ExitStatus run_daemon(const DaemonOptions& options, queue::AdapterSource& adapters,
                      const Waker& waker, const DaemonHooks& hooks);

} // namespace herald::app
