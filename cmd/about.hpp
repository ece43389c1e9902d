#pragma once

#include <string>

namespace herald::cmd {

// What `herald --version` prints: the version, the commit it was built from, the build type and
// the platforms, one per line.
std::string version_text();

// The same for scripts (`herald --version --json`): one JSON object with name, version, commit,
// describe, dirty, build_type, compiler and platforms.
std::string version_json();

} // namespace herald::cmd
