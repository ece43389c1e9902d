// The doctest main, with a per-process scratch directory that survives failures for inspection.
#define DOCTEST_CONFIG_IMPLEMENT
#include "testutil.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>

namespace fs = std::filesystem;

int
main(int argc, char** argv)
{
  const fs::path scratch =
    fs::temp_directory_path() / ("herald-unittest-" + std::to_string(::getpid()));
  fs::create_directories(scratch);
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
