#include "queue_fixture.hpp"

#include "queue/slots.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace herald;
using herald::test::utc;

namespace {

calendar::SlotRule
slot_rule(std::vector<const char*> crons, std::vector<std::string> to = {})
{
  calendar::SlotRule rule;
  rule.to = std::move(to);
  for (const char* cron : crons) {
    rule.times.push_back(CronExpr::parse(cron).value());
  }
  return rule;
}

calendar::Post&
add_queued(calendar::Calendar& cal, std::string id, std::vector<std::string> to = { "masto" })
{
  auto& post = test::add_post(cal, std::move(id), "2026-01-01T00:00:00Z", "hi", std::move(to));
  post.schedule.kind = calendar::Schedule::Kind::queue;
  return post;
}

} // namespace

TEST_SUITE("queue::assign_slots")
{
  // Monday 2026-11-30, 10:00 in Berlin; slots Mon/Wed/Fri 09:30 and 16:00 local.
  const TimePoint monday_10 = utc("2026-11-30T09:00:00Z");

  TEST_CASE("queued posts take the next free slots in calendar order")
  {
    auto cal = test::make_calendar();
    cal.zone = Zone::locate("Europe/Berlin").value();
    cal.slots.push_back(slot_rule({ "30 9 * * MON,WED,FRI", "0 16 * * MON,WED,FRI" }));
    add_queued(cal, "a");
    add_queued(cal, "b");
    add_queued(cal, "c", { "masto", "sky" });
    const auto slots = queue::assign_slots(cal, {}, monday_10);
    CHECK(slots.at("a/masto") == utc("2026-11-30T15:00:00Z")); // Mon 16:00
    CHECK(slots.at("b/masto") == utc("2026-12-02T08:30:00Z")); // Wed 09:30
    CHECK(slots.at("c/masto") == utc("2026-12-02T15:00:00Z")); // Wed 16:00
    // Each account has its own queue.
    CHECK(slots.at("c/sky") == utc("2026-11-30T15:00:00Z"));
  }

  TEST_CASE("adding a post never reshuffles the ones that have a slot")
  {
    auto cal = test::make_calendar();
    cal.zone = Zone::locate("Europe/Berlin").value();
    cal.slots.push_back(slot_rule({ "30 9 * * MON,WED,FRI", "0 16 * * MON,WED,FRI" }));
    add_queued(cal, "a");
    add_queued(cal, "b");
    const auto first = queue::assign_slots(cal, {}, monday_10);

    // A new post at the top of the queue, and the next run an hour later.
    add_queued(cal, "new");
    std::rotate(cal.posts.begin(), cal.posts.end() - 1, cal.posts.end());
    const auto second = queue::assign_slots(cal, first, monday_10 + std::chrono::hours(1));
    CHECK(second.at("a/masto") == first.at("a/masto"));
    CHECK(second.at("b/masto") == first.at("b/masto"));
    CHECK(second.at("new/masto") == utc("2026-12-02T15:00:00Z")); // the next free one

    SUBCASE("a slot that was given up is taken by the next new post")
    {
      cal.posts.erase(cal.posts.begin() + 1); // "a"
      auto kept = second;
      kept.erase("a/masto");
      add_queued(cal, "later");
      const auto third = queue::assign_slots(cal, kept, monday_10 + std::chrono::hours(2));
      CHECK(third.at("later/masto") == utc("2026-11-30T15:00:00Z"));
      CHECK(third.at("new/masto") == second.at("new/masto"));
    }
    SUBCASE("a slot no longer in the calendar is replaced; past ones stay")
    {
      cal.slots[0] = slot_rule({ "30 9 * * MON,WED,FRI" }); // no more 16:00
      const auto later = queue::assign_slots(cal, second, utc("2026-11-30T16:00:00Z"));
      CHECK(later.at("a/masto") == first.at("a/masto"));           // Mon 16:00 Berlin: already past
      CHECK(later.at("b/masto") == first.at("b/masto"));           // Wed 09:30: still a slot
      CHECK(later.at("new/masto") == utc("2026-12-04T08:30:00Z")); // Fri 09:30
    }
  }

  TEST_CASE("slots for some accounts; disabled and dated posts take none")
  {
    auto cal = test::make_calendar();
    cal.slots.push_back(slot_rule({ "0 12 * * *" }, { "sky" }));
    add_queued(cal, "q", { "sky" });
    add_queued(cal, "off", { "sky" }).enabled = false;
    test::add_post(cal, "dated", "2026-12-01T12:00:00Z", "hi", { "sky" });
    const auto slots = queue::assign_slots(cal, {}, utc("2026-11-30T12:00:00Z"));
    CHECK(slots.size() == 1);
    CHECK(slots.at("q/sky") == utc("2026-12-01T12:00:00Z")); // strictly after now
    CHECK(queue::is_slot(cal, "sky", utc("2026-12-03T12:00:00Z")));
    CHECK_FALSE(queue::is_slot(cal, "masto", utc("2026-12-03T12:00:00Z")));
    CHECK_FALSE(queue::is_slot(cal, "sky", utc("2026-12-03T12:01:00Z")));
  }

  TEST_CASE("a slot skipped by a DST gap goes out when the gap ends")
  {
    auto cal = test::make_calendar();
    cal.zone = Zone::locate("Europe/Berlin").value();
    cal.slots.push_back(slot_rule({ "30 2 * * SUN" }));
    add_queued(cal, "a");
    // Sunday 2027-03-28: the clocks jump from 02:00 to 03:00 CET -> CEST.
    const auto slots = queue::assign_slots(cal, {}, utc("2027-03-27T12:00:00Z"));
    CHECK(slots.at("a/masto") == utc("2027-03-28T01:00:00Z"));
  }
}
