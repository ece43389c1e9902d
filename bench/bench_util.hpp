#pragma once
// What the benchmarks share: starting herald quietly, the median, and the calendar of Mastodon
// accounts they fire through the loopback fake.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace herald::bench {

inline double
median(std::vector<double> v)
{
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// Starts `args` with standard output to /dev/null. posix_spawn (a vfork underneath), not fork:
// the benchmark holds the fake server's threads, and copying its page tables would be timed as
// herald's start-up. Exits with a message when it cannot start.
inline pid_t
spawn_quiet(const std::vector<std::string>& args, const char* bench)
{
  std::vector<char*> argv;
  for (const auto& a : args) {
    argv.push_back(const_cast<char*>(a.c_str()));
  }
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) {
    std::fprintf(stderr, "%s: cannot start %s\n", bench, argv[0]);
    std::exit(1);
  }
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

// A calendar of `accounts` Mastodon accounts m0, m1... at `url`, each reading its token from
// `token_env` (with "_<n>" appended when `token_per_account`), and `posts` posts due over the
// ten minutes before 2026-12-01T09:00Z, within the default grace, spread over the accounts.
inline void
write_mastodon_calendar(const std::filesystem::path& path, const std::string& url, int posts,
                        int accounts, const std::string& header, const std::string& token_env,
                        bool token_per_account)
{
  std::ofstream out(path);
  out << header << "timezone: UTC\naccounts:\n";
  for (int a = 0; a < accounts; ++a) {
    out << "  m" << a << ":\n    platform: mastodon\n    url: " << url
        << "\n    token_env: " << token_env
        << (token_per_account ? "_" + std::to_string(a) : std::string()) << "\n";
  }
  out << (posts ? "posts:\n" : "posts: []\n");
  for (int i = 0; i < posts; ++i) {
    out << "  - id: p" << i << "\n    at: 2026-12-01T08:" << 50 + i % 10 << ":00Z\n    to: [m"
        << i % accounts << "]\n    text: Post " << i << " of the benchmark, https://example.org/"
        << i << "\n";
  }
}

} // namespace herald::bench
