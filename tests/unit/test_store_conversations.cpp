#include "state_backends.hpp"
#include "testutil.hpp"

#include "store/state_location.hpp"

#include <doctest/doctest.h>

using namespace herald;
using namespace herald::store;

TEST_SUITE("store::ConversationStore")
{
  TEST_CASE_TEMPLATE("conversations, triage and cursors survive a reopen", B, HERALD_STATE_BACKENDS)
  {
    B state;
    const auto path = state.location();
    {
      auto store = open_conversation_store(path);
      CHECK_FALSE(store->cursor("masto").has_value());
      store->set_cursor("masto", "510", "herald@example.social",
                        TimePoint(std::chrono::seconds(5)));
      ConversationRecord r;
      r.id = "a1b2c3";
      r.account = "masto";
      r.platform = "mastodon";
      r.key = "109";
      r.root_id = "100";
      r.snapshot = "[]";
      r.open = true;
      r.triage = "snoozed";
      r.triage_until = TimePoint(std::chrono::seconds(100));
      store->put(r);
      r.id = "a1ffff";
      r.key = "110";
      r.open = false;
      r.triage = "none";
      r.triage_until.reset();
      store->put(r);
    }
    auto store = open_conversation_store(path);
    CHECK(store->cursor("masto") == std::optional<std::string>("510"));
    CHECK(store->handles() == std::vector<std::string>{ "herald@example.social" });
    const auto found = store->find("masto", "109");
    REQUIRE(found);
    CHECK(found->id == "a1b2c3");
    CHECK(found->root_id == "100");
    CHECK(found->triage == "snoozed");
    CHECK(found->triage_until == TimePoint(std::chrono::seconds(100)));
    CHECK(store->list(true).size() == 1);
    CHECK(store->list(false).size() == 2);
    CHECK(store->find_by_id("a1").size() == 2);
    CHECK(store->find_by_id("a1b").size() == 1);
    CHECK(store->find_by_id("%").empty());
  }
}
