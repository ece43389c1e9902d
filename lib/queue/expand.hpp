#pragma once

#include "calendar/model.hpp"
#include "schedule/clock.hpp"

#include <string>
#include <vector>

namespace herald::queue {

// Occurrences beyond this many per post and window are not expanded (with a warning): a
// per-minute cron over a long window would otherwise swamp the store.
inline constexpr size_t k_max_occurrences_per_post = 20'000;

struct Occurrence
{
  TimePoint due;
  std::string label; // "" for `at:` posts; the local ISO time for `cron:` ones
};

struct Expansion
{
  std::vector<Occurrence> occurrences;
  bool truncated = false;
};

// The occurrences of `post` due within [from, to] (both inclusive). `at:` posts have one
// occurrence whatever the window, so that a past one is still seen (and reported as missed).
// A `count:` is counted from the post's `start:`, or else from `count_origin` (when herald first
// saw the calendar), so it does not move with the window.
Expansion expand(const calendar::Post& post, const Zone& zone, TimePoint from, TimePoint to,
                 TimePoint count_origin);

// "launch/masto", "weekly-tip@2026-12-07T10:00+01:00/masto".
std::string job_id(const std::string& post_id, const std::string& occurrence,
                   const std::string& account);

} // namespace herald::queue
