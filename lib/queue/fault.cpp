#include "fault.hpp"

#include <unistd.h>

#include <cstdlib>

namespace herald::queue {

void
crash_point(std::string_view point)
{
  static const char* const configured = std::getenv("HERALD_TEST_CRASH_AT");
  if (configured && point == configured) {
    ::_exit(137);
  }
}

} // namespace herald::queue
