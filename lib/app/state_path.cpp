#include "state_path.hpp"

#include "util/error.hpp"

#include <cstdlib>

namespace herald::app {

std::filesystem::path
default_state_path()
{
  if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg && *xdg == '/') {
    return std::filesystem::path(xdg) / "herald" / "state.db";
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return std::filesystem::path(home) / ".local" / "state" / "herald" / "state.db";
  }
  throw Error("cannot tell where to keep the state: set HOME, XDG_STATE_HOME or --state");
}

} // namespace herald::app
