#include "testutil.hpp"

#include "platforms/plugin_process.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

using namespace herald;
using namespace herald::platforms;
using namespace std::chrono_literals;

namespace {

using Steady = std::chrono::steady_clock;

// A /bin/sh script as a plugin program.
ProcessSpec
script(const test::TestDir& dir, std::string_view name, std::string_view body)
{
  const auto path = dir.write(name, "#!/bin/sh\n" + std::string(body));
  ::chmod(path.c_str(), 0755);
  ProcessSpec spec;
  spec.program = path;
  spec.environment = { "PATH=/usr/bin:/bin" };
  return spec;
}

std::unique_ptr<PluginProcess>
start(ProcessSpec spec)
{
  auto process = PluginProcess::start(std::move(spec));
  REQUIRE_MESSAGE(process.has_value(), process.error());
  return std::move(*process);
}

// Whether no live process is left in process group `pgid` (zombies count as gone: they were
// killed and wait for init). SIGKILL takes a moment to land, so this waits up to 2 s.
bool
group_is_gone(pid_t pgid)
{
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  for (;;) {
    bool alive = false;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
      std::ifstream in(entry.path() / "stat");
      std::string stat;
      if (!std::getline(in, stat)) {
        continue;
      }
      // pid (comm) state ppid pgrp ...
      std::istringstream fields(stat.substr(stat.rfind(')') + 1));
      std::string state;
      pid_t ppid = 0;
      pid_t pgrp = 0;
      fields >> state >> ppid >> pgrp;
      alive = alive || (pgrp == pgid && state != "Z" && state != "X");
    }
    if (!alive) {
      return true;
    }
    if (std::chrono::steady_clock::now() > until) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

} // namespace

TEST_SUITE("platforms::PluginProcess")
{
  TEST_CASE("one line out, one line back, many times over one process")
  {
    test::TestDir dir;
    auto process =
      start(script(dir, "echo.sh", "while IFS= read -r l; do echo \"got:$l\"; done\n"));
    for (int i = 0; i < 3; ++i) {
      const auto answer = process->exchange("hello " + std::to_string(i), Steady::now() + 5s);
      REQUIRE(answer.has_value());
      CHECK(*answer == "got:hello " + std::to_string(i));
    }
    CHECK(process->running());
    process->stop(1000ms);
    CHECK_FALSE(process->running());
    CHECK(process->exit_description() == "exited with status 0");
  }

  TEST_CASE("the child gets only the given environment and the working directory")
  {
    test::TestDir dir;
    std::filesystem::create_directories(dir.path() / "cal");
    auto spec =
      script(dir, "env.sh", "read -r l; echo \"$(pwd) ${SECRET:-unset} ${HOME:-nohome}\"\n");
    spec.environment.push_back("SECRET=s3");
    spec.working_dir = dir.path() / "cal";
    auto process = start(std::move(spec));
    const auto answer = process->exchange("x", Steady::now() + 5s);
    REQUIRE(answer.has_value());
    CHECK(*answer == (dir.path() / "cal").string() + " s3 nohome");
  }

  TEST_CASE("a child that hangs after reading is killed at the deadline, with its children")
  {
    test::TestDir dir;
    auto process = start(script(dir, "hang.sh", "read -r l\nsleep 30 &\nsleep 30\n"));
    const pid_t pid = process->pid();
    const auto started = Steady::now();
    const auto answer = process->exchange("publish", started + 300ms);
    const auto took = Steady::now() - started;
    REQUIRE_FALSE(answer.has_value());
    CHECK(answer.error().kind == ProcessError::Kind::timeout);
    CHECK(answer.error().request_written);
    CHECK(took >= 300ms);
    CHECK(took < 3s);
    CHECK_FALSE(process->running());
    CHECK(group_is_gone(pid));
    // Spent: later exchanges fail at once.
    const auto again = process->exchange("x", Steady::now() + 5s);
    REQUIRE_FALSE(again.has_value());
    CHECK(again.error().kind == ProcessError::Kind::exited);
  }

  TEST_CASE("a child that never reads did not get the request")
  {
    test::TestDir dir;
    auto process = start(script(dir, "deaf.sh", "sleep 30\n"));
    const auto answer = process->exchange("publish", Steady::now() + 200ms);
    REQUIRE_FALSE(answer.has_value());
    CHECK(answer.error().kind == ProcessError::Kind::timeout);
    CHECK_FALSE(answer.error().request_written);
  }

  TEST_CASE("a child that exits mid-conversation: its status and last stderr line")
  {
    test::TestDir dir;
    auto process = start(script(
      dir, "crash.sh", "read -r l; echo one; read -r l; echo 'Traceback: boom' >&2; exit 3\n"));
    REQUIRE(process->exchange("first", Steady::now() + 5s).value() == "one");
    const auto answer = process->exchange("second", Steady::now() + 5s);
    REQUIRE_FALSE(answer.has_value());
    CHECK(answer.error().kind == ProcessError::Kind::exited);
    CHECK(answer.error().request_written);
    CHECK(answer.error().message == "closed its output (exited with status 3)");
    CHECK(answer.error().stderr_tail == "Traceback: boom");
    CHECK_FALSE(process->running());
  }

  TEST_CASE("a child that died before reading did not get the request")
  {
    test::TestDir dir;
    auto process = start(script(dir, "gone.sh", "exit 0\n"));
    const auto answer = process->exchange("publish", Steady::now() + 5s);
    REQUIRE_FALSE(answer.has_value());
    CHECK(answer.error().kind != ProcessError::Kind::timeout);
    CHECK_FALSE(answer.error().request_written);
  }

  TEST_CASE("a signal is named")
  {
    test::TestDir dir;
    auto process = start(script(dir, "term.sh", "read -r l; kill -TERM $$\n"));
    const auto answer = process->exchange("x", Steady::now() + 5s);
    REQUIRE_FALSE(answer.has_value());
    CHECK(answer.error().message == "closed its output (was killed by signal 15 (SIGTERM))");
  }

  TEST_CASE("an answer line over the cap is refused, however it is cut")
  {
    test::TestDir dir;
    SUBCASE("without a newline")
    {
      auto spec = script(dir, "huge.sh", "read -r l; head -c 3000000 /dev/zero | tr '\\0' x\n");
      spec.max_line = 1024 * 1024;
      auto process = start(std::move(spec));
      const auto answer = process->exchange("x", Steady::now() + 10s);
      REQUIRE_FALSE(answer.has_value());
      CHECK(answer.error().kind == ProcessError::Kind::too_long);
      CHECK(answer.error().message == "wrote an answer line longer than 1048576 bytes");
      CHECK_FALSE(process->running());
    }
    SUBCASE("with a newline far away")
    {
      auto spec = script(dir, "long.sh", "read -r l; printf '%0200d\\n' 0\n");
      spec.max_line = 100;
      auto process = start(std::move(spec));
      const auto answer = process->exchange("x", Steady::now() + 10s);
      REQUIRE_FALSE(answer.has_value());
      CHECK(answer.error().kind == ProcessError::Kind::too_long);
    }
  }

  TEST_CASE("output written while a long request is still being written is capped")
  {
    test::TestDir dir;
    // Many short lines before reading anything: each is under the line cap, together they are
    // not, and herald is still writing a request larger than the pipe holds.
    auto spec = script(dir, "flood.sh", "yes '{\"type\":\"log\"}' | head -c 5000000; read -r l\n");
    spec.max_line = 1000;
    auto process = start(std::move(spec));
    const auto answer = process->exchange(std::string(200000, 'r'), Steady::now() + 10s);
    REQUIRE_FALSE(answer.has_value());
    CHECK(answer.error().kind == ProcessError::Kind::too_long);
    CHECK(answer.error().message ==
          "wrote more than one answer line (1000 bytes) before reading the whole request");
    CHECK_FALSE(answer.error().request_written);
    CHECK_FALSE(process->running());
  }

  TEST_CASE("the child inherits no descriptor but its standard three")
  {
    test::TestDir dir;
    // Not close-on-exec, as libcurl's sockets and what herald's own parent left open are not.
    const int leaked = ::open("/dev/null", O_RDONLY);
    REQUIRE(leaked >= 0);
    REQUIRE(::dup2(leaked, 100) == 100);
    auto process =
      start(script(dir, "fds.sh",
                   "read -r l; for fd in 3 4 5 6 7 8 9 100 " + std::to_string(leaked) +
                     "; do [ -e /proc/$$/fd/$fd ] && printf '%s ' $fd; done; echo end\n"));
    const auto answer = process->exchange("x", Steady::now() + 5s);
    ::close(100);
    ::close(leaked);
    REQUIRE(answer.has_value());
    CHECK(*answer == "end");
  }

  TEST_CASE("stderr is passed on line by line, cut and capped")
  {
    test::TestDir dir;
    auto spec = script(dir, "chatty.sh",
                       "read -r l\n"
                       "printf 'a\\r\\nb\\n\\n' >&2\n"
                       "head -c 5000 /dev/zero | tr '\\0' y >&2; echo >&2\n"
                       "i=0; while [ $i -lt 150 ]; do echo \"line $i\" >&2; i=$((i+1)); done\n"
                       "echo done\n");
    std::vector<std::string> lines;
    spec.on_stderr_line = [&](std::string_view line) { lines.emplace_back(line); };
    auto process = start(std::move(spec));
    REQUIRE(process->exchange("x", Steady::now() + 10s).value() == "done");
    process->stop(1000ms);
    REQUIRE(lines.size() == k_max_stderr_lines + 1);
    CHECK(lines[0] == "a");
    CHECK(lines[1] == "b");
    CHECK(lines[2] == std::string(k_max_stderr_line, 'y'));
    CHECK(lines[3] == "line 0");
    CHECK(lines.back() == "(more stderr output not shown)");
  }

  TEST_CASE("a program that cannot start says why")
  {
    ProcessSpec spec;
    spec.program = "/nonexistent/plugin";
    const auto process = PluginProcess::start(std::move(spec));
    REQUIRE_FALSE(process.has_value());
    CHECK(process.error() == "cannot start /nonexistent/plugin: No such file or directory");
  }

  TEST_CASE("stop() gives up on a child that ignores its closed stdin")
  {
    test::TestDir dir;
    auto process = start(script(dir, "stubborn.sh", "trap '' TERM HUP\nsleep 30\n"));
    const pid_t pid = process->pid();
    const auto started = Steady::now();
    process->stop(200ms);
    CHECK(Steady::now() - started < 3s);
    CHECK_FALSE(process->running());
    CHECK(process->exit_description() == "was killed by signal 9 (SIGKILL)");
    CHECK(group_is_gone(pid));
  }

  TEST_CASE("the destructor ends and reaps the child")
  {
    test::TestDir dir;
    pid_t pid = -1;
    {
      auto process = start(script(dir, "idle.sh", "while read -r l; do :; done\n"));
      pid = process->pid();
    }
    CHECK(::kill(pid, 0) != 0); // reaped: no zombie left behind
  }
}
