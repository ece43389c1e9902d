// Benchmark of publishing through a real adapter: the real herald binary against a loopback
// fake of Mastodon's POST /api/v1/statuses and of what herald reads before the first send of a
// one-off post (verify_credentials, the account's statuses, a status's source; tests/unit/
// http_fake), so it measures herald's own work (store transactions, libcurl, JSON) and not a
// network.
//
// Prints medians of:
//   - `herald run` firing N due posts (default 2,000) spread over 4 accounts: posts per second
//     (target: at least 500/s), after checking that every post arrived exactly once; and the same
//     over 2 Mastodon accounts, one X account (OAuth 1.0a: every request signed) and one
//     LinkedIn account (the version headers, the little-text escaping), target at least
//     1,000/s;
//   - `herald post` of one post to two accounts: wall time (target: under 10 ms), with a
//     calendar that holds just the accounts (as a CI job's config does), and with the
//     2,000-post calendar, whose posts `herald post` skips (target: within 1 ms of the first);
//   - `herald post` of one post to one account on a warm state (one that earlier posts used;
//     target: under 8 ms)
//     beside the same on a fresh state (a CI runner's: the state is created, and the platform
//     is asked first, as on the warm one), and a re-run on a fresh state of a post that is out
//     already (found by the look-up, nothing sent). Target: fresh within 1.5x of warm.
//
// Usage: herald_fire_bench HERALD_BINARY [--posts N] [--runs N] [--post-runs N]
//        herald_fire_bench --serve   (the fake alone, for profiling one `herald post` by hand:
//                                     prints the calendar and environment, runs until killed)
#include "bench_util.hpp"
#include "fake_linkedin.hpp"
#include "fake_mastodon.hpp"
#include "fake_x.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using herald::bench::FakeLinkedin;
using herald::bench::FakeMastodon;
using herald::bench::FakeX;
using herald::bench::k_token;
using herald::bench::median;
using herald::bench::spawn_quiet;
using herald::bench::write_mastodon_calendar;

namespace {

constexpr int k_accounts = 4;

double
run(const std::vector<std::string>& args)
{
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = spawn_quiet(args, "herald_fire_bench");
  int status = 0;
  waitpid(pid, &status, 0);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "herald_fire_bench: herald %s failed (status %d)\n", args[5].c_str(),
                 status);
    std::exit(1);
  }
  return std::chrono::duration<double, std::milli>(elapsed).count();
}

void
remove_state(const fs::path& state)
{
  for (const char* suffix : { "", "-wal", "-shm" }) {
    fs::remove(state.string() + suffix);
  }
}

// The fake and a one-account calendar, for strace/perf runs of a single `herald post`.
[[noreturn]] void
serve()
{
  FakeMastodon fake;
  char dir_template[] = "/tmp/herald-fire-serve-XXXXXX";
  const fs::path work = mkdtemp(dir_template);
  write_mastodon_calendar(work / "herald.yaml", fake.url(), 0, 1, "", "BENCH_MASTODON_TOKEN",
                          false);
  std::printf("export BENCH_MASTODON_TOKEN=%s\n"
              "herald -c %s --state %s post --to m0 --text \"...\"\n",
              k_token, (work / "herald.yaml").c_str(), (work / "state.db").c_str());
  std::fflush(stdout);
  for (;;) {
    pause();
  }
}

// The benchmark's calendar with its last two accounts on X and LinkedIn instead of Mastodon.
void
write_mixed_calendar(const fs::path& path, const std::string& mastodon_url,
                     const std::string& x_url, const std::string& linkedin_url, int posts)
{
  write_mastodon_calendar(path, mastodon_url, 0, k_accounts - 2, "", "BENCH_MASTODON_TOKEN", true);
  std::string text;
  {
    std::ifstream in(path);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  text = text.substr(0, text.find("posts:"));
  std::ofstream out(path);
  out << text << "  m" << k_accounts - 2 << ":\n    platform: x\n    url: " << x_url
      << "\n    consumer_key_env: BENCH_X_KEY\n    consumer_secret_env: BENCH_X_SECRET\n"
         "    access_token_env: BENCH_X_TOKEN\n    access_token_secret_env: BENCH_X_TOKEN_SECRET\n"
      << "  m" << k_accounts - 1 << ":\n    platform: linkedin\n    url: " << linkedin_url
      << "\n    token_env: BENCH_LINKEDIN_TOKEN\n"
      << "posts:\n";
  for (int i = 0; i < posts; ++i) {
    out << "  - id: p" << i << "\n    at: 2026-12-01T08:" << 50 + i % 10 << ":00Z\n    to: [m"
        << i % k_accounts << "]\n    text: Post " << i << " of the benchmark, https://example.org/"
        << i << "\n";
  }
}

} // namespace

