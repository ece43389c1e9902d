#include "context.hpp"

#include "text/utf8.hpp"

#include "app/state_path.hpp"
#include "platforms/credentials_file.hpp"
#include "schedule/zone.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>

namespace herald::cmd {

std::filesystem::path
Context::state_path() const
{
  return global.state.empty() ? app::default_state_path() : std::filesystem::path(global.state);
}

void
Context::load_credentials() const
{
  const bool explicit_file = !global.credentials.empty();
  const std::filesystem::path path = explicit_file ? std::filesystem::path(global.credentials)
                                                   : platforms::default_credentials_path();
  std::error_code ignored;
  if (!explicit_file && !std::filesystem::exists(std::filesystem::symlink_status(path, ignored))) {
    return;
  }
  auto credentials = platforms::read_credentials_file(path);
  if (!credentials) {
    throw Error(credentials.error(), ExitStatus::usage);
  }
  platforms::use_credentials(std::move(*credentials));
}

bool
Context::use_color(int fd) const
{
  if (global.color == "always") {
    return true;
  }
  if (global.color == "never") {
    return false;
  }
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  return (!no_color || !*no_color) && ::isatty(fd) && !(term && std::string_view(term) == "dumb");
}

std::string
Context::paint(std::string_view text, std::string_view colour, int fd) const
{
  if (!use_color(fd)) {
    return std::string(text);
  }
  std::string_view code = "0";
  if (colour == "red") {
    code = "31";
  } else if (colour == "green") {
    code = "32";
  } else if (colour == "yellow") {
    code = "33";
  } else if (colour == "dim") {
    code = "2";
  } else if (colour == "bold") {
    code = "1";
  }
  return fmt::format("\033[{}m{}\033[0m", code, text);
}

http::LogSink
Context::verbose_log() const
{
  if (!global.verbose) {
    return {};
  }
  return [](std::string_view line) { fmt::print(stderr, "herald: {}\n", shown_text(line)); };
}

void
Context::print_diagnostics(const Diagnostics& diagnostics) const
{
  for (const auto& d : diagnostics.all()) {
    if (d.severity == Severity::warning && global.quiet) {
      continue;
    }
    const std::string word = fmt::format("{}:", d.severity_word());
    fmt::print(stderr, "{}{} {}\n", shown(d.location()),
               paint(word, d.severity == Severity::error ? "red" : "yellow", STDERR_FILENO),
               shown_text(d.message));
  }
}

void
Context::print_error_summary(const Diagnostics& diagnostics, std::string_view suffix) const
{
  const size_t errors = diagnostics.error_count();
  fmt::print(stderr, "{}: {} error{}{}\n", global.calendar, errors, errors == 1 ? "" : "s", suffix);
}

std::string
shown(std::string_view text)
{
  return text::terminal_line(text);
}

std::string
shown_text(std::string_view text)
{
  return text::terminal_text(text);
}

std::string
json_text(const nlohmann::json& json, int indent)
{
  return json.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string
job_line(const store::Job& job, std::string_view status, std::string_view message)
{
  nlohmann::json line = { { "job", job.id },          { "post", job.post_id },
                          { "account", job.account }, { "platform", job.platform },
                          { "status", status },       { "due", format_utc(job.due) } };
  if (!job.url.empty()) {
    line["url"] = job.url;
  }
  if (!job.remote_id.empty()) {
    line["id"] = job.remote_id;
  }
  if (!message.empty()) {
    line["error"] = message;
  }
  return json_text(line);
}

TimePoint
parse_time_option(const std::string& value, std::string_view option)
{
  auto t = parse_rfc3339(value);
  if (!t) {
    throw Error(fmt::format("{}: {} (for example 2026-12-01T08:00:00Z)", option, t.error()));
  }
  return *t;
}

CLI::Validator
at_least(long long min)
{
  return CLI::Validator(
    [min](std::string& value) -> std::string {
      long long number = 0;
      const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
      if (error != std::errc() || end != value.data() + value.size()) {
        return fmt::format("'{}' is not a whole number", value);
      }
      if (number < min) {
        return fmt::format("{} is less than {}", value, min);
      }
      return "";
    },
    fmt::format("INT>={}", min));
}

TimePoint
now_or(const std::string& now_option)
{
  return now_option.empty() ? SystemClock().now() : parse_time_option(now_option, "--now");
}

void
print_text(std::string_view text, std::string_view indent)
{
  while (!text.empty() && text.back() == '\n') {
    text.remove_suffix(1);
  }
  size_t start = 0;
  while (true) {
    const size_t end = text.find('\n', start);
    // Calendar text is the calendar author's: a control character is not obeyed here either.
    fmt::print("{}{}\n", indent, shown(text.substr(start, end - start)));
    if (end == std::string_view::npos) {
      break;
    }
    start = end + 1;
  }
}

} // namespace herald::cmd
