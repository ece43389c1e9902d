// The doctest main, with a per-process scratch directory that survives failures for inspection.
#define DOCTEST_CONFIG_IMPLEMENT
#include "testutil.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

namespace fs = std::filesystem;

int
main(int argc, char** argv)
{
  // A new directory each run: one named by the process id alone was found again, files and
  // all, when a later run got the pid of a failed one whose files were kept.
  std::string name = (fs::temp_directory_path() / "herald-unittest-XXXXXX").string();
  if (::mkdtemp(name.data()) == nullptr) {
    std::perror("herald_unittest: cannot make a scratch directory");
    return 2;
  }
  const fs::path scratch(name);
  herald::test::set_scratch_root(scratch);

  doctest::Context context;
  context.applyCommandLine(argc, argv);
  const int result = context.run();
  if (result == 0) {
    fs::remove_all(scratch);
  } else {
    std::fprintf(stderr, "unit test files kept in %s\n", scratch.c_str());
  }
  return result;
}