int
main(int argc, char** argv)
{
  if (argc == 2 && !std::strcmp(argv[1], "--serve")) {
    serve();
  }
  if (argc < 2) {
    std::fprintf(stderr, "usage: herald_fire_bench HERALD_BINARY [--posts N] [--runs N] "
                         "[--post-runs N]\n");
    return 2;
  }
  const std::string herald = fs::absolute(argv[1]).string();
  int posts = 2000;
  int runs = 5;
  int post_runs = 30;
  for (int i = 2; i + 1 < argc; i += 2) {
    const int value = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--posts")) {
      posts = value;
    } else if (!std::strcmp(argv[i], "--runs")) {
      runs = value;
    } else if (!std::strcmp(argv[i], "--post-runs")) {
      post_runs = value;
    }
  }
  for (int a = 0; a < k_accounts; ++a) {
    setenv(("BENCH_MASTODON_TOKEN_" + std::to_string(a)).c_str(),
           (std::string(k_token) + "-" + std::to_string(a)).c_str(), 1);
  }

  FakeMastodon fake;
  char dir_template[] = "/tmp/herald-fire-bench-XXXXXX";
  const fs::path work = mkdtemp(dir_template);
  const fs::path calendar = work / "herald.yaml";
  const fs::path state = work / "state.db";
  write_mastodon_calendar(calendar, fake.url(), posts, k_accounts, "", "BENCH_MASTODON_TOKEN",
                          true);
  const std::vector<std::string> base{ herald, "-c", calendar.string(), "--state", state.string() };

  std::vector<double> rates;
  std::vector<double> fire_ms;
  for (int r = 0; r < runs; ++r) {
    remove_state(state);
    fake.reset();
    // The first tick learns the calendar before anything is due; the second fires it all.
    auto learn = base;
    learn.insert(learn.end(), { "run", "--now", "2026-12-01T08:00:00Z" });
    run(learn);
    auto fire = base;
    fire.insert(fire.end(), { "-q", "run", "--now", "2026-12-01T09:00:00Z" });
    const double ms = run(fire);
    if (fake.statuses() != size_t(posts) || fake.requests() != size_t(posts)) {
      std::fprintf(stderr,
                   "herald_fire_bench: %zu statuses from %zu requests, expected %d of each\n",
                   fake.statuses(), fake.requests(), posts);
      return 1;
    }
    fire_ms.push_back(ms);
    rates.push_back(posts / (ms / 1000));
  }

  // The same with an X and a LinkedIn account among the four.
  for (const char* name :
       { "BENCH_X_KEY", "BENCH_X_SECRET", "BENCH_X_TOKEN", "BENCH_X_TOKEN_SECRET" }) {
    setenv(name, "bench-x-credential", 1);
  }
  setenv("BENCH_LINKEDIN_TOKEN", "bench-linkedin-token", 1);
  FakeX fake_x;
  FakeLinkedin fake_linkedin("bench-linkedin-token");
  const fs::path mixed = work / "mixed.yaml";
  write_mixed_calendar(mixed, fake.url(), fake_x.url(), fake_linkedin.url(), posts);
  std::vector<double> mixed_rates;
  for (int r = 0; r < runs; ++r) {
    remove_state(state);
    fake.reset();
    fake_x.reset();
    fake_linkedin.reset();
    const std::vector<std::string> mixed_base{ herald, "-c", mixed.string(), "--state",
                                               state.string() };
    auto learn = mixed_base;
    learn.insert(learn.end(), { "run", "--now", "2026-12-01T08:00:00Z" });
    run(learn);
    auto fire = mixed_base;
    fire.insert(fire.end(), { "-q", "run", "--now", "2026-12-01T09:00:00Z" });
    const double ms = run(fire);
    // Posts go round the accounts: m2 (X) and m3 (LinkedIn) take every fourth.
    const auto share = [&](int account) {
      return size_t(posts / k_accounts + (posts % k_accounts > account ? 1 : 0));
    };
    const size_t on_x = share(k_accounts - 2);
    const size_t on_linkedin = share(k_accounts - 1);
    const size_t on_mastodon = size_t(posts) - on_x - on_linkedin;
    if (fake.statuses() != on_mastodon || fake.requests() != on_mastodon ||
        fake_x.tweets() != on_x || fake_x.requests() != on_x ||
        fake_linkedin.posts() != on_linkedin || fake_linkedin.requests() != on_linkedin) {
      std::fprintf(stderr,
                   "herald_fire_bench: %zu statuses (%zu requests), %zu X posts (%zu requests) "
                   "and %zu LinkedIn posts (%zu requests), expected %zu, %zu and %zu\n",
                   fake.statuses(), fake.requests(), fake_x.tweets(), fake_x.requests(),
                   fake_linkedin.posts(), fake_linkedin.requests(), on_mastodon, on_x, on_linkedin);
      return 1;
    }
    mixed_rates.push_back(posts / (ms / 1000));
  }

  const fs::path accounts_only = work / "accounts.yaml";
  write_mastodon_calendar(accounts_only, fake.url(), 0, k_accounts, "", "BENCH_MASTODON_TOKEN",
                          true);
  const auto time_posts = [&](const fs::path& file) {
    std::vector<double> ms;
    fake.reset();
    for (int r = 0; r < post_runs; ++r) {
      const std::vector<std::string> post{ herald,
                                           "-c",
                                           file.string(),
                                           "--state",
                                           state.string(),
                                           "-q",
                                           "post",
                                           "--to",
                                           "m0,m1",
                                           "--text",
                                           "herald " + std::to_string(r) + " is out" };
      ms.push_back(run(post));
    }
    if (fake.statuses() != size_t(2 * post_runs)) {
      std::fprintf(stderr, "herald_fire_bench: herald post made %zu statuses, expected %d\n",
                   fake.statuses(), 2 * post_runs);
      std::exit(1);
    }
    return ms;
  };
  const auto post_ms = time_posts(accounts_only);
  const auto post_big_ms = time_posts(calendar);

  // One account, one post per run: on a warm state (kept between the runs, so each run's post
  // is new to it and the platform is asked first all the same), on a fresh state each time, and
  // a fresh-state re-run of a post that is out already.
  const auto one_post = [&](const fs::path& state_file, const std::string& text) {
    return std::vector<std::string>{ herald,
                                     "-c",
                                     accounts_only.string(),
                                     "--state",
                                     state_file.string(),
                                     "-q",
                                     "post",
                                     "--to",
                                     "m0",
                                     "--text",
                                     text };
  };
  fake.reset();
  remove_state(state);
  run(one_post(state, "warming up the state"));
  std::vector<double> warm_ms;
  std::vector<double> fresh_ms;
  std::vector<double> rerun_ms;
  for (int r = 0; r < post_runs; ++r) {
    // Interleaved, so that a noisy neighbour slows both alike.
    warm_ms.push_back(run(one_post(state, "warm " + std::to_string(r) + " is out")));
    const fs::path fresh = work / ("fresh-" + std::to_string(r) + ".db");
    fresh_ms.push_back(run(one_post(fresh, "fresh " + std::to_string(r) + " is out")));
    const fs::path again = work / ("again-" + std::to_string(r) + ".db");
    rerun_ms.push_back(run(one_post(again, "fresh " + std::to_string(r) + " is out")));
    remove_state(fresh);
    remove_state(again);
  }
  if (fake.statuses() != size_t(1 + 2 * post_runs)) {
    std::fprintf(stderr, "herald_fire_bench: warm and fresh posts made %zu statuses, expected %d\n",
                 fake.statuses(), 1 + 2 * post_runs);
    return 1;
  }

  std::printf("fire %d due posts over %d accounts   median %7.1f posts/s (%.0f ms; min %.1f, "
              "max %.1f posts/s, n=%d)  target >= 500 posts/s\n",
              posts, k_accounts, median(rates), median(fire_ms),
              *std::min_element(rates.begin(), rates.end()),
              *std::max_element(rates.begin(), rates.end()), runs);
  std::printf(
    "  2 Mastodon, 1 X and 1 LinkedIn   median %7.1f posts/s (min %.1f, max %.1f posts/s, "
    "n=%d)  target >= 1,000 posts/s\n",
    median(mixed_rates), *std::min_element(mixed_rates.begin(), mixed_rates.end()),
    *std::max_element(mixed_rates.begin(), mixed_rates.end()), runs);
  std::printf("herald post to 2 accounts         median %7.2f ms (min %.2f, max %.2f, n=%d)  "
              "target < 10 ms\n",
              median(post_ms), *std::min_element(post_ms.begin(), post_ms.end()),
              *std::max_element(post_ms.begin(), post_ms.end()), post_runs);
  std::printf("  the same, %d-post calendar      median %7.2f ms (min %.2f, max %.2f, n=%d)  "
              "%+.2f ms, target within 1 ms of the empty one\n",
              posts, median(post_big_ms), *std::min_element(post_big_ms.begin(), post_big_ms.end()),
              *std::max_element(post_big_ms.begin(), post_big_ms.end()), post_runs,
              median(post_big_ms) - median(post_ms));
  const double warm = median(warm_ms);
  const double fresh = median(fresh_ms);
  std::printf("herald post to 1 account, warm    median %7.2f ms (min %.2f, max %.2f, n=%d)  "
              "target < 8 ms\n",
              warm, *std::min_element(warm_ms.begin(), warm_ms.end()),
              *std::max_element(warm_ms.begin(), warm_ms.end()), post_runs);
  std::printf("  fresh state, with the look-up    median %7.2f ms (min %.2f, max %.2f, n=%d)  "
              "%.2fx warm, target <= 1.5x\n",
              fresh, *std::min_element(fresh_ms.begin(), fresh_ms.end()),
              *std::max_element(fresh_ms.begin(), fresh_ms.end()), post_runs, fresh / warm);
  std::printf("  fresh re-run, found, not sent    median %7.2f ms (min %.2f, max %.2f, n=%d)\n",
              median(rerun_ms), *std::min_element(rerun_ms.begin(), rerun_ms.end()),
              *std::max_element(rerun_ms.begin(), rerun_ms.end()), post_runs);
  fs::remove_all(work);
  return 0;
}
