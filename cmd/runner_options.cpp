#include "runner_options.hpp"

#include <fmt/core.h>

namespace herald::cmd {

void
add_runner_options(CLI::App& sub, RunnerCliOptions& options)
{
  sub
    .add_option("-j,--parallel", options.parallel,
                "Publish at most this many posts at once, over all accounts")
    ->capture_default_str()
    ->check(CLI::Range(1, 64));
  sub
    .add_option("--per-account", options.per_account,
                "Publish at most this many posts at once to one account")
    ->capture_default_str()
    ->check(CLI::Range(1, 16));
  sub
    .add_option("--max-attempts", options.max_attempts,
                fmt::format("Attempts before a job that keeps failing in a retryable way is "
                            "failed, for every account (default: the account's retry.attempts, "
                            "else {})",
                            queue::RetryPolicy{}.max_attempts))
    ->check(CLI::Range(1, 100));
}

void
apply_runner_options(const RunnerCliOptions& options, queue::RunnerOptions& runner)
{
  runner.max_parallel = options.parallel;
  runner.per_account = options.per_account;
  runner.max_attempts = options.max_attempts;
}

} // namespace herald::cmd
