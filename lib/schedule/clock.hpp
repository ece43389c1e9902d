#pragma once

#include <chrono>

namespace herald {

// All of herald's instants are whole seconds of UTC.
using TimePoint = std::chrono::sys_seconds;

// Everything that needs "now" asks a Clock, so `--now` and tests are deterministic.
class Clock
{
public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SystemClock : public Clock
{
public:
  TimePoint now() const override;
};

// Time moves only when the test (or --now) says so.
class FixedClock : public Clock
{
public:
  explicit FixedClock(TimePoint now)
    : m_now(now)
  {
  }
  TimePoint now() const override { return m_now; }
  void set(TimePoint now) { m_now = now; }

private:
  TimePoint m_now;
};

} // namespace herald
