#pragma once

#include "calendar/loader.hpp"
#include "queue/adapters.hpp"
#include "queue/runner.hpp"
#include "schedule/clock.hpp"
#include "store/job.hpp"
#include "util/diagnostics.hpp"
#include "util/error.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace herald::app {

struct OneOffMedia
{
  std::filesystem::path file;
  std::string alt;
};

struct PostOptions
{
  std::filesystem::path calendar; // for its accounts
  std::filesystem::path state;
  TimePoint now{};
  std::vector<std::string> to;
  std::string text;
  std::vector<OneOffMedia> media;
  std::optional<TimePoint> at; // later: queue it for `herald run`
  // The post's identity. By default derived from the text, media and accounts, so that a CI job
  // that runs twice with the same release notes publishes them once.
  std::string id;
  calendar::LoadOptions load;
  queue::RunnerOptions runner;
};

struct PostReport
{
  Diagnostics diagnostics; // with errors, nothing was changed or published
  std::string post_id;
  TimePoint due{};
  bool queued = false;                  // due later: `herald run` will publish it
  std::vector<queue::Outcome> outcomes; // what this call did
  std::vector<store::Job> earlier;      // jobs already published by an earlier identical call

  ExitStatus exit_status() const;
};

// `herald post`: one post, built from the command line, published now through the calendar's
// accounts (or queued for --at), with the same guarantees as a calendar post: a durable job, an
// idempotency key, retries, and never twice.
PostReport post_one_off(const PostOptions& options, queue::AdapterSource& adapters);

} // namespace herald::app
