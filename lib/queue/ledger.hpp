#pragma once

#include "platforms/platform.hpp"
#include "schedule/clock.hpp"
#include "util/expected.hpp"

#include <chrono>
#include <string>
#include <string_view>

// The platform as the ledger (herald(1), SAFE RE-RUNS): a CI runner starts with an empty state,
// so a re-run of `herald post` finds jobs that this state has never tried although an earlier
// runner published them. Before the first send of such a job, herald asks the platform.
//
// Only one-off jobs are asked about. A calendar's jobs need no look-up: a fresh state records a
// baseline on its first sync and never fires what came due before it (the back catalogue), so
// the jobs it fires are ones no earlier run was due to publish. A one-off post is due when the
// command runs, which is after every baseline, so only the platform can tell.
namespace herald::queue {

// How far back the look-up reaches from the job's due time: a re-run comes minutes or days after
// the first run, never more than this (a CI pipeline re-run). A copy published longer ago is not
// looked for, and the post goes out again.
constexpr std::chrono::hours k_ledger_look_back{ 24 * 7 };

// Jobs of `herald post` live under a calendar key of this prefix (app/tick.cpp one_off_key).
constexpr std::string_view k_one_off_prefix = "post:";
bool is_one_off_key(std::string_view calendar_key);

// What one send of a job came to, with the look-up first when asked for.
struct Sent
{
  Result<platforms::Published, platforms::PublishError> result;
  // The platform already had the post: `result` is that copy, nothing was sent.
  bool found_earlier = false;
  // The look-up failed: `result` is its error, nothing was sent.
  bool look_failed = false;
  // adapter.ledger() when a look-up was asked for (empty: the account cannot be asked).
  std::string ledger{};
};

// Publishes `post`; with `look_since`, first asks the platform (Adapter::find_earlier) for a copy
// published at or after it, when the account can be asked. Runs on a publishing thread.
Sent look_then_publish(platforms::Adapter& adapter, const platforms::OutPost& post,
                       const std::optional<TimePoint>& look_since);

} // namespace herald::queue
