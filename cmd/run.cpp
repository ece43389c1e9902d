// herald run: one cron tick - sync the calendar, publish what is due, say what happened.
#include "context.hpp"
#include "runner_options.hpp"

#include "app/jobs.hpp"
#include "app/tick.hpp"
#include "platforms/context.hpp"
#include "schedule/zone.hpp"
#include "store/state_location.hpp"
#include "util/duration.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

namespace herald::cmd {

namespace {

struct RunOptions
{
  std::string now;
  bool dry_run = false;
  bool strict = false;
  std::string catch_up;
  RunnerCliOptions runner;
};

std::string_view
colour_of(queue::Outcome::Kind kind)
{
  using K = queue::Outcome::Kind;
  switch (kind) {
  case K::posted:
  case K::already_posted:
    return "green";
  case K::due:
    return "bold";
  case K::retry_wait:
  case K::skipped:
  case K::missed:
    return "yellow";
  case K::failed:
  case K::unknown:
    return "red";
  }
  return "";
}

// --strict: a job that waits for a person (from this run or an earlier one) fails the run, so
// that a CI job or cron mail alerts until someone settles it.
void
report_unresolved(Context& context)
{
  app::JobQuery query;
  query.state = context.state_path();
  query.calendar = context.global.calendar;
  const auto list = app::jobs_needing_attention(query);
  if (list.jobs.empty()) {
    return;
  }
  std::string jobs;
  for (const auto& job : list.jobs) {
    jobs += fmt::format("{}{} ({})", jobs.empty() ? "" : ", ", job.id, store::to_string(job.state));
  }
  fmt::print(stderr, "herald: {} job{} need{} a person: {}; see herald status\n", list.jobs.size(),
             list.jobs.size() == 1 ? "" : "s", list.jobs.size() == 1 ? "s" : "", jobs);
  if (context.status == ExitStatus::ok) {
    context.status = ExitStatus::job_failed;
  }
}

// --catch-up 2026-12-01T08:00:00Z, or --catch-up 6h for "the last six hours".
TimePoint
catch_up_since(const std::string& value, TimePoint now)
{
  if (const auto duration = parse_duration(value)) {
    return now - *duration;
  }
  auto t = parse_rfc3339(value);
  if (!t) {
    throw Error(fmt::format("--catch-up: '{}' is neither a time (RFC 3339, e.g. "
                            "2026-12-01T08:00:00Z) nor a duration (e.g. 6h)",
                            value));
  }
  return *t;
}

void
run_run(const RunOptions& options, Context& context)
{
  context.load_credentials();
  app::TickOptions tick;
  tick.calendar = context.global.calendar;
  tick.state = context.state_path();
  tick.now = now_or(options.now);
  tick.dry_run = options.dry_run;
  tick.load.max_bytes = context.global.max_calendar_bytes;
  apply_runner_options(options.runner, tick.runner);
  if (!options.catch_up.empty()) {
    tick.runner.catch_up_since = catch_up_since(options.catch_up, tick.now);
  }

  // Adapters read "now" (Retry-After, rate-limit resets) from the same clock as the runner,
  // so that --now holds for every decision of the run.
  const FixedClock clock(tick.now);
  http::LogSink log = context.verbose_log();
  queue::RegistryAdapters adapters(platforms::default_context(
    clock, store::StateLocation(tick.state).local_dir(), std::move(log)));
  const auto report = app::run_tick(tick, adapters);
  context.print_diagnostics(report.diagnostics);
  context.status = report.exit_status();
  if (report.diagnostics.has_errors()) {
    context.print_error_summary(report.diagnostics,
                                "; nothing was published and the state is unchanged");
    return;
  }
  if (!context.global.quiet) {
    for (const auto& warning : report.sync.warnings) {
      fmt::print(stderr, "herald: warning: {}\n", shown(warning));
    }
  }
  if (context.global.verbose) {
    fmt::print(
      stderr, "herald: state {}; calendar {}; {} new, {} updated, {} cancelled, {} revived jobs\n",
      store::StateLocation(tick.state).display(),
      report.calendar_read  ? "read"
      : report.copy_differs ? "unchanged here (not read; another host synced another "
                              "copy since, which the jobs follow)"
                            : "unchanged (not read)",
      report.sync.inserted, report.sync.updated, report.sync.cancelled, report.sync.revived);
  }

  print_outcomes(report.outcomes, context);
  if (options.strict) {
    report_unresolved(context);
  }
}

} // namespace

void
print_outcomes(const std::vector<queue::Outcome>& outcomes, const Context& context)
{
  for (const auto& outcome : outcomes) {
    const auto& job = outcome.job;
    if (context.global.json) {
      fmt::print("{}\n", job_line(job, queue::to_string(outcome.kind), outcome.message));
      continue;
    }
    // Quiet on success, as cron expects: -q keeps only what needs a person.
    if (context.global.quiet && !outcome.is_failure) {
      continue;
    }
    const std::string status = fmt::format("{:<10}", queue::to_string(outcome.kind));
    const std::string detail = outcome.kind == queue::Outcome::Kind::posted ||
                                   outcome.kind == queue::Outcome::Kind::already_posted
                                 ? job.url
                               : outcome.kind == queue::Outcome::Kind::due
                                 ? fmt::format("due {}", format_utc(job.due))
                                 : outcome.message;
    fmt::print("{} {}  {}\n", context.paint(status, colour_of(outcome.kind)), shown(job.id),
               shown(detail));
  }
}

void
setup_run(CLI::App& app, Context& context)
{
  auto options = std::make_shared<RunOptions>();
  auto* sub = app.add_subcommand("run", "One cron tick: sync the calendar and publish what is due");
  sub->add_option("--now", options->now, "Pretend the time is this (RFC 3339)");
  sub->add_flag("-n,--dry-run", options->dry_run,
                "Show what is due without publishing or changing the state");
  sub->add_flag("--strict", options->strict,
                "Exit 1 while any job waits for a person (unknown, failed or missed), "
                "not only when this run failed one");
  sub->add_option("--catch-up", options->catch_up,
                  "Publish what came due since this time (RFC 3339) or this long ago (6h), "
                  "however late, missed jobs too");
  add_runner_options(*sub, options->runner);
  sub->callback([options, &context] { run_run(*options, context); });
}

} // namespace herald::cmd
