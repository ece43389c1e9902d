// herald status and herald history: what the state holds.
#include "context.hpp"

#include "app/jobs.hpp"
#include "schedule/zone.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <map>

namespace herald::cmd {

namespace {

struct ListOptions
{
  bool all = false;
  int limit = 0;
  std::vector<std::string> accounts;
  std::vector<std::string> states;
};

nlohmann::json
job_json(const store::Job& job)
{
  nlohmann::json j = { { "job", job.id },
                       { "calendar", job.calendar },
                       { "post", job.post_id },
                       { "account", job.account },
                       { "platform", job.platform },
                       { "state", store::to_string(job.state) },
                       { "due", format_utc(job.due) },
                       { "attempts", job.attempts } };
  if (!job.error.empty()) {
    j["error"] = job.error;
  }
  if (!job.url.empty()) {
    j["url"] = job.url;
  }
  if (!job.remote_id.empty()) {
    j["id"] = job.remote_id;
  }
  if (!job.lease_holder.empty()) {
    j["held_by"] = job.lease_holder;
  }
  if (job.posted_at) {
    j["posted_at"] = format_utc(*job.posted_at);
  }
  if (job.next_attempt) {
    j["next_attempt"] = format_utc(*job.next_attempt);
  }
  return j;
}

void
print_json(const app::JobList& list)
{
  auto out = nlohmann::json::array();
  for (const auto& job : list.jobs) {
    out.push_back(job_json(job));
  }
  fmt::print("{}\n", json_text(out, 2));
}

app::JobQuery
query_for(const ListOptions& options, const Context& context)
{
  app::JobQuery query;
  query.state = context.state_path();
  query.calendar = context.global.calendar;
  query.all_calendars = options.all;
  query.accounts = options.accounts;
  query.limit = options.limit;
  for (const auto& name : options.states) {
    const auto state = store::parse_job_state(name);
    if (!state) {
      throw Error(fmt::format("--state: unknown job state '{}' (job states: pending, claimed, "
                              "sending, posted, retry-wait, failed, unknown, missed, cancelled)",
                              name));
    }
    query.states.push_back(*state);
  }
  return query;
}

bool
say_if_empty(const app::JobList& list, const Context& context, std::string_view what)
{
  if (!list.jobs.empty() || context.global.json) {
    return false;
  }
  if (context.global.quiet) {
    return true;
  }
  std::error_code ec;
  if (!list.calendar_known && !std::filesystem::exists(context.global.calendar, ec)) {
    throw Error(fmt::format("cannot read calendar {}: no such file (-c names the calendar; "
                            "--all lists every calendar in the state)",
                            context.global.calendar));
  }
  if (!list.state_exists) {
    fmt::print("no state yet at {}: nothing has run\n", context.state_path().string());
  } else if (!list.calendar_known) {
    fmt::print("{} has not been run with this state yet (use --all for every calendar)\n",
               context.global.calendar);
  } else {
    fmt::print("{}\n", what);
  }
  return true;
}

void
run_status(const ListOptions& options, Context& context)
{
  const auto [list, attention] = app::status_lists(query_for(options, context));
  if (context.global.json) {
    print_json(list);
    return;
  }
  if (say_if_empty(list, context, "no jobs waiting, failed or missed")) {
    return;
  }
  for (const auto& job : list.jobs) {
    using store::JobState;
    const auto state = store::to_string(job.state);
    std::string_view colour = job.state == JobState::failed || job.state == JobState::unknown
                                ? "red"
                                : (job.state == JobState::missed ? "yellow" : "");
    std::string detail = job.error;
    if (job.state == JobState::retry_wait && job.next_attempt) {
      detail = fmt::format("next attempt {}; {}", format_utc(*job.next_attempt), job.error);
    }
    // Several hosts may share the state: say which one holds a claim.
    if ((job.state == JobState::claimed || job.state == JobState::sending) && job.lease_until) {
      detail = fmt::format("held by {} until {}", job.lease_holder.empty() ? "?" : job.lease_holder,
                           format_utc(*job.lease_until));
    }
    fmt::print("{} {}  {}{}\n", context.paint(fmt::format("{:<10}", state), colour),
               format_utc(job.due), shown(job.id), detail.empty() ? "" : "  " + shown(detail));
  }
  // What needs a person must not scroll by unnoticed among the pending jobs.
  if (!attention.jobs.empty()) {
    std::map<std::string_view, size_t> by_state;
    for (const auto& job : attention.jobs) {
      ++by_state[store::to_string(job.state)];
    }
    std::string counts;
    for (const auto& [state, count] : by_state) {
      counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", count, state);
    }
    fmt::print("{}\n", context.paint(fmt::format("{} job{} need{} a person ({}): herald resolve, "
                                                 "retry or cancel settles each",
                                                 attention.jobs.size(),
                                                 attention.jobs.size() == 1 ? "" : "s",
                                                 attention.jobs.size() == 1 ? "s" : "", counts),
                                     "red"));
  }
}

void
run_history(const ListOptions& options, Context& context)
{
  const auto list = app::published_jobs(query_for(options, context));
  if (context.global.json) {
    print_json(list);
    return;
  }
  if (say_if_empty(list, context, "nothing published yet")) {
    return;
  }
  for (const auto& job : list.jobs) {
    fmt::print("{}  {}  {}  {}\n", format_utc(job.posted_at.value_or(job.due)), shown(job.id),
               shown(job.remote_id), shown(job.url));
  }
}

void
add_list_options(CLI::App* sub, ListOptions& options)
{
  sub->add_flag("-a,--all", options.all, "Every calendar in the state, not only this one");
}

} // namespace

void
setup_status(CLI::App& app, Context& context)
{
  auto options = std::make_shared<ListOptions>();
  auto* sub = app.add_subcommand("status", "List pending, failed, missed and cancelled jobs");
  add_list_options(sub, *options);
  sub->add_option("--account", options->accounts, "Only these accounts (comma-separated)")
    ->delimiter(',');
  sub
    ->add_option("--state", options->states,
                 "Only jobs in these states (comma-separated, e.g. failed,unknown)")
    ->delimiter(',');
  sub->add_option("--limit", options->limit, "Show at most this many, in due order")
    ->check(at_least(1));
  sub->callback([options, &context] { run_status(*options, context); });
}

void
setup_history(CLI::App& app, Context& context)
{
  auto options = std::make_shared<ListOptions>();
  options->limit = 50;
  auto* sub = app.add_subcommand("history", "List what was published, newest first");
  add_list_options(sub, *options);
  sub->add_option("--limit", options->limit, "Show at most this many (default 50)")
    ->check(at_least(1));
  sub->callback([options, &context] { run_history(*options, context); });
}

} // namespace herald::cmd
