// herald validate: check the calendar and report every problem at once.
#include "context.hpp"
#include "http/transport.hpp"

#include "app/accounts.hpp"
#include "app/content_check.hpp"
#include "app/tick.hpp"
#include "app/timing_check.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

namespace herald::cmd {

namespace {

nlohmann::json
to_json(const Diagnostic& d)
{
  return { { "file", d.pos.file },
           { "line", d.pos.line },
           { "column", d.pos.column },
           { "severity", d.severity == Severity::error ? "error" : "warning" },
           { "message", d.message } };
}

struct ValidateOptions
{
  // Empty: every account's secrets must be set. Else only these accounts' (the ones a CI job
  // that runs `herald post --to a,b` has); everything else is checked all the same.
  std::vector<std::string> accounts;
  std::string now; // for the warnings about time
};

void
run_validate(const ValidateOptions& validate, Context& context)
{
  context.load_credentials();
  calendar::LoadOptions options;
  options.max_bytes = context.global.max_calendar_bytes;
  auto loaded = app::load_checked(context.global.calendar, options);
  if (loaded.calendar && !validate.accounts.empty()) {
    app::keep_secrets_of(*loaded.calendar, validate.accounts, loaded.diagnostics);
  }
  if (loaded.calendar) {
    // Plugins are asked here only: run and plan never start a plugin to read a calendar.
    http::LogSink log = context.verbose_log();
    app::check_with_platforms(*loaded.calendar, loaded.diagnostics, log);
    if (!loaded.diagnostics.has_errors()) { // about a calendar that can run at all
      app::check_timing(*loaded.calendar, context.global.calendar, now_or(validate.now),
                        loaded.diagnostics);
    }
    loaded.diagnostics.sort();
  }
  const auto& diagnostics = loaded.diagnostics;
  const bool valid = !diagnostics.has_errors();
  context.status = valid ? ExitStatus::ok : ExitStatus::usage;

  if (context.global.json) {
    nlohmann::json out = { { "calendar", context.global.calendar }, { "valid", valid } };
    out["diagnostics"] = nlohmann::json::array();
    for (const auto& d : diagnostics.all()) {
      out["diagnostics"].push_back(to_json(d));
    }
    if (loaded.calendar) {
      out["posts"] = loaded.calendar->posts.size();
      out["accounts"] = loaded.calendar->accounts.size();
    }
    fmt::print("{}\n", json_text(out, 2));
    return;
  }
  context.print_diagnostics(diagnostics);
  if (!valid) {
    context.print_error_summary(diagnostics);
    return;
  }
  if (!context.global.quiet) {
    const size_t posts = loaded.calendar->posts.size();
    const size_t accounts = loaded.calendar->accounts.size();
    fmt::print("{}: {} ({} post{}, {} account{})\n", context.global.calendar,
               context.paint("OK", "green"), posts, posts == 1 ? "" : "s", accounts,
               accounts == 1 ? "" : "s");
  }
}

} // namespace

void
setup_validate(CLI::App& app, Context& context)
{
  auto options = std::make_shared<ValidateOptions>();
  auto* sub = app.add_subcommand("validate", "Check the calendar and report every problem");
  sub
    ->add_option("--accounts", options->accounts,
                 "Check the secrets of these accounts only, comma-separated (default: all)")
    ->delimiter(',');
  sub->add_option("--now", options->now,
                  "Pretend the time is this (RFC 3339), for the warnings about time");
  sub->callback([options, &context] { run_validate(*options, context); });
}

} // namespace herald::cmd
