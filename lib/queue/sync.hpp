#pragma once

#include "expand.hpp"

#include "calendar/model.hpp"
#include "schedule/clock.hpp"
#include "store/store.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace herald::queue {

// How far ahead recurring posts are turned into jobs, and how early before that horizon runs
// out a tick re-reads an unchanged calendar to extend it.
inline constexpr std::chrono::seconds k_horizon{ 35 * 86400 };
inline constexpr std::chrono::seconds k_horizon_refresh{ 7 * 86400 };

// Why sync cancelled a job (kept in the job's `error`); only these are revived when the post
// comes back, never a cancellation a person asked for.
inline constexpr std::string_view k_removed_post = "removed: the post is no longer in the calendar";
inline constexpr std::string_view k_disabled_post = "removed: the post is disabled";
inline constexpr std::string_view k_removed_account = "removed: the account is no longer in 'to'";
inline constexpr std::string_view k_removed_occurrence =
  "removed: the schedule no longer has this occurrence";

struct SyncStats
{
  int inserted = 0;
  int updated = 0;
  int cancelled = 0;
  int revived = 0;
  std::vector<std::string> warnings;
};

// Brings the calendar's jobs in the store in line with the calendar, inside the caller's write
// transaction. The rules users rely on:
// - a new occurrence becomes a pending job;
// - a pending job follows edits of its post's text, media, time and account settings, and so
//   does a job waiting to retry an attempt that certainly did not reach the platform;
// - a job that fired (sending, posted, failed, unknown) or was missed is never touched, so an
//   edit never makes a post fire twice;
// - a pending job whose post, account or occurrence is gone is cancelled, and comes back to
//   pending if they do.
// Recurring posts are expanded over [window_from, window_to]; their pending jobs outside that
// window are left alone. With `cancel_missing` false, jobs the calendar no longer names are
// left alone too (one-off posts from `herald post` accumulate in their own namespace).
// Whether a job still follows edits of its post (the second rule above): it has not been sent,
// or its last attempt certainly did not reach the platform. After a "maybe sent" attempt the
// content and key stay as they were, so a resend cannot duplicate.
bool follows_edits(const store::Job& job);

SyncStats sync_calendar(store::Store& store, const calendar::Calendar& calendar,
                        const std::string& calendar_key, TimePoint window_from, TimePoint window_to,
                        TimePoint count_origin, TimePoint now, bool cancel_missing = true);

} // namespace herald::queue
