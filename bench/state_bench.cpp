// Benchmark of the state's backends side by side: a SQLite file, and a database on the
// PostgreSQL server that --pg names (e.g. scripts/pg-test-server.sh's, started with
// HERALD_PG_FSYNC=on so that commits are as durable as SQLite's synchronous=FULL).
//
// Prints medians, for each backend, of:
//   - firing N due posts (default 2,000) over 4 accounts from P processes at once (default 4),
//     the real herald binary against a loopback fake of Mastodon: posts per second together
//     (target on PostgreSQL: at least 1,000/s), after checking that every post arrived exactly
//     once;
//   - a cron tick on the unchanged calendar with nothing due (target: under 15 ms);
//   - on PostgreSQL, with --floor herald_pq_floor, the floor under that tick: a fresh process
//     that loads libpq, connects, runs `SELECT 1` and exits, timed in turns with the tick;
//   - on PostgreSQL, what libpq alone takes to connect, run `SELECT 1` and close, in process:
//     the floor under every command, most of it the password exchange (SCRAM-SHA-256 hashes the
//     password 4,096 times on the client, by design).
// PostgreSQL is measured as --pg names it (the test server's: TCP with a SCRAM password) and,
// with --pg-socket (default: the test server's Unix socket from HERALD_TEST_PG_DIR), over a
// Unix socket with local (peer or trust) authentication, as Debian's default pg_hba.conf has
// it for a PostgreSQL on the same host.
//
// Usage: herald_state_bench HERALD_BINARY --pg URL [--pg-socket URL] [--posts N]
//                           [--processes N] [--runs N] [--ticks N] [--floor HERALD_PQ_FLOOR]
#include "bench_util.hpp"
#include "fake_mastodon.hpp"

#include <fcntl.h>
#include <libpq-fe.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using herald::bench::FakeMastodon;
using herald::bench::k_token;
using herald::bench::median;
using herald::bench::spawn_quiet;
using herald::bench::write_mastodon_calendar;

namespace {

constexpr int k_accounts = 4;

void
wait_ok(pid_t pid)
{
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "herald_state_bench: a herald run failed (status %d)\n", status);
    std::exit(1);
  }
}

// Wall time of `processes` copies of `args` started together, until the last one ends.
double
run_together(const std::vector<std::string>& args, int processes)
{
  const auto start = std::chrono::steady_clock::now();
  std::vector<pid_t> pids;
  for (int p = 0; p < processes; ++p) {
    pids.push_back(spawn_quiet(args, "herald_state_bench"));
  }
  for (const pid_t pid : pids) {
    wait_ok(pid);
  }
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
    .count();
}

void
admin(const std::string& url, const std::string& sql)
{
  PGconn* conn = PQconnectdb(url.c_str());
  PGresult* result = PQexec(conn, sql.c_str());
  if (PQstatus(conn) != CONNECTION_OK || PQresultStatus(result) != PGRES_COMMAND_OK) {
    std::fprintf(stderr, "herald_state_bench: %s: %s\n", sql.c_str(), PQerrorMessage(conn));
    std::exit(1);
  }
  PQclear(result);
  PQfinish(conn);
}

// The URL of the test server's Unix socket (scripts/pg-test-server.sh: local connections
// are trusted, as peer authentication is for the owner on Debian).
std::string
socket_url(const std::string& dir, const std::string& port)
{
  return "postgresql:///postgres?host=" + dir + "&port=" + port + "&user=herald";
}

// What libpq alone takes to connect, ask `SELECT 1` and close, in milliseconds.
double
connect_ms(const std::string& url)
{
  const auto start = std::chrono::steady_clock::now();
  PGconn* conn = PQconnectdb(url.c_str());
  PGresult* result = PQexec(conn, "SELECT 1");
  if (PQresultStatus(result) != PGRES_TUPLES_OK) {
    std::fprintf(stderr, "herald_state_bench: %s\n", PQerrorMessage(conn));
    std::exit(1);
  }
  PQclear(result);
  PQfinish(conn);
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
    .count();
}

