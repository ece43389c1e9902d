// herald report [collect]: what the published posts did, from snapshots that `collect` takes.
#include "app/report.hpp"

#include "context.hpp"
#include "report/format.hpp"

#include "store/state_location.hpp"
#include "util/atomic_file.hpp"
#include "util/duration.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>

namespace herald::cmd {

namespace {

struct ReportOptions
{
  std::string since = "30d";
  std::string by = "post";
  std::string format; // empty: table, or json with --json
  std::string clicks;
  std::string html;
  std::string now;
};

struct CollectOptions
{
  std::string now;
};

// Whether the terminal takes UTF-8, for the sparkline's block characters (the first of
// LC_ALL, LC_CTYPE and LANG that is set decides, as setlocale(3) does).
bool
utf8_locale()
{
  for (const char* name : { "LC_ALL", "LC_CTYPE", "LANG" }) {
    const char* value = std::getenv(name);
    if (value && *value) {
      std::string text(value);
      for (auto& c : text) {
        c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
      }
      return text.find("UTF-8") != std::string::npos || text.find("UTF8") != std::string::npos;
    }
  }
  return false;
}

bool
calendar_ok(const calendar::LoadResult& loaded, Context& context, std::string_view suffix)
{
  if (loaded.calendar && !loaded.diagnostics.has_errors()) {
    return true;
  }
  context.print_diagnostics(loaded.diagnostics);
  context.print_error_summary(loaded.diagnostics, suffix);
  context.status = ExitStatus::usage;
  return false;
}

} // namespace

app::CollectRun
collect_metrics(const Context& context, const Clock& clock)
{
  http::LogSink log = context.verbose_log();
  const auto state = context.state_path();
  calendar::LoadOptions load;
  load.max_bytes = context.global.max_calendar_bytes;
  return app::collect_metrics(
    context.global.calendar, state, load,
    platforms::default_context(clock, store::StateLocation(state).local_dir(), std::move(log)));
}

void
print_collect_problems(const report::CollectResult& result, const Context& context)
{
  // Quiet on success: only what went wrong, on stderr.
  for (const auto& a : result.accounts) {
    if (a.status == report::AccountOutcome::Status::failed ||
        a.status == report::AccountOutcome::Status::partial) {
      fmt::print(stderr, "herald: {}: account '{}' ({}): {}\n",
                 a.status == report::AccountOutcome::Status::failed ? "error" : "warning",
                 a.account, a.platform, shown(a.error));
    } else if (a.status == report::AccountOutcome::Status::skipped && context.global.verbose) {
      fmt::print(stderr, "herald: account '{}': {}\n", a.account, shown(a.error));
    }
  }
}

namespace {

void
run_collect(const CollectOptions& options, Context& context)
{
  context.load_credentials();
  const FixedClock clock(now_or(options.now));
  const auto run = collect_metrics(context, clock);
  if (!calendar_ok(run.loaded, context, "; nothing collected")) {
    return;
  }
  if (run.result.failed()) {
    context.status = ExitStatus::job_failed;
  }
  if (context.global.json) {
    auto accounts = nlohmann::json::array();
    for (const auto& a : run.result.accounts) {
      nlohmann::json j = { { "account", a.account },
                           { "platform", a.platform },
                           { "status", std::string(report::to_string(a.status)) },
                           { "posts", a.posts_asked },
                           { "counted", a.posts_counted } };
      j["followers"] = a.followers ? nlohmann::json(*a.followers) : nlohmann::json(nullptr);
      if (!a.error.empty()) {
        j["error"] = a.error;
      }
      accounts.push_back(std::move(j));
    }
    fmt::print("{}\n", json_text(nlohmann::json{ { "at", format_utc(clock.now()) },
                                                 { "posts", run.result.post_snapshots.size() },
                                                 { "accounts", accounts } },
                                 2));
    return;
  }
  print_collect_problems(run.result, context);
}

void
run_report(const ReportOptions& options, Context& context)
{
  context.load_credentials();
  const auto since = parse_duration(options.since);
  if (!since) {
    throw Error(fmt::format("--since: {}", since.error()));
  }
  app::ReportQuery query;
  query.calendar = context.global.calendar;
  query.state = context.state_path();
  query.options.max_bytes = context.global.max_calendar_bytes;
  query.now = now_or(options.now);
  query.since = *since;
  query.by = *report::parse_grouping(options.by); // checked by CLI11
  if (!options.clicks.empty()) {
    query.clicks = options.clicks;
  }
  const auto run = app::make_report(query);
  if (!calendar_ok(run.loaded, context, "; no report")) {
    return;
  }
  if (!run.problem.empty()) {
    throw Error(fmt::format("--clicks: {}", run.problem));
  }
  if (!options.html.empty()) {
    // Atomically, as the stub outbox: a page being written is never served half, and a
    // symlink planted at the name is replaced, not followed.
    const auto written = write_file_atomically(
      options.html, report::format_html(run.report, run.title, run.zone), 0666);
    if (!written) {
      throw Error(fmt::format("--html: {}", written.error()));
    }
  }
  const std::string format =
    !options.format.empty() ? options.format : (context.global.json ? "json" : "table");
  if (format == "json") {
    fmt::print("{}\n", json_text(report::to_json(run.report, run.zone), 2));
  } else if (format == "csv") {
    fmt::print("{}", report::format_csv(run.report));
  } else if (options.html.empty() || !context.global.quiet) {
    fmt::print("{}", report::format_table(run.report, run.zone, utf8_locale()));
  }
}

} // namespace

void
setup_report(CLI::App& app, Context& context)
{
  auto options = std::make_shared<ReportOptions>();
  auto* sub = app.add_subcommand(
    "report", "Show what the published posts did: engagement, follower growth, clicks");
  sub->add_option("--since", options->since,
                  "The window: posts published this long before now (default 30d)");
  sub->add_option("--by", options->by, "Rows per post, campaign, account, weekday or hour")
    ->check(CLI::IsMember({ "post", "campaign", "account", "weekday", "hour" }));
  sub->add_option("--format", options->format, "table (default), csv or json")
    ->check(CLI::IsMember({ "table", "csv", "json" }));
  sub->add_option("--clicks", options->clicks,
                  "A web-analytics CSV export (utm_campaign, utm_content, clicks or sessions, "
                  "conversions) to join");
  sub->add_option("--html", options->html, "Also write a self-contained HTML page with charts");
  sub->add_option("--now", options->now, "Pretend it is this time (RFC 3339)");
  sub->callback([options, &context, sub] {
    if (sub->get_subcommands().empty()) {
      run_report(*options, context);
    }
  });

  auto collect_options = std::make_shared<CollectOptions>();
  auto* collect = sub->add_subcommand(
    "collect", "Store a snapshot of every published post's counts and every account's followers");
  collect->add_option("--now", collect_options->now, "Pretend it is this time (RFC 3339)");
  collect->callback([collect_options, &context] { run_collect(*collect_options, context); });
}

} // namespace herald::cmd
