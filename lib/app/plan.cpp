#include "plan.hpp"

#include "content_check.hpp"
#include "tick.hpp"

#include "platforms/registry.hpp"
#include "queue/expand.hpp"
#include "queue/slots.hpp"
#include "queue/split_parts.hpp"
#include "store/state_location.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <tuple>

namespace herald::app {

namespace {

// The slots the state already gave this calendar's queued posts. The calendar is found by its
// identity, not by where its file sits: hosts sharing the state see the same slots.
queue::SlotTimes
slots_in_state(const std::filesystem::path& state, const std::string& key)
{
  queue::SlotTimes slots;
  if (state.empty() || !store::StateLocation(state).exists()) {
    return slots;
  }
  auto store = store::open_store(state);
  store::JobFilter filter;
  filter.calendar = key;
  for (const auto& job : store->list_jobs(filter)) {
    if (queue::holds_slot(job)) {
      slots.emplace(job.id, job.due);
    }
  }
  return slots;
}

std::optional<platforms::OutArticle>
article_for(const calendar::Post& post, const calendar::Account& account)
{
  const calendar::Article article = calendar::article_for(post, account.name);
  if (article.empty() || !publishes_articles(account)) {
    return std::nullopt;
  }
  return queue::out_article(article);
}

} // namespace

void
fetch_link_cards(Plan& plan, http::HttpTransport& transport)
{
  if (!plan.loaded.calendar) {
    return;
  }
  const calendar::Calendar& cal = *plan.loaded.calendar;
  for (auto& entry : plan.entries) {
    const auto& account = cal.accounts.at(entry.account);
    const platforms::Platform* platform = platforms::find_platform(account.platform);
    const calendar::Post* post = cal.find_post(entry.post_id);
    entry.cards.assign(entry.parts.size(), std::nullopt);
    entry.card_problems.assign(entry.parts.size(), "");
    if (!platform || !post || !post->link_card ||
        !platform->capabilities_for(queue::account_config(account)).link_cards) {
      continue;
    }
    for (size_t i = 0; i < entry.parts.size(); ++i) {
      const auto link =
        entry.parts[i].media.empty() ? platforms::first_link(entry.parts[i].text) : std::nullopt;
      if (!link) {
        continue;
      }
      auto card = platforms::fetch_link_card(transport, *link);
      if (card) {
        entry.cards[i] = std::move(*card);
      } else {
        entry.card_problems[i] = std::move(card.error());
      }
    }
  }
}

Plan
make_plan(const std::filesystem::path& file, TimePoint from, TimePoint until,
          const calendar::LoadOptions& options, const std::filesystem::path& state, TimePoint now)
{
  Plan plan;
  plan.loaded = load_checked(file, options);
  plan.loaded.diagnostics.drop_unset_secrets(); // a plan publishes nothing
  if (!plan.loaded.calendar || plan.loaded.diagnostics.has_errors()) {
    return plan;
  }
  const calendar::Calendar& cal = *plan.loaded.calendar;
  const auto has_queue = [](const calendar::Post& p) {
    return p.enabled && p.schedule.kind == calendar::Schedule::Kind::queue;
  };
  queue::SlotTimes kept;
  queue::SlotTimes slots;
  if (std::any_of(cal.posts.begin(), cal.posts.end(), has_queue)) {
    kept = slots_in_state(state, calendar_key(cal));
    slots = queue::assign_slots(cal, kept, now);
  }
  for (const auto& post : cal.posts) {
    if (!post.enabled) {
      continue;
    }
    const bool queued = post.schedule.kind == calendar::Schedule::Kind::queue;
    const auto expansion = queue::expand(post, cal.zone, from, until, from);
    if (expansion.truncated) {
      // The plan must not look complete when it is not.
      plan.loaded.diagnostics.warning(
        post.pos,
        fmt::format("post '{}' has more than {} occurrences in this plan's window; only "
                    "the first {} are shown",
                    post.id, queue::k_max_occurrences_per_post, queue::k_max_occurrences_per_post));
    }
    for (const auto& account : post.to) {
      const std::string slot_id = queued ? queue::job_id(post.id, "", account) : "";
      std::vector<queue::Occurrence> slot;
      if (queued && slots.contains(slot_id)) {
        slot.push_back({ slots.at(slot_id), "" });
      }
      for (const auto& occurrence : queued ? slot : expansion.occurrences) {
        if (occurrence.due < from || occurrence.due > until) {
          continue;
        }
        PlanEntry entry;
        entry.due = occurrence.due;
        entry.job_id = queue::job_id(post.id, occurrence.label, account);
        entry.post_id = post.id;
        entry.account = account;
        entry.platform = cal.accounts.at(account).platform;
        entry.parts = queue::parts_for(post, cal.accounts.at(account));
        entry.is_thread = entry.parts.size() > 1;
        entry.article = article_for(post, cal.accounts.at(account));
        entry.recurring = !occurrence.label.empty();
        entry.queued = queued;
        entry.new_slot = queued && !(kept.contains(slot_id) && kept.at(slot_id) == entry.due);
        plan.entries.push_back(std::move(entry));
      }
    }
  }
  std::sort(plan.entries.begin(), plan.entries.end(), [](const auto& a, const auto& b) {
    return std::tie(a.due, a.job_id) < std::tie(b.due, b.job_id);
  });
  return plan;
}

} // namespace herald::app
