#include "clock.hpp"

namespace herald {

TimePoint
SystemClock::now() const
{
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

} // namespace herald
