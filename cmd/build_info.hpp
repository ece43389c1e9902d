#pragma once

#include <string_view>

namespace herald::cmd {

// Where this binary came from, for `herald --version` and bug reports. Filled in when herald is
// built (cmake/BuildInfo.cmake), not when it is configured, so a new commit shows at once.
struct BuildInfo
{
  // The full git commit of the source tree, or "unknown" when the source is not a git checkout
  // (a release tarball) and the builder did not give -DHERALD_COMMIT.
  std::string_view commit;
  // `git describe --always --tags --dirty` (e.g. "v0.1.0-3-g6ffcbcc4d1e2-dirty"), or the commit.
  std::string_view describe;
  // The tree had changes that no commit holds.
  bool dirty = false;
  // CMake's build type (Release, RelWithDebInfo, Debug, ...).
  std::string_view build_type;
  // The compiler's id and version, e.g. "GNU 12.2.0".
  std::string_view compiler;
};

const BuildInfo& build_info();

} // namespace herald::cmd
