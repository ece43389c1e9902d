#pragma once

#include "util/expected.hpp"

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

// A child process spoken to in lines: one request line on its stdin, one answer line back on
// its stdout, its stderr passed on line by line. Built for the exec platform's plugins, which
// must never be able to hang or crash herald: every wait has a deadline, every line a size cap,
// and a process that misbehaves is killed (with its process group) and reaped, never left as a
// zombie.
namespace herald::platforms {

using Deadline = std::chrono::steady_clock::time_point;

struct ProcessSpec
{
  std::filesystem::path program;        // run as is: resolve PATH and relative names first
  std::vector<std::string> args;        // argv[1...]
  std::vector<std::string> environment; // the child's whole environment, "NAME=value"
  std::filesystem::path working_dir;    // empty: herald's own
  // Called with each line the child writes to stderr (without the newline, cut to
  // k_max_stderr_line bytes), on the thread that is waiting for an answer. Empty: dropped.
  std::function<void(std::string_view line)> on_stderr_line;
  size_t max_line = size_t(1024) * 1024; // the longest answer line accepted, without its newline
};

// The longest stderr line passed on (the rest of the line is dropped), and how many lines per
// exchange: a plugin cannot flood the -v log.
inline constexpr size_t k_max_stderr_line = 1000;
inline constexpr size_t k_max_stderr_lines = 100;

struct ProcessError
{
  enum class Kind
  {
    start,    // the program could not be started
    write,    // the request could not be written whole: the child closed its stdin or exited
    timeout,  // no whole answer line before the deadline
    exited,   // the child closed its stdout (usually: exited) before a whole answer line
    too_long, // an answer line longer than ProcessSpec::max_line, or more than one answer line
              // written before the whole request was read
  };
  Kind kind = Kind::start;
  // Whether the whole request line was handed to the child (written into the pipe): from then
  // on the child may have acted on it.
  bool request_written = false;
  std::string message;     // "exited with status 3", "no answer within 5s", ...
  std::string stderr_tail; // its last stderr line, if any, for the error message (unredacted)
};

class PluginProcess
{
public:
  // Starts `spec.program` with pipes for stdin, stdout and stderr, in its own process group,
  // with default signal dispositions (herald's ignored SIGPIPE is not inherited), in
  // `spec.working_dir`. The error names the program and the reason ("No such file or
  // directory").
  static Result<std::unique_ptr<PluginProcess>> start(ProcessSpec spec);

  // Stops the child as stop() does.
  ~PluginProcess();
  PluginProcess(const PluginProcess&) = delete;
  PluginProcess& operator=(const PluginProcess&) = delete;

  // Writes `line` and a newline to the child's stdin, then waits for one whole line on its
  // stdout (returned without the newline), both before `deadline`; stderr is passed on
  // meanwhile. After any error the child has been killed and reaped: the object is spent
  // (running() is false) and every later exchange fails with Kind::exited.
  Result<std::string, ProcessError> exchange(std::string_view line, Deadline deadline);

  // Whether the child has not exited (reaps it when it has).
  bool running();

  // Closes the child's stdin (a plugin's signal to exit), waits up to `grace` for it to exit
  // while passing on its stderr, then kills its process group; always reaps it. Idempotent.
  void stop(std::chrono::milliseconds grace);

  pid_t pid() const { return m_pid; }
  // How the child ended ("exited with status 3", "killed by signal 9"), once it has.
  const std::string& exit_description() const { return m_exit; }

private:
  explicit PluginProcess(ProcessSpec spec);

  void read_from(int& fd); // m_stdout or m_stderr; closes it at end of file
  // The most stdout kept at once: one answer line and its newline.
  size_t max_buffered() const { return m_spec.max_line + 1; }
  void take_stderr(std::string_view data);
  void flush_stderr_line();
  // Whether the child has read the whole request from the pipe.
  bool delivered() const;
  ProcessError fail(ProcessError::Kind kind, bool written, std::string message);
  // Waits until `until` for the child to exit and close stderr, passing stderr on.
  void settle(Deadline until);
  void reaped(int status);
  void kill_and_reap();
  static void close_fd(int& fd);

  ProcessSpec m_spec;
  pid_t m_pid = -1;
  int m_stdin = -1;
  int m_stdout = -1;
  int m_stderr = -1;
  std::string m_out;      // stdout read but not yet returned as a line
  std::string m_err_line; // the stderr line being read
  std::string m_err_last; // the last whole, non-empty stderr line
  size_t m_err_lines = 0; // stderr lines passed on in this exchange
  bool m_reaped = false;  // waitpid() has returned it
  bool m_spent = false;   // killed and reaped, or stopped: no more exchanges
  std::string m_exit;
};

} // namespace herald::platforms
