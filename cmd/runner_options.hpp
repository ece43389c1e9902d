#pragma once

// The publishing options `run` and `daemon` share.

#include "queue/runner.hpp"

#include <CLI/CLI.hpp>

#include <optional>

namespace herald::cmd {

struct RunnerCliOptions
{
  size_t parallel = queue::RunnerOptions{}.max_parallel;
  size_t per_account = queue::RunnerOptions{}.per_account;
  std::optional<int> max_attempts; // unset: each account's `retry.attempts`, else the default
};

void add_runner_options(CLI::App& sub, RunnerCliOptions& options);

// `runner` with the command line's choices applied.
void apply_runner_options(const RunnerCliOptions& options, queue::RunnerOptions& runner);

} // namespace herald::cmd