// A fresh state per run: a new file, or a new database on the server.
class Backend
{
public:
  Backend(std::string name, fs::path dir, std::string pg)
    : m_name(std::move(name))
    , m_dir(std::move(dir))
    , m_pg(std::move(pg))
  {
  }
  const std::string& name() const { return m_name; }
  const std::string& url() const { return m_pg; }

  std::string fresh()
  {
    ++m_count;
    if (m_pg.empty()) {
      return (m_dir / ("state" + std::to_string(m_count) + ".db")).string();
    }
    const std::string database =
      "herald_bench_" + std::to_string(::getpid()) + "_" + std::to_string(m_count);
    admin(m_pg, "CREATE DATABASE " + database);
    m_databases.push_back(database);
    // postgresql://user@host/db?query: the database is the path's last part, before any query.
    const auto query = m_pg.find('?');
    const std::string base = m_pg.substr(0, query);
    const std::string rest = query == std::string::npos ? "" : m_pg.substr(query);
    return base.substr(0, base.rfind('/')) + "/" + database + rest;
  }

  ~Backend()
  {
    for (const auto& database : m_databases) {
      admin(m_pg, "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }
  }

private:
  std::string m_name;
  fs::path m_dir;
  std::string m_pg;
  int m_count = 0;
  std::vector<std::string> m_databases;
};

} // namespace

int
main(int argc, char** argv)
{
  if (argc < 2) {
    std::fprintf(stderr, "usage: herald_state_bench HERALD_BINARY --pg URL [--posts N] "
                         "[--processes N] [--runs N] [--ticks N] [--floor HERALD_PQ_FLOOR]\n");
    return 2;
  }
  const std::string herald = fs::absolute(argv[1]).string();
  std::string pg = std::getenv("HERALD_TEST_PG") ? std::getenv("HERALD_TEST_PG") : "";
  std::string pg_socket;
  if (const char* dir = std::getenv("HERALD_TEST_PG_DIR")) {
    std::ifstream port_file(fs::path(dir) / "port");
    std::string port;
    if (port_file >> port) {
      pg_socket = socket_url(dir, port);
    }
  }
  int posts = 2000;
  int processes = 4;
  int runs = 5;
  int ticks = 30;
  std::string floor_program; // herald_pq_floor
  for (int i = 2; i + 1 < argc; i += 2) {
    const int value = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--pg")) {
      pg = argv[i + 1];
    } else if (!std::strcmp(argv[i], "--pg-socket")) {
      pg_socket = argv[i + 1];
    } else if (!std::strcmp(argv[i], "--posts")) {
      posts = value;
    } else if (!std::strcmp(argv[i], "--processes")) {
      processes = value;
    } else if (!std::strcmp(argv[i], "--runs")) {
      runs = value;
    } else if (!std::strcmp(argv[i], "--ticks")) {
      ticks = value;
    } else if (!std::strcmp(argv[i], "--floor")) {
      floor_program = fs::absolute(argv[i + 1]).string();
    }
  }
  if (pg.empty()) {
    std::fprintf(stderr, "herald_state_bench: --pg URL (or HERALD_TEST_PG) names the "
                         "PostgreSQL server; scripts/pg-test-server.sh starts one\n");
    return 2;
  }
  setenv("BENCH_MASTODON_TOKEN", k_token, 1);

  FakeMastodon fake;
  char dir_template[] = "/tmp/herald-state-bench-XXXXXX";
  const fs::path work = mkdtemp(dir_template);
  const fs::path calendar = work / "herald.yaml";
  write_mastodon_calendar(calendar, fake.url(), posts, k_accounts, "name: bench\n",
                          "BENCH_MASTODON_TOKEN", false);
  // An old file, as a calendar usually is: one written within the last second is read again
  // on every tick (herald cannot vouch for a fingerprint taken while it may still change).
  fs::last_write_time(calendar, fs::file_time_type::clock::now() - std::chrono::hours(1));

