#include "run_command.hpp"

#include <fmt/core.h>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <system_error>

extern char** environ;

namespace herald {

namespace {

// Both ends of a pipe, closed when they go out of scope.
struct Pipe
{
  int read = -1;
  int write = -1;
  Pipe()
  {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) == 0) {
      read = fds[0];
      write = fds[1];
    }
  }
  ~Pipe()
  {
    close_read();
    close_write();
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  void close_read()
  {
    if (read >= 0) {
      ::close(read);
      read = -1;
    }
  }
  void close_write()
  {
    if (write >= 0) {
      ::close(write);
      write = -1;
    }
  }
};

} // namespace

Result<CommandOutput, std::string>
run_command(const std::vector<std::string>& argv, size_t max_bytes)
{
  if (argv.empty()) {
    return unexpected(std::string("no command"));
  }
  Pipe out;
  Pipe err;
  if (out.read < 0 || err.read < 0) {
    return unexpected(
      fmt::format("cannot run {}: {}", argv[0], std::generic_category().message(errno)));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.write, 1);
  posix_spawn_file_actions_adddup2(&actions, err.write, 2);
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& arg : argv) {
    args.push_back(const_cast<char*>(arg.c_str()));
  }
  args.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    return unexpected(
      fmt::format("cannot run {}: {}", argv[0], std::generic_category().message(spawned)));
  }
  out.close_write();
  err.close_write();

  // Both streams at once: a child that fills one pipe while we wait on the other would hang.
  CommandOutput result;
  bool too_much = false;
  std::array<pollfd, 2> fds{ { { out.read, POLLIN, 0 }, { err.read, POLLIN, 0 } } };
  std::array<std::string*, 2> sinks{ &result.out, &result.err };
  size_t open = 2;
  char buffer[65536];
  while (open > 0) {
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) {
        continue;
      }
      break;
    }
    for (size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) {
        continue;
      }
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof(buffer));
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n <= 0) {
        fds[i].fd = -1;
        --open;
        continue;
      }
      if (sinks[i]->size() + static_cast<size_t>(n) > max_bytes) {
        too_much = true;
        fds[i].fd = -1;
        --open;
        continue;
      }
      sinks[i]->append(buffer, static_cast<size_t>(n));
    }
  }
  out.close_read(); // a child still writing gets SIGPIPE instead of blocking
  err.close_read();
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (too_much) {
    return unexpected(fmt::format("{} wrote more than {} bytes", argv[0], max_bytes));
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

} // namespace herald
