#include "plugin_process.hpp"

#include <fmt/core.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <mutex>
#include <system_error>
#include <thread>

namespace herald::platforms {

namespace {

using std::chrono::steady_clock;

// How long a child that closed its stdout (or stdin) gets to exit by itself, so that the error
// can tell its exit status and its last words on stderr.
constexpr std::chrono::milliseconds k_exit_grace{ 1000 };

// Writing to a child that exited must be an EPIPE error, not a signal that ends herald. main()
// ignores SIGPIPE already; this keeps the library safe on its own (unit tests, other mains).
void
ignore_sigpipe()
{
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction current
    {};
    if (::sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
      (void)::signal(SIGPIPE, SIG_IGN); // cannot fail for a valid signal
    }
  });
}

// A pipe whose two ends are close-on-exec (so that no other child, started concurrently on
// another thread, inherits them and keeps them open) and above the standard descriptors (so
// that the child's dup2() onto 0, 1 and 2 cannot clobber one end with another, even when herald
// itself was started with a standard descriptor closed, as cron may do).
Result<std::array<int, 2>>
make_pipe()
{
  std::array<int, 2> fds{ -1, -1 };
  if (::pipe2(fds.data(), O_CLOEXEC) != 0) {
    return unexpected(
      fmt::format("cannot create a pipe: {}", std::generic_category().message(errno)));
  }
  for (auto& fd : fds) {
    if (fd < 3) {
      const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
      const int error = errno;
      ::close(fd);
      fd = moved;
      if (moved < 0) {
        ::close(fds[0] == fd ? fds[1] : fds[0]);
        return unexpected(
          fmt::format("cannot create a pipe: {}", std::generic_category().message(error)));
      }
    }
  }
  return fds;
}

void
set_nonblocking(int fd)
{
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) {
    ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  }
}

std::string
describe_status(int status)
{
  if (WIFEXITED(status)) {
    return fmt::format("exited with status {}", WEXITSTATUS(status));
  }
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    const char* abbrev = ::sigabbrev_np(sig);
    return abbrev ? fmt::format("was killed by signal {} (SIG{})", sig, abbrev)
                  : fmt::format("was killed by signal {}", sig);
  }
  return "ended";
}

int
remaining_ms(Deadline deadline)
{
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - steady_clock::now());
  return static_cast<int>(std::clamp<std::chrono::milliseconds::rep>(left.count(), 0, 60'000));
}

} // namespace

Result<std::unique_ptr<PluginProcess>>
PluginProcess::start(ProcessSpec spec)
{
  ignore_sigpipe();
  std::unique_ptr<PluginProcess> process(new PluginProcess(std::move(spec)));
  const auto& s = process->m_spec;

  auto in = make_pipe();
  if (!in) {
    return unexpected(in.error());
  }
  auto out = make_pipe();
  if (!out) {
    ::close((*in)[0]);
    ::close((*in)[1]);
    return unexpected(out.error());
  }
  auto err = make_pipe();
  if (!err) {
    for (const int fd : { (*in)[0], (*in)[1], (*out)[0], (*out)[1] }) {
      ::close(fd);
    }
    return unexpected(err.error());
  }

  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  // dup2() clears close-on-exec on the copies, so the child keeps exactly 0, 1 and 2.
  ::posix_spawn_file_actions_adddup2(&actions, (*in)[0], 0);
  ::posix_spawn_file_actions_adddup2(&actions, (*out)[1], 1);
  ::posix_spawn_file_actions_adddup2(&actions, (*err)[1], 2);
  // Nothing else: not libcurl's sockets (not close-on-exec), nor what herald inherited from its
  // own parent. close_range() in the child, after the dup2() calls.
  ::posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  if (!s.working_dir.empty()) {
    ::posix_spawn_file_actions_addchdir_np(&actions, s.working_dir.c_str());
  }

  posix_spawnattr_t attr;
  ::posix_spawnattr_init(&attr);
  // Its own process group, so that a timeout kills what the plugin started too (a shell
  // plugin's `sleep`), and a terminal's Ctrl-C reaches herald, which then ends it.
  ::posix_spawnattr_setpgroup(&attr, 0);
  sigset_t none;
  ::sigemptyset(&none);
  ::posix_spawnattr_setsigmask(&attr, &none);
  sigset_t defaults;
  ::sigemptyset(&defaults);
  for (const int sig :
       { SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGCHLD, SIGALRM, SIGUSR1, SIGUSR2 }) {
    ::sigaddset(&defaults, sig);
  }
  ::posix_spawnattr_setsigdefault(&attr, &defaults);
  ::posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                      POSIX_SPAWN_SETSIGDEF);

  std::vector<std::string> arg_strings;
  arg_strings.push_back(s.program.string());
  arg_strings.insert(arg_strings.end(), s.args.begin(), s.args.end());
  std::vector<char*> argv;
  argv.reserve(arg_strings.size() + 1);
  for (auto& arg : arg_strings) {
    argv.push_back(arg.data());
  }
  argv.push_back(nullptr);
  std::vector<std::string> env_strings = s.environment;
  std::vector<char*> envp;
  envp.reserve(env_strings.size() + 1);
  for (auto& entry : env_strings) {
    envp.push_back(entry.data());
  }
  envp.push_back(nullptr);

  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, s.program.c_str(), &actions, &attr, argv.data(), envp.data());
  ::posix_spawn_file_actions_destroy(&actions);
  ::posix_spawnattr_destroy(&attr);
  for (const int fd : { (*in)[0], (*out)[1], (*err)[1] }) {
    ::close(fd);
  }
  if (rc != 0) {
    for (const int fd : { (*in)[1], (*out)[0], (*err)[0] }) {
      ::close(fd);
    }
    return unexpected(
      fmt::format("cannot start {}: {}", s.program.string(), std::generic_category().message(rc)));
  }
  process->m_pid = pid;
  process->m_stdin = (*in)[1];
  process->m_stdout = (*out)[0];
  process->m_stderr = (*err)[0];
  // Only herald's ends: the child's must stay blocking, as programs expect.
  for (const int fd : { process->m_stdin, process->m_stdout, process->m_stderr }) {
    set_nonblocking(fd);
  }
  return process;
}

