// herald daemon: tick, sleep until the next due job, tick again; reload on edit or SIGHUP, stop
// cleanly on SIGTERM/SIGINT.
#include "app/daemon.hpp"

#include "context.hpp"
#include "runner_options.hpp"

#include "platforms/context.hpp"
#include "schedule/zone.hpp"
#include "store/state_location.hpp"
#include "util/duration.hpp"

#include <fmt/core.h>

#include <unistd.h>

#include <cstdio>
#include <optional>

namespace herald::cmd {

namespace {

struct DaemonCliOptions
{
  RunnerCliOptions runner;
  unsigned max_sleep = 60;
  unsigned grace = 45;
  std::string collect_every; // a duration; empty: no metric snapshots
};

std::string
diagnostics_text(const Diagnostics& diagnostics)
{
  std::string text;
  for (const auto& d : diagnostics.all()) {
    text += d.to_string() + "\n";
  }
  return text;
}

void
run_daemon_command(const DaemonCliOptions& cli, Context& context)
{
  context.load_credentials();
  std::optional<std::chrono::seconds> collect_every;
  if (!cli.collect_every.empty()) {
    const auto every = parse_duration(cli.collect_every);
    if (!every || every->count() <= 0) {
      throw Error(
        fmt::format("--collect-every: {}", every ? "must be longer than 0s" : every.error()));
    }
    collect_every = *every;
  }
  app::DaemonOptions options;
  options.tick.calendar = context.global.calendar;
  options.tick.state = context.state_path();
  options.tick.load.max_bytes = context.global.max_calendar_bytes;
  apply_runner_options(cli.runner, options.tick.runner);
  options.max_sleep = std::chrono::seconds(cli.max_sleep);
  options.watch_interval = std::min(options.max_sleep, std::chrono::seconds(2));

  const SystemClock clock;
  http::LogSink log = context.verbose_log();
  queue::RegistryAdapters adapters(platforms::default_context(
    clock, store::StateLocation(options.tick.state).local_dir(), std::move(log)));

  const app::Waker waker;
  app::install_daemon_signals(waker, std::chrono::seconds(cli.grace));

  // An invalid calendar is re-read on every wake until it is fixed: say so once per edit.
  std::string last_invalid;
  bool first = true;
  std::optional<TimePoint> last_collect;
  app::DaemonHooks hooks;
  hooks.on_tick = [&](const app::TickReport& report, bool reload) {
    if (report.diagnostics.has_errors()) {
      const std::string text = diagnostics_text(report.diagnostics);
      if (text != last_invalid) {
        context.print_diagnostics(report.diagnostics);
        context.print_error_summary(report.diagnostics, report.calendar_key.empty()
                                                          ? "; nothing to run yet"
                                                          : "; keeping the last good calendar");
      }
      last_invalid = text;
    } else {
      last_invalid.clear();
      if (report.calendar_read) {
        context.print_diagnostics(report.diagnostics); // warnings
        if (!context.global.quiet) {
          for (const auto& warning : report.sync.warnings) {
            fmt::print(stderr, "herald: warning: {}\n", shown(warning));
          }
          if (!first || context.global.verbose) {
            fmt::print(stderr, "herald: {} {}: {} new, {} updated, {} cancelled, {} revived jobs\n",
                       first ? "loaded" : "reloaded", context.global.calendar, report.sync.inserted,
                       report.sync.updated, report.sync.cancelled, report.sync.revived);
          }
        }
      } else if (reload && context.global.verbose) {
        fmt::print(stderr, "herald: reload: {} is unchanged\n", context.global.calendar);
      }
    }
    first = false;
    print_outcomes(report.outcomes, context);
    // `herald report collect` on the daemon's clock: at the first tick, then once per interval
    // (within --max-sleep of it).
    const TimePoint now = clock.now();
    if (collect_every && !report.diagnostics.has_errors() &&
        (!last_collect || now - *last_collect >= *collect_every)) {
      last_collect = now;
      try {
        print_collect_problems(collect_metrics(context, clock).result, context);
      } catch (const std::exception& e) {
        fmt::print(stderr, "herald: error: collecting metrics: {}; trying again later\n",
                   shown_text(e.what()));
      }
    }
    // The daemon's log goes on when it cannot be flushed (a full disk): there is nowhere to say so.
    (void)std::fflush(stdout);
    (void)std::fflush(stderr);
  };
  hooks.on_error = [&](const std::exception& e) {
    fmt::print(stderr, "herald: error: {}; trying again later\n", shown_text(e.what()));
    (void)std::fflush(stderr);
  };
  hooks.on_sleep = [&](TimePoint until) {
    if (context.global.verbose) {
      fmt::print(stderr, "herald: sleeping until {}\n", format_utc(until));
      (void)std::fflush(stderr);
    }
  };
  context.status = app::run_daemon(options, adapters, waker, hooks);
  ::alarm(0); // the grace period of a SIGTERM is over: the daemon stopped by itself
  if (context.global.verbose) {
    fmt::print(stderr, "herald: stopped\n");
  }
}

} // namespace

void
setup_daemon(CLI::App& app, Context& context)
{
  auto options = std::make_shared<DaemonCliOptions>();
  auto* sub = app.add_subcommand(
    "daemon", "Keep running: publish each post when it comes due, reload the calendar on edits");
  add_runner_options(*sub, options->runner);
  sub
    ->add_option("--max-sleep", options->max_sleep,
                 "Wake at least this often (seconds) to re-check the calendar and the state")
    ->capture_default_str()
    ->check(CLI::Range(1, 3600));
  sub
    ->add_option("--grace", options->grace,
                 "After SIGTERM, wait this long (seconds) for publishing to finish, then exit")
    ->capture_default_str()
    ->check(CLI::Range(1, 3600));
  sub->add_option("--collect-every", options->collect_every,
                  "Also store metric snapshots (herald report collect) this often, e.g. 1h");
  sub->callback([options, &context] { run_daemon_command(*options, context); });
}

} // namespace herald::cmd