  std::vector<Backend*> backends{ new Backend("SQLite", work, ""),
                                  new Backend("PostgreSQL", work, pg) };
  if (!pg_socket.empty()) {
    backends.push_back(new Backend("PG socket", work, pg_socket));
  }
  for (auto* backend : backends) {
    std::vector<double> rates;
    for (int r = 0; r < runs; ++r) {
      const std::string state = backend->fresh();
      const std::vector<std::string> base{ herald, "-c", calendar.string(), "--state", state };
      fake.reset();
      auto learn = base;
      learn.insert(learn.end(), { "run", "--now", "2026-12-01T08:00:00Z" });
      run_together(learn, 1);
      auto fire = base;
      fire.insert(fire.end(), { "-q", "run", "--now", "2026-12-01T09:00:00Z" });
      const double ms = run_together(fire, processes);
      if (fake.statuses() != size_t(posts) || fake.requests() != size_t(posts)) {
        std::fprintf(stderr,
                     "herald_state_bench: %s: %zu statuses from %zu requests, expected %d\n",
                     backend->name().c_str(), fake.statuses(), fake.requests(), posts);
        return 1;
      }
      rates.push_back(posts / (ms / 1000));
    }

    // Nothing due, nothing changed: the cost of a cron tick. The calendar's posts are all
    // published by now, so the state is as large as after a real campaign.
    const std::string state = backend->fresh();
    const std::vector<std::string> tick{ herald, "-c",  calendar.string(), "--state",
                                         state,  "run", "--now",           "2026-12-01T07:00:00Z" };
    run_together(tick, 1);
    // The floor's runs alternate with the tick's, so that both meet the same noise.
    const bool with_floor = !floor_program.empty() && !backend->url().empty();
    std::vector<double> tick_ms;
    std::vector<double> floor_ms;
    for (int t = 0; t < ticks; ++t) {
      tick_ms.push_back(run_together(tick, 1));
      if (with_floor) {
        floor_ms.push_back(run_together({ floor_program, state }, 1));
      }
    }

    std::printf("%-10s fire %d due posts over %d accounts from %d processes  median %7.1f "
                "posts/s (min %.1f, max %.1f, n=%d)  target >= 1000 posts/s\n",
                backend->name().c_str(), posts, k_accounts, processes, median(rates),
                *std::min_element(rates.begin(), rates.end()),
                *std::max_element(rates.begin(), rates.end()), runs);
    std::printf("%-10s unchanged tick, %d-post calendar                median %7.2f ms (min "
                "%.2f, max %.2f, n=%d)  target < 15 ms\n",
                backend->name().c_str(), posts, median(tick_ms),
                *std::min_element(tick_ms.begin(), tick_ms.end()),
                *std::max_element(tick_ms.begin(), tick_ms.end()), ticks);
    if (with_floor) {
      std::printf("%-10s floor: a C program that loads libpq, connects, SELECT 1, exits  median "
                  "%7.2f ms (min %.2f, max %.2f, n=%d)\n",
                  backend->name().c_str(), median(floor_ms),
                  *std::min_element(floor_ms.begin(), floor_ms.end()),
                  *std::max_element(floor_ms.begin(), floor_ms.end()), ticks);
    }
    if (!backend->url().empty()) {
      std::vector<double> connect;
      for (int t = 0; t < ticks; ++t) {
        connect.push_back(connect_ms(backend->url()));
      }
      std::printf("%-10s libpq alone: connect, SELECT 1, close    median %7.2f ms (min %.2f, "
                  "max %.2f, n=%d)\n",
                  backend->name().c_str(), median(connect),
                  *std::min_element(connect.begin(), connect.end()),
                  *std::max_element(connect.begin(), connect.end()), ticks);
    }
    delete backend;
  }
  fs::remove_all(work);
  return 0;
}