PluginProcess::PluginProcess(ProcessSpec spec)
  : m_spec(std::move(spec))
{
}

PluginProcess::~PluginProcess()
{
  stop(k_exit_grace);
}

Result<std::string, ProcessError>
PluginProcess::exchange(std::string_view line, Deadline deadline)
{
  if (m_spent) {
    return unexpected(ProcessError{ ProcessError::Kind::exited, false,
                                    m_exit.empty() ? "is not running" : m_exit, m_err_last });
  }
  m_err_lines = 0;
  std::string request(line);
  request += '\n';
  size_t written = 0;
  for (;;) {
    const bool sent = written == request.size();
    const size_t newline = m_out.find('\n');
    if (newline != std::string::npos ? newline > m_spec.max_line : m_out.size() > m_spec.max_line) {
      return unexpected(
        fail(ProcessError::Kind::too_long, sent,
             fmt::format("wrote an answer line longer than {} bytes", m_spec.max_line)));
    }
    if (sent && newline != std::string::npos) {
      std::string answer = m_out.substr(0, newline);
      m_out.erase(0, newline + 1);
      if (!answer.empty() && answer.back() == '\r') {
        answer.pop_back();
      }
      return answer;
    }
    // One answer line and its newline is all a request can bring: more, written while herald
    // still writes a long request, is never buffered (a plugin cannot grow herald's memory).
    if (m_out.size() >= max_buffered()) {
      return unexpected(fail(ProcessError::Kind::too_long, sent,
                             fmt::format("wrote more than one answer line ({} bytes) before "
                                         "reading the whole request",
                                         m_spec.max_line)));
    }
    if (m_stdout < 0) {
      return unexpected(fail(ProcessError::Kind::exited, sent, "closed its output"));
    }
    if (steady_clock::now() >= deadline) {
      return unexpected(fail(ProcessError::Kind::timeout, sent, "gave no answer in time"));
    }

    std::array<pollfd, 3> fds{};
    nfds_t count = 0;
    fds[count++] = { m_stdout, POLLIN, 0 };
    if (m_stderr >= 0) {
      fds[count++] = { m_stderr, POLLIN, 0 };
    }
    if (!sent) {
      fds[count++] = { m_stdin, POLLOUT, 0 };
    }
    const int ready = ::poll(fds.data(), count, remaining_ms(deadline));
    if (ready < 0 && errno != EINTR) {
      return unexpected(
        fail(ProcessError::Kind::exited, sent,
             fmt::format("could not be waited for: {}", std::generic_category().message(errno))));
    }
    if (ready <= 0) {
      continue;
    }
    for (nfds_t i = 0; i < count; ++i) {
      if (fds[i].revents == 0) {
        continue;
      }
      if (fds[i].fd == m_stdin) {
        const ssize_t n = ::write(m_stdin, request.data() + written, request.size() - written);
        if (n > 0) {
          written += static_cast<size_t>(n);
        } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
          return unexpected(fail(ProcessError::Kind::write, false, "closed its input"));
        }
      } else if (fds[i].fd == m_stdout) {
        read_from(m_stdout);
      } else {
        read_from(m_stderr);
      }
    }
  }
}

void
PluginProcess::read_from(int& fd)
{
  std::array<char, 65536> buffer;
  const bool is_stdout = &fd == &m_stdout;
  size_t room = buffer.size();
  if (is_stdout) {
    room = std::min(room, max_buffered() - std::min(max_buffered(), m_out.size()));
  }
  if (room == 0) {
    return; // exchange() fails before asking for more
  }
  const ssize_t n = ::read(fd, buffer.data(), room);
  if (n > 0) {
    if (is_stdout) {
      m_out.append(buffer.data(), static_cast<size_t>(n));
    } else {
      take_stderr({ buffer.data(), static_cast<size_t>(n) });
    }
  } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
    if (!is_stdout) {
      flush_stderr_line();
    }
    close_fd(fd);
  }
}

