// herald resolve, retry and cancel: a person's decisions about one job.
#include "context.hpp"

#include "app/job_actions.hpp"
#include "schedule/zone.hpp"

#include <fmt/core.h>

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>

namespace herald::cmd {

namespace {

struct JobCommand
{
  bool yes = false;
  std::string job;
  std::string posted_url;
  bool not_posted = false;
  std::string remote_id;
};

// Asks on the terminal whether to go ahead; false when the answer is not yes.
bool
confirmed(const std::string& question)
{
  fmt::print(stderr, "{} [y/N] ", question);
  std::string answer;
  std::getline(std::cin, answer);
  return answer == "y" || answer == "Y" || answer == "yes";
}

void
act(app::JobAction action, Context& context, std::string_view done)
{
  action.state = context.state_path();
  action.calendar = context.global.calendar;
  action.now = now_or("");
  auto job = app::apply_job_action(action);
  if (!job && job.error().needs_confirmation && ::isatty(STDIN_FILENO)) {
    if (!confirmed(fmt::format("{} was cancelled by hand. Publish it after all?", action.job_id))) {
      if (!context.global.quiet) {
        fmt::print("{} stays cancelled\n", action.job_id);
      }
      return;
    }
    action.revive_cancelled = true;
    job = app::apply_job_action(action);
  }
  if (!job) {
    throw Error(job.error().message, ExitStatus::usage);
  }
  if (context.global.json) {
    fmt::print("{}\n", job_line(*job, store::to_string(job->state), ""));
  } else if (!context.global.quiet) {
    const std::string when =
      job->state == store::JobState::pending
        ? fmt::format("will be published when it comes due at {}", format_utc(job->due))
        : std::string(done);
    fmt::print("{} {}{}\n", shown(job->id), when, job->url.empty() ? "" : ": " + shown(job->url));
  }
}

} // namespace

void
setup_resolve(CLI::App& app, Context& context)
{
  auto command = std::make_shared<JobCommand>();
  auto* resolve = app.add_subcommand(
    "resolve", "Settle a job herald cannot settle itself (unknown: was it published or not?)");
  resolve->add_option("job", command->job, "The job id, as status shows it")->required();
  auto* posted =
    resolve->add_option("--posted", command->posted_url, "It was published, at this URL");
  auto* not_posted = resolve->add_flag("--not-posted", command->not_posted,
                                       "It was not published: publish it at the next run");
  posted->excludes(not_posted);
  resolve->add_option("--id", command->remote_id, "The platform's id of the post (with --posted)")
    ->needs(posted);
  resolve->callback([command, &context] {
    if (command->posted_url.empty() && !command->not_posted) {
      throw Error("resolve needs --posted URL or --not-posted");
    }
    app::JobAction action;
    action.job_id = command->job;
    if (command->not_posted) {
      action.kind = app::JobAction::Kind::not_posted;
      act(action, context, "will be published at the next run");
    } else {
      action.kind = app::JobAction::Kind::posted;
      action.url = command->posted_url;
      action.remote_id = command->remote_id;
      act(action, context, "recorded as posted");
    }
  });

  auto* retry = app.add_subcommand(
    "retry", "Publish a failed or missed job at the next run, with a fresh set of attempts");
  retry->add_option("job", command->job, "The job id, as status shows it")->required();
  retry->add_flag("-y,--yes", command->yes,
                  "Revive a job cancelled by hand without asking (a terminal asks)");
  retry->callback([command, &context] {
    app::JobAction action;
    action.kind = app::JobAction::Kind::retry;
    action.job_id = command->job;
    action.revive_cancelled = command->yes;
    act(action, context, "will be published at the next run");
  });

  auto* cancel = app.add_subcommand(
    "cancel", "Never publish this job (editing the calendar does not revive it)");
  cancel->add_option("job", command->job, "The job id, as status shows it")->required();
  cancel->callback([command, &context] {
    app::JobAction action;
    action.kind = app::JobAction::Kind::cancel;
    action.job_id = command->job;
    act(action, context, "cancelled");
  });
}

} // namespace herald::cmd
