// The herald executable: builds the command line, runs one subcommand, maps the result to an
// exit status. All logic lives in lib/.
#include "about.hpp"
#include "context.hpp"

#include "util/edit_distance.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

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
                 "Refuse calendar files larger than this (default 16 MiB)")
    ->envname("HERALD_MAX_CALENDAR_BYTES")
    ->check(at_least(1));
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
  setup_state(*app, context);
  setup_completion(*app, context);
  app->require_subcommand(1);
  return app;
}

namespace {

// The word that names the command: the first argument that is neither an option nor the value
// of a global option that takes one ("herald -c x.yaml run"); empty when there is none.
std::string
command_word(const CLI::App& app, int argc, char** argv)
{
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") {
      return i + 1 < argc ? argv[i + 1] : "";
    }
    if (arg.empty() || arg.front() != '-') {
      return std::string(arg);
    }
    if (arg.find('=') != std::string_view::npos) {
      continue;
    }
    const CLI::Option* option = nullptr;
    try {
      option = app.get_option(std::string(arg));
    } catch (const CLI::OptionNotFound&) {
      option = nullptr;
    }
    if (option && option->get_type_size() != 0) {
      ++i; // its value
    }
  }
  return "";
}

std::vector<std::string>
subcommand_names(const CLI::App& app)
{
  std::vector<std::string> names;
  for (const auto* sub : app.get_subcommands({})) {
    names.push_back(sub->get_name());
  }
  return names;
}

// " (did you mean 'x'?)" for the candidate closest to `word`, else nothing.
std::string
suggestion(std::string_view word, const std::vector<std::string>& candidates)
{
  const std::vector<std::string_view> views(candidates.begin(), candidates.end());
  if (const auto match = closest_match(word, views)) {
    return fmt::format(" (did you mean '{}'?)", *match);
  }
  return "";
}

// For an option the command does not take: the closest one it (or herald itself) does take.
std::string
option_hint(const CLI::App& app, const CLI::App& sub, int argc, char** argv)
{
  std::vector<std::string> names;
  for (const CLI::App* owner : { &sub, &app }) {
    for (const auto* option : owner->get_options()) {
      for (const auto& name : option->get_lnames()) {
        names.push_back("--" + name);
      }
    }
  }
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.size() < 3 || arg.substr(0, 2) != "--") {
      continue;
    }
    arg = arg.substr(0, arg.find('='));
    if (std::find(names.begin(), names.end(), arg) == names.end()) {
      return suggestion(arg, names);
    }
  }
  return "";
}

// A parse error as herald says it: an unknown command is named as such, and the help to read
// is the command's own.
int
report_parse_error(const CLI::App& app, const CLI::ParseError& error, int argc, char** argv)
{
  const std::string word = command_word(app, argc, argv);
  const auto names = subcommand_names(app);
  if (!word.empty() && std::find(names.begin(), names.end(), word) == names.end()) {
    fmt::print(stderr,
               "herald: error: unknown command '{}'{}\nRun 'herald --help' for the "
               "commands.\n",
               word, suggestion(word, names));
    return static_cast<int>(ExitStatus::usage);
  }
  if (word.empty()) {
    fmt::print(stderr, "herald: error: {}\nRun 'herald --help' for usage.\n", error.what());
    return static_cast<int>(ExitStatus::usage);
  }
  const CLI::App& sub = *app.get_subcommand(word);
  const std::string hint =
    dynamic_cast<const CLI::ExtrasError*>(&error) ? option_hint(app, sub, argc, argv) : "";
  fmt::print(stderr, "herald: error: {}: {}{}\nRun 'herald {} --help' for usage.\n", word,
             error.what(), hint, word);
  return static_cast<int>(ExitStatus::usage);
}

// `herald` alone and `herald help [COMMAND]` print the usage; nullopt for anything else.
std::optional<int>
print_usage_if_asked(CLI::App& app, int argc, char** argv)
{
  if (argc == 1) {
    fmt::print("{}", app.help());
    return static_cast<int>(ExitStatus::usage);
  }
  if (std::string_view(argv[1]) != "help") {
    return std::nullopt;
  }
  if (argc == 2) {
    fmt::print("{}", app.help());
    return static_cast<int>(ExitStatus::ok);
  }
  const auto names = subcommand_names(app);
  if (std::find(names.begin(), names.end(), argv[2]) == names.end()) {
    fmt::print(stderr,
               "herald: error: unknown command '{}'{}\nRun 'herald --help' for the "
               "commands.\n",
               argv[2], suggestion(argv[2], names));
    return static_cast<int>(ExitStatus::usage);
  }
  fmt::print("{}", app.get_subcommand(argv[2])->help());
  return static_cast<int>(ExitStatus::ok);
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
try {
  using namespace herald;
  // A closed pipe (herald status | head) must not kill us half-way through a state write.
  (void)std::signal(SIGPIPE, SIG_IGN); // cannot fail for a valid signal
  cmd::Context context;
  auto app = cmd::make_app(context);
  if (const auto status = cmd::print_usage_if_asked(*app, argc, argv)) {
    return *status;
  }
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
    return cmd::report_parse_error(*app, e, argc, argv);
  } catch (const Error& e) {
    // A message may quote a platform, a plugin or the state: no control character gets through.
    fmt::print(stderr, "herald: error: {}\n", cmd::shown_text(e.what()));
    return static_cast<int>(e.status());
  } catch (const std::exception& e) {
    fmt::print(stderr, "herald: error: {}\n", cmd::shown_text(e.what()));
    return static_cast<int>(ExitStatus::state);
  }
  return static_cast<int>(context.status);
} catch (...) {
  // Thrown outside the handlers above, or by one of them (a closed stderr makes fmt::print
  // throw): fputs does not throw, and even when it fails the exit status still tells.
  (void)std::fputs("herald: error: an unexpected internal error\n", stderr);
  return static_cast<int>(herald::ExitStatus::state);
}