void
PluginProcess::take_stderr(std::string_view data)
{
  for (const char c : data) {
    if (c == '\n') {
      flush_stderr_line();
    } else if (m_err_line.size() < k_max_stderr_line) {
      m_err_line += c;
    }
  }
}

void
PluginProcess::flush_stderr_line()
{
  if (!m_err_line.empty() && m_err_line.back() == '\r') {
    m_err_line.pop_back();
  }
  if (!m_err_line.empty()) {
    m_err_last = m_err_line;
    if (m_spec.on_stderr_line) {
      if (m_err_lines < k_max_stderr_lines) {
        m_spec.on_stderr_line(m_err_line);
      } else if (m_err_lines == k_max_stderr_lines) {
        m_spec.on_stderr_line("(more stderr output not shown)");
      }
    }
    ++m_err_lines;
  }
  m_err_line.clear();
}

bool
PluginProcess::delivered() const
{
  // Bytes still in the pipe were never read by the child: it cannot have acted on a request it
  // did not read to its newline. (FIONREAD works on either end of a Linux pipe.)
  int unread = 0;
  if (m_stdin >= 0 && ::ioctl(m_stdin, FIONREAD, &unread) == 0) {
    return unread == 0;
  }
  return true; // cannot tell: assume the worst
}

ProcessError
PluginProcess::fail(ProcessError::Kind kind, bool written, std::string message)
{
  ProcessError error{ kind, written && delivered(), std::move(message), {} };
  if (kind == ProcessError::Kind::exited || kind == ProcessError::Kind::write) {
    // Let it finish dying, to tell how it ended and what it said last.
    settle(steady_clock::now() + k_exit_grace);
    if (m_reaped) {
      error.message += fmt::format(" ({})", m_exit);
    }
  }
  kill_and_reap();
  error.stderr_tail = m_err_last;
  return error;
}

void
PluginProcess::settle(Deadline until)
{
  while (!(m_reaped && m_stderr < 0)) {
    if (!m_reaped) {
      int status = 0;
      const pid_t r = ::waitpid(m_pid, &status, WNOHANG);
      if (r == m_pid) {
        reaped(status);
        continue;
      }
    }
    if (steady_clock::now() >= until) {
      return;
    }
    std::array<pollfd, 2> fds{};
    nfds_t count = 0;
    if (m_stderr >= 0) {
      fds[count++] = { m_stderr, POLLIN, 0 };
    }
    if (m_stdout >= 0) {
      fds[count++] = { m_stdout, POLLIN, 0 };
    }
    // Wakes up for output, else every 10 ms to look for the exit.
    const int ready = ::poll(fds.data(), count, std::min(10, remaining_ms(until)));
    for (nfds_t i = 0; ready > 0 && i < count; ++i) {
      if (fds[i].revents == 0) {
        continue;
      }
      if (fds[i].fd == m_stdout) {
        m_out.clear(); // nobody asked: dropped
        read_from(m_stdout);
        m_out.clear();
      } else {
        read_from(m_stderr);
      }
    }
  }
}

void
PluginProcess::reaped(int status)
{
  m_reaped = true;
  m_exit = describe_status(status);
}

void
PluginProcess::kill_and_reap()
{
  if (m_pid > 0) {
    // The whole group: what the plugin started must not outlive it. The group id cannot have
    // been reused while a member of the group lives.
    ::kill(-m_pid, SIGKILL);
    if (!m_reaped) {
      ::kill(m_pid, SIGKILL);
      int status = 0;
      pid_t r = -1;
      do {
        r = ::waitpid(m_pid, &status, 0);
      } while (r < 0 && errno == EINTR);
      if (r == m_pid) {
        reaped(status);
      } else {
        m_reaped = true; // reaped elsewhere (ECHILD): nothing left to wait for
      }
    }
  }
  close_fd(m_stdin);
  close_fd(m_stdout);
  close_fd(m_stderr);
  m_spent = true;
}

bool
PluginProcess::running()
{
  if (m_spent || m_reaped) {
    return false;
  }
  int status = 0;
  if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
    reaped(status);
    return false;
  }
  return true;
}

void
PluginProcess::stop(std::chrono::milliseconds grace)
{
  if (m_spent) {
    return;
  }
  m_err_lines = 0;
  close_fd(m_stdin);
  settle(steady_clock::now() + grace);
  flush_stderr_line();
  kill_and_reap();
}

void
PluginProcess::close_fd(int& fd)
{
  if (fd >= 0) {
    ::close(fd);
    fd = -1;
  }
}

} // namespace herald::platforms
