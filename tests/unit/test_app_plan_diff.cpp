#include "app/plan_diff.hpp"
#include "util/run_command.hpp"

#include <doctest/doctest.h>

using herald::run_command;
using herald::app::text_diff;

TEST_SUITE("app::plan_diff")
{
  TEST_CASE("a line diff keeps what is common and shows removals before additions")
  {
    using Lines = std::vector<std::string>;
    CHECK(text_diff("a\nb\nc", "a\nB\nc\nd") == Lines{ "  a", "- b", "+ B", "  c", "+ d" });
    CHECK(text_diff("", "new\ntext") == Lines{ "+ new", "+ text" });
    CHECK(text_diff("old", "") == Lines{ "- old" });
    CHECK(text_diff("same", "same") == Lines{ "  same" });
    CHECK(text_diff("x\n\ny", "x\ny") == Lines{ "  x", "- ", "  y" });
  }
}

TEST_SUITE("util::run_command")
{
  TEST_CASE("what a program writes on each stream, and its exit code")
  {
    const auto done = run_command({ "sh", "-c", "echo out; echo err >&2; exit 3" }, 1024);
    REQUIRE(done);
    CHECK(done->out == "out\n");
    CHECK(done->err == "err\n");
    CHECK(done->exit_code == 3);
  }

  TEST_CASE("both streams are read at once, so a big one cannot block the other")
  {
    const auto done = run_command(
      { "sh", "-c", "head -c 300000 /dev/zero >&2; head -c 300000 /dev/zero" }, 1 << 20);
    REQUIRE(done);
    CHECK(done->out.size() == 300000);
    CHECK(done->err.size() == 300000);
  }

  TEST_CASE("too much output and a missing program are errors that say so")
  {
    const auto big = run_command({ "sh", "-c", "head -c 5000 /dev/zero" }, 1000);
    REQUIRE_FALSE(big);
    CHECK(big.error() == "sh wrote more than 1000 bytes");
    const auto missing = run_command({ "herald-no-such-program" }, 1000);
    REQUIRE_FALSE(missing);
    CHECK(missing.error() == "cannot run herald-no-such-program: No such file or directory");
  }
}
