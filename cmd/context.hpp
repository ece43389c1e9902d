#pragma once

#include "http/transport.hpp"

#include "app/report.hpp"
#include "queue/runner.hpp"
#include "schedule/clock.hpp"
#include "store/job.hpp"
#include "util/diagnostics.hpp"
#include "util/error.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>

namespace herald::cmd {

// Options every subcommand shares, set on the root app.
struct GlobalOptions
{
  std::string calendar = "herald.yaml";
  std::string state;
  bool json = false;
  bool verbose = false;
  bool quiet = false;
  std::string color = "auto";
  size_t max_calendar_bytes = size_t(16) * 1024 * 1024;
  std::string credentials; // empty: the default file, when it exists
};

// What a subcommand's callback reports back to main().
struct Context
{
  GlobalOptions global;
  ExitStatus status = ExitStatus::ok;

  std::filesystem::path state_path() const;
  // Reads the credentials file (--credentials, else the default one when it exists) for the
  // accounts' `*_env:` variables that the environment does not set. Throws herald::Error
  // (usage) when the file is unsafe or unreadable. For commands that read the calendar.
  void load_credentials() const;
  // Whether to colour what goes to `fd` (standard output unless said otherwise).
  bool use_color(int fd = 1) const;
  // Wraps `text` in an ANSI colour when colour is on for `fd` ("red", "green", "yellow", "dim",
  // "bold").
  std::string paint(std::string_view text, std::string_view colour, int fd = 1) const;
  // The -v sink: each line on stderr after "herald: ", through shown_text() (a line may quote
  // what a server sent). Empty without -v.
  http::LogSink verbose_log() const;
  // Prints diagnostics to stderr, one `file:line:col: severity: message` per line.
  void print_diagnostics(const Diagnostics& diagnostics) const;
  // "herald.yaml: 3 errors<suffix>" on stderr, after the diagnostics themselves.
  void print_error_summary(const Diagnostics& diagnostics, std::string_view suffix = "") const;
};

// Text from outside (a platform, a plugin, the state, the calendar) on its way to a text output:
// valid UTF-8 without control characters, so that an escape sequence in a message cannot drive
// the terminal (text::terminal_line: one line; shown_text keeps line breaks and tabs). JSON
// output needs neither: its encoder escapes control characters.
std::string shown(std::string_view text);
std::string shown_text(std::string_view text);

// A post's text on standard output, each line after `indent`, shown() (trailing newlines left
// out).
void print_text(std::string_view text, std::string_view indent);

// `json` as text for standard output (`indent` as nlohmann's dump(): -1 is one line). Every
// JSON document herald prints goes through here: a byte sequence that is not UTF-8 (from a
// platform or a plugin, in a message) becomes U+FFFD rather than an exception.
std::string json_text(const nlohmann::json& json, int indent = -1);

// One job's outcome as a JSON Lines record (run and post): job, post, account, platform,
// status, due, and url/id or error when known.
std::string job_line(const store::Job& job, std::string_view status, std::string_view message);

// A tick's outcomes as `herald run` prints them: one line per job (JSON Lines with --json),
// only the failures with -q.
void print_outcomes(const std::vector<queue::Outcome>& outcomes, const Context& context);

// A check for an option that takes a whole number of at least `min`: "--limit: 0 is less than
// 1" rather than CLI11's range up to the largest double.
CLI::Validator at_least(long long min);

// Parses an RFC 3339 option value, throwing a usage error naming the option.
TimePoint parse_time_option(const std::string& value, std::string_view option);
// --now when given, else the system clock.
TimePoint now_or(const std::string& now_option);

void setup_validate(CLI::App& app, Context& context);
void setup_plan(CLI::App& app, Context& context);
void setup_run(CLI::App& app, Context& context);
void setup_daemon(CLI::App& app, Context& context);
void setup_status(CLI::App& app, Context& context);
void setup_history(CLI::App& app, Context& context);
void setup_accounts(CLI::App& app, Context& context);
void setup_post(CLI::App& app, Context& context);
void setup_resolve(CLI::App& app, Context& context);
void setup_engage(CLI::App& app, Context& context);
void setup_report(CLI::App& app, Context& context);
void setup_state(CLI::App& app, Context& context);
void setup_completion(CLI::App& app, Context& context);

// `herald report collect` once, with the global options (cmd/report.cpp); the daemon's
// --collect-every calls it too. Failed and partly read accounts go to stderr.
app::CollectRun collect_metrics(const Context& context, const Clock& clock);
void print_collect_problems(const report::CollectResult& result, const Context& context);

// Builds the whole command line (a function so that tests can parse argument vectors with it).
std::unique_ptr<CLI::App> make_app(Context& context);

} // namespace herald::cmd
