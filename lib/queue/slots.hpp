#pragma once

#include "calendar/model.hpp"
#include "schedule/clock.hpp"
#include "store/job.hpp"

#include <map>
#include <string>

namespace herald::queue {

// Job id -> the instant its posting slot starts.
using SlotTimes = std::map<std::string, TimePoint>;

// Gives every account of every enabled `queue: true` post a posting slot, in calendar order.
//
// Stable: a job in `kept` (its due time as the state holds it) keeps its slot while that slot
// is in the past or still one of the account's slots, and so do the other queued posts; only
// the posts without one take the next free slot after `now`, one slot per post and account.
// A post whose account has no free slot in the next five years gets none.
SlotTimes assign_slots(const calendar::Calendar& calendar, const SlotTimes& kept, TimePoint now);

// Whether a job in the state holds its queued post's slot (its due time): every job but one
// that sync cancelled because its post or account went away.
bool holds_slot(const store::Job& job);

// Whether `t` is one of `account`'s posting slots.
bool is_slot(const calendar::Calendar& calendar, const std::string& account, TimePoint t);

} // namespace herald::queue
