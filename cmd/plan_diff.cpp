// herald plan --diff: what a calendar change would do to the queue, for a review.
#include "plan_diff.hpp"

#include "report/format.hpp"

#include "app/plan_diff.hpp"
#include "schedule/zone.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <map>

namespace herald::cmd {

namespace {

std::string
joined_text(const std::vector<platforms::OutPart>& parts)
{
  std::string text;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts.size() > 1) {
      text += fmt::format("{}[{}/{}]\n", i ? "\n" : "", i + 1, parts.size());
    }
    text += parts[i].text;
    for (const auto& media : parts[i].media) {
      text += fmt::format("\n[media] {} (alt: {})", media.file.string(), media.alt);
    }
  }
  return text;
}

std::string
summary_line(const std::vector<app::JobDiff>& changes)
{
  if (changes.empty()) {
    return "no changes";
  }
  std::map<app::DiffKind, int> counts;
  for (const auto& change : changes) {
    ++counts[change.kind];
  }
  std::string line;
  for (const auto& [kind, count] : counts) {
    std::string name(app::to_string(kind));
    std::replace(name.begin(), name.end(), '-', ' ');
    line += fmt::format("{}{} {}", line.empty() ? "" : ", ", count, name);
  }
  return line;
}

std::string
when(const app::JobDiff& change, const Zone& zone)
{
  std::string text =
    fmt::format("{} {}", format_local_date(change.due, zone), format_local_time(change.due, zone));
  if (change.was_due) {
    text += fmt::format(" (was {} {})", format_local_date(*change.was_due, zone),
                        format_local_time(*change.was_due, zone));
  }
  return text;
}

std::string
notes(const app::JobDiff& change)
{
  if (change.kind == app::DiffKind::already_published) {
    return "already published: the edit is not sent again";
  }
  if (change.missed) {
    return "missed: its time is past and it will not be published";
  }
  if (change.fires_at_once) {
    return "fires at once: its time is past";
  }
  return "";
}

// The lines a change shows under its heading: the text, or how it changes.
std::vector<std::string>
body_lines(const app::JobDiff& change)
{
  const std::string before = joined_text(change.before);
  const std::string after = joined_text(change.after);
  if (change.kind == app::DiffKind::added) {
    return app::text_diff("", after);
  }
  if (change.kind == app::DiffKind::removed) {
    return app::text_diff(before, "");
  }
  if (before == after) {
    return {};
  }
  return app::text_diff(before, after);
}

char
mark(app::DiffKind kind)
{
  switch (kind) {
  case app::DiffKind::added:
    return '+';
  case app::DiffKind::removed:
    return '-';
  case app::DiffKind::changed:
    return '~';
  case app::DiffKind::rescheduled:
    return '>';
  case app::DiffKind::already_published:
    return '=';
  }
  return '~';
}

void
print_text_diff(const app::PlanDiff& diff, const Zone& zone, const Context& context)
{
  fmt::print("plan --diff: {}\n", summary_line(diff.changes));
  for (const auto& change : diff.changes) {
    const std::string note = notes(change);
    fmt::print("{} {}  {} {} -> {} ({}){}\n", mark(change.kind),
               context.paint(std::string(app::to_string(change.kind)), "bold"), when(change, zone),
               shown(change.post_id), shown(change.account), shown(change.platform),
               note.empty() ? "" : "; " + note);
    for (const auto& line : body_lines(change)) {
      fmt::print("    {}\n", shown(line));
    }
  }
}

// A pull-request comment: a summary, then one collapsible section per job.
void
print_markdown_diff(const app::PlanDiff& diff, const Zone& zone, const std::string& against,
                    const std::string& calendar)
{
  fmt::print("### herald plan --diff\n\n");
  fmt::print("`{}` against {}: **{}**\n", calendar,
             against.empty() ? std::string("the state") : fmt::format("`{}`", against),
             summary_line(diff.changes));
  for (const auto& change : diff.changes) {
    const std::string note = notes(change);
    fmt::print("\n<details><summary>{} {}: <code>{}</code> &rarr; {} ({}), {} ({}){}</summary>\n\n",
               mark(change.kind), app::to_string(change.kind), report::escape_html(change.post_id),
               report::escape_html(change.account), report::escape_html(change.platform),
               when(change, zone), zone.name(),
               note.empty() ? "" : " &mdash; " + report::escape_html(note));
    // A fence longer than any run of backticks in the text keeps it closed.
    const auto lines = body_lines(change);
    size_t longest = 2;
    for (const auto& line : lines) {
      size_t run = 0;
      for (const char c : line) {
        run = c == '`' ? run + 1 : 0;
        longest = std::max(longest, run);
      }
    }
    const std::string fence(longest + 1, '`');
    fmt::print("{}diff\n", fence);
    for (const auto& line : lines) {
      // diff's own marks: ' ', '-', '+' in the first column.
      fmt::print("{}{}\n", line[0] == ' ' ? ' ' : line[0], shown(line.substr(2)));
    }
    fmt::print("{}\n\n</details>\n", fence);
  }
}

void
print_json_diff(const app::PlanDiff& diff, const Zone& zone)
{
  auto changes = nlohmann::json::array();
  for (const auto& change : diff.changes) {
    nlohmann::json entry{ { "kind", app::to_string(change.kind) },
                          { "job", change.job_id },
                          { "post", change.post_id },
                          { "account", change.account },
                          { "platform", change.platform },
                          { "at", format_local_rfc3339(change.due, zone) },
                          { "utc", format_utc(change.due) },
                          { "fires_at_once", change.fires_at_once },
                          { "missed", change.missed },
                          { "before", platforms::to_json(change.before) },
                          { "after", platforms::to_json(change.after) } };
    if (change.was_due) {
      entry["was_utc"] = format_utc(*change.was_due);
    }
    changes.push_back(std::move(entry));
  }
  fmt::print("{}\n", json_text(nlohmann::json{ { "changes", changes } }, 2));
}

} // namespace

void
run_plan_diff(const PlanDiffCommand& command, Context& context)
{
  app::PlanDiffOptions options;
  options.calendar = context.global.calendar;
  options.against = command.against;
  options.state = context.state_path();
  options.now = now_or(command.now);
  options.load.max_bytes = context.global.max_calendar_bytes;
  const auto diff = app::diff_plan(options);
  context.status = diff.exit_status();
  if (diff.base_loaded.diagnostics.has_errors()) {
    fmt::print(stderr, "herald: the calendar at {} has errors:\n", shown(command.against));
    context.print_diagnostics(diff.base_loaded.diagnostics);
    context.print_error_summary(diff.base_loaded.diagnostics, "; nothing to compare with");
    return;
  }
  context.print_diagnostics(diff.loaded.diagnostics);
  if (diff.loaded.diagnostics.has_errors() || !diff.loaded.calendar) {
    context.print_error_summary(diff.loaded.diagnostics, "; nothing to compare");
    return;
  }
  const Zone& zone = diff.loaded.calendar->zone;
  if (context.global.json) {
    print_json_diff(diff, zone);
  } else if (command.format == "markdown") {
    print_markdown_diff(diff, zone, command.against, context.global.calendar);
  } else if (!context.global.quiet) {
    print_text_diff(diff, zone, context);
  }
}

} // namespace herald::cmd
