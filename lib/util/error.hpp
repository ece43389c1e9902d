#pragma once

#include <stdexcept>
#include <string>

namespace herald {

// Process exit codes, documented in herald(1).
enum class ExitStatus : int
{
  ok = 0,
  job_failed = 1, // a job failed or was missed
  usage = 2,      // bad arguments or an invalid calendar; nothing was changed
  state = 3,      // the state store could not be opened or written
};

// "Cannot continue": thrown inside lib/ only when there is no sensible value to return; caught
// once in cmd/main.cpp, which prints "herald: error: <what>" and exits with `status`.
class Error : public std::runtime_error
{
public:
  explicit Error(const std::string& message, ExitStatus status = ExitStatus::usage)
    : std::runtime_error(message)
    , m_status(status)
  {
  }
  ExitStatus status() const { return m_status; }

private:
  ExitStatus m_status;
};

} // namespace herald
