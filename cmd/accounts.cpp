// herald accounts [check]: list the calendar's accounts, or check their credentials.
#include "app/accounts.hpp"

#include "context.hpp"

#include "app/tick.hpp"
#include "platforms/context.hpp"
#include "platforms/credentials_file.hpp"
#include "store/state_location.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

namespace herald::cmd {

namespace {

// The calendar, or nothing after its diagnostics were printed and the status set. The errors
// that only say an account's secret is not set go to `unset_secrets`: the list shows them as
// "(not set)" and `check` fails those accounts, without stopping the others.
std::optional<calendar::Calendar>
load(Context& context, std::vector<Diagnostic>& unset_secrets)
{
  context.load_credentials();
  calendar::LoadOptions options;
  options.max_bytes = context.global.max_calendar_bytes;
  auto loaded = app::load_checked(context.global.calendar, options);
  unset_secrets = loaded.diagnostics.drop_unset_secrets();
  context.print_diagnostics(loaded.diagnostics);
  if (loaded.diagnostics.has_errors() || !loaded.calendar) {
    context.print_error_summary(loaded.diagnostics);
    context.status = ExitStatus::usage;
    return std::nullopt;
  }
  return std::move(loaded.calendar);
}

// Where each `*_env:` setting's variable is set: the source, never the value (reliability K1).
std::vector<std::pair<std::string, platforms::SecretSource>>
credential_sources(const calendar::Account& account)
{
  std::vector<std::pair<std::string, platforms::SecretSource>> sources;
  for (const auto& [key, value] : account.settings.items()) {
    if (key.size() > 4 && key.ends_with("_env") && value.is_string()) {
      const auto variable = value.get<std::string>();
      sources.emplace_back(variable, platforms::lookup_secret(variable).source);
    }
    // An exec account's `env:` lists the variables handed to its plugin.
    if (key == "env" && account.platform == "exec") {
      for (const auto& item : value.is_array() ? value : nlohmann::json::array({ value })) {
        if (item.is_string()) {
          const auto variable = item.get<std::string>();
          sources.emplace_back(variable, platforms::lookup_secret(variable).source);
        }
      }
    }
  }
  return sources;
}

void
run_list(Context& context)
{
  std::vector<Diagnostic> unset_secrets;
  const auto calendar = load(context, unset_secrets);
  if (!calendar) {
    return;
  }
  if (context.global.json) {
    auto out = nlohmann::json::array();
    for (const auto& [name, account] : calendar->accounts) {
      auto credentials = nlohmann::json::object();
      for (const auto& [variable, source] : credential_sources(account)) {
        credentials[variable] = platforms::to_string(source);
      }
      out.push_back({ { "account", name },
                      { "platform", account.platform },
                      { "settings", account.settings },
                      { "credentials", credentials } });
    }
    fmt::print("{}\n", json_text(out, 2));
    return;
  }
  for (const auto& [name, account] : calendar->accounts) {
    std::string line =
      fmt::format("{:<16} {:<10} {}", name, account.platform,
                  account.settings.value("url", account.settings.value("dir", "")));
    for (const auto& [variable, source] : credential_sources(account)) {
      line += fmt::format("  {} ({})", variable, platforms::to_string(source));
    }
    fmt::print("{}\n", shown(line));
  }
}

void
run_check(Context& context)
{
  std::vector<Diagnostic> unset_secrets;
  const auto calendar = load(context, unset_secrets);
  if (!calendar) {
    return;
  }
  const SystemClock clock;
  http::LogSink log = context.verbose_log();
  queue::RegistryAdapters adapters(platforms::default_context(
    clock, store::StateLocation(context.state_path()).local_dir(), std::move(log)));
  const auto checks = app::verify_accounts(*calendar, adapters, unset_secrets);
  using Outcome = app::AccountCheck::Outcome;
  for (const auto& check : checks) {
    const bool failed = check.outcome == Outcome::failed;
    if (failed) {
      context.status = ExitStatus::job_failed;
    }
    if (context.global.json) {
      // `ok` is false only for a failure, so an account that cannot be checked fails no script.
      fmt::print("{}\n", json_text(nlohmann::json{ { "account", check.account },
                                                   { "platform", check.platform },
                                                   { "ok", !failed },
                                                   { "status", app::to_string(check.outcome) },
                                                   { "detail", check.detail } }));
    } else if (failed || !context.global.quiet) {
      const char* colour = check.outcome == Outcome::ok ? "green" : failed ? "red" : "yellow";
      fmt::print("{} {} {:<10} {}\n",
                 context.paint(fmt::format("{:<11}", app::to_string(check.outcome)), colour),
                 fmt::format("{:<16}", check.account), check.platform, shown(check.detail));
    }
  }
}

} // namespace

void
setup_accounts(CLI::App& app, Context& context)
{
  auto* sub = app.add_subcommand("accounts", "List the calendar's accounts");
  auto* check = sub->add_subcommand(
    "check", "Check every account's credentials with its platform, publishing nothing");
  check->callback([&context] { run_check(context); });
  sub->callback([sub, &context] {
    if (sub->get_subcommands().empty()) {
      run_list(context);
    }
  });
}

} // namespace herald::cmd
