// The herald executable: builds the command line, runs one subcommand, maps the result to an
// exit status. All logic lives in lib/.
#include "about.hpp"
#include "context.hpp"

#include "util/edit_distance.hpp"

#include <fmt/core.h>

#include <csignal>
#include <cstdlib>

namespace herald::cmd {

std::unique_ptr<CLI::App>
make_app(Context& context)
{
  auto app = std::make_unique<CLI::App>(
    "herald: publish a YAML content calendar to social networks, from a shell, cron or CI",
    "herald");
  // main() prints it: with --json, which CLI11 may not have read yet when --version fires.
  app->set_version_flag("--version", "");
  auto& g = context.global;
  app->add_option("-c,--calendar", g.calendar, "Calendar file (default ./herald.yaml)")
    ->envname("HERALD_CALENDAR");
  app->add_option("--state", g.state, "State database (default $XDG_STATE_HOME/herald/state.db)")
    ->envname("HERALD_STATE");
  app->add_flag("--json", g.json, "Machine-readable output");
  app->add_flag("-v,--verbose", g.verbose, "Say more about what happens");
  app->add_flag("-q,--quiet", g.quiet, "Print only what needs attention");
  app
    ->add_option("--color", g.color, "Colour: auto (on a terminal, unless NO_COLOR), always, never")
    ->check(CLI::IsMember({ "auto", "always", "never" }));
  app
    ->add_option("--max-calendar-bytes", g.max_calendar_bytes,
                 "Refuse calendar files larger than this (default 64 MiB)")
    ->envname("HERALD_MAX_CALENDAR_BYTES")
    ->check(CLI::PositiveNumber);
  app
    ->add_option("--credentials", g.credentials,
                 "Credentials file of NAME=value lines for the accounts' *_env variables "
                 "(default $XDG_CONFIG_HOME/herald/credentials; must be mode 600)")
    ->envname("HERALD_CREDENTIALS");

  // Global options may also follow the subcommand: `herald run --json` works like
  // `herald --json run`.
  app->fallthrough();
  setup_validate(*app, context);
  setup_plan(*app, context);
  setup_run(*app, context);
  setup_daemon(*app, context);
  setup_status(*app, context);
  setup_history(*app, context);
  setup_accounts(*app, context);
  setup_post(*app, context);
  setup_resolve(*app, context);
  setup_engage(*app, context);
  setup_report(*app, context);
  setup_completion(*app, context);
  app->require_subcommand(1);
  return app;
}

namespace {

// CLI11 2.1 does not suggest anything for a misspelt subcommand; ninja's ChooseTool does.
std::string
subcommand_hint(const CLI::App& app, int argc, char** argv)
{
  std::vector<std::string> names;
  for (const auto* sub : app.get_subcommands({})) {
    names.push_back(sub->get_name());
  }
  std::vector<std::string_view> views(names.begin(), names.end());
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.empty() || arg.front() == '-') {
      continue;
    }
    if (const auto match = closest_match(arg, views)) {
      return fmt::format(" (did you mean '{}'?)", *match);
    }
  }
  return "";
}

// Whether --json is among the arguments, wherever it stands (--version --json works as well as
// --json --version); "--" ends the options.
bool
asks_for_json(int argc, char** argv)
{
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") {
      return false;
    }
    if (arg == "--json") {
      return true;
    }
  }
  return false;
}

} // namespace

} // namespace herald::cmd

int
main(int argc, char** argv)
{
  using namespace herald;
  // A closed pipe (herald status | head) must not kill us half-way through a state write.
  std::signal(SIGPIPE, SIG_IGN);
  cmd::Context context;
  auto app = cmd::make_app(context);
  try {
    app->parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app->exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app->exit(e);
  } catch (const CLI::CallForVersion&) {
    fmt::print("{}\n", cmd::asks_for_json(argc, argv) ? cmd::version_json() : cmd::version_text());
    return static_cast<int>(ExitStatus::ok);
  } catch (const CLI::ParseError& e) {
    std::string hint;
    if (dynamic_cast<const CLI::ExtrasError*>(&e) || dynamic_cast<const CLI::RequiredError*>(&e)) {
      hint = cmd::subcommand_hint(*app, argc, argv);
    }
    fmt::print(stderr, "herald: error: {}{}\nRun 'herald --help' for usage.\n", e.what(), hint);
    return static_cast<int>(ExitStatus::usage);
  } catch (const Error& e) {
    fmt::print(stderr, "herald: error: {}\n", e.what());
    return static_cast<int>(e.status());
  } catch (const std::exception& e) {
    fmt::print(stderr, "herald: error: {}\n", e.what());
    return static_cast<int>(ExitStatus::state);
  }
  return static_cast<int>(context.status);
}
