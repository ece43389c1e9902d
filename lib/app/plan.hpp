#pragma once

#include "calendar/loader.hpp"
#include "platforms/link_card.hpp"
#include "platforms/post.hpp"
#include "schedule/clock.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace herald::app {

struct PlanEntry
{
  TimePoint due;
  std::string job_id;
  std::string post_id;
  std::string account;
  std::string platform;
  std::vector<calendar::Content> parts; // rendered for the account
  bool is_thread = false;
  bool recurring = false;
  bool queued = false;   // `queue: true`: `due` is the posting slot it got
  bool new_slot = false; // queued, and the slot is not in the state yet: the next run gives it
  // The post's long-form keys, where the account's platform publishes them (Capabilities).
  std::optional<platforms::OutArticle> article;
  // --fetch-cards: per part, the link card the platform would get (link_cards_for), or why not.
  std::vector<std::optional<platforms::LinkCard>> cards;
  std::vector<std::string> card_problems;
};

struct Plan
{
  calendar::LoadResult loaded;    // the calendar and its diagnostics (warnings shown with the plan)
  std::vector<PlanEntry> entries; // ordered by time, then job id
};

// What will fire in [from, until], without changing any state. Queued posts show the slots
// the state at `state` gave them (when it exists), and the slots the next run at `now` would
// give the others. Empty when the calendar has errors (see loaded.diagnostics).
// Fetches the link card of each part that would get one (a platform that takes cards, the
// account's and the post's `link_card:` not false, a link and no media), as publishing does.
void fetch_link_cards(Plan& plan, http::HttpTransport& transport);

Plan make_plan(const std::filesystem::path& calendar, TimePoint from, TimePoint until,
               const calendar::LoadOptions& options, const std::filesystem::path& state,
               TimePoint now);

} // namespace herald::app
