#include "external.hpp"

#include "http/url_policy.hpp"
#include "text/utf8.hpp"

#include <fmt/core.h>

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <system_error>
#include <vector>

extern char** environ;

namespace herald::engage {

namespace {

// Runs argv[0] (looked up in PATH) with the terminal herald has, and waits for it.
Result<void>
run(const std::vector<std::string>& args)
{
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (const auto& a : args) {
    argv.push_back(const_cast<char*>(a.c_str()));
  }
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ);
  if (rc != 0) {
    return unexpected(
      fmt::format("cannot start {}: {}", args.front(), std::generic_category().message(rc)));
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      return unexpected(
        fmt::format("{}: {}", args.front(), std::generic_category().message(errno)));
    }
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return unexpected(fmt::format("{} did not finish well ({})", args.front(),
                                  WIFEXITED(status)
                                    ? fmt::format("exit status {}", WEXITSTATUS(status))
                                    : fmt::format("signal {}", WTERMSIG(status))));
  }
  return {};
}

} // namespace

Result<std::string>
edit_text(const std::string& editor, const std::string& initial, const std::filesystem::path& dir)
{
  std::string pattern = (dir / "herald-reply-XXXXXX.txt").string();
  const int fd = ::mkstemps(pattern.data(), 4);
  if (fd < 0) {
    return unexpected(fmt::format("cannot create a file in {}: {}", dir.string(),
                                  std::generic_category().message(errno)));
  }
  ::close(fd);
  const std::filesystem::path file = pattern;
  {
    std::ofstream out(file);
    out << initial;
  }
  // Through the shell, so that "code --wait" works as $EDITOR does everywhere; the file name is
  // an argument, never part of the command text.
  auto ran = run({ "/bin/sh", "-c", editor + " \"$1\"", "sh", file.string() });
  std::ifstream in(file);
  std::ostringstream text;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with("#")) {
      text << line << '\n';
    }
  }
  std::error_code ignored;
  std::filesystem::remove(file, ignored);
  if (!ran) {
    return unexpected(ran.error());
  }
  return text.str();
}

Result<void>
open_in_browser(const std::string& url)
{
  // The address comes from a platform: a file:// URL, a "--help" or a local program's scheme
  // is not opened. No "--" before it: xdg-open refuses "--" as an unknown option, and an
  // address that starts with http:// or https:// cannot be read as one.
  if (auto checked = http::check_web_url(url); !checked) {
    return unexpected(
      fmt::format("not opening '{}': {}", text::terminal_line(url), checked.error()));
  }
  return run({ "xdg-open", url });
}

} // namespace herald::engage
