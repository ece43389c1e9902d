#include "sync.hpp"

#include "expand.hpp"
#include "slots.hpp"
#include "split_parts.hpp"

#include "platforms/post.hpp"
#include "util/hash.hpp"

#include <fmt/core.h>

#include <unordered_map>
#include <unordered_set>

namespace herald::queue {

namespace {

// `path` relative to the calendar's directory, so that a job reads the same on every host that
// shares the calendar, wherever its checkout sits (the runner resolves it against its own).
std::filesystem::path
relative_to(const std::filesystem::path& path, const std::filesystem::path& calendar_dir)
{
  const auto relative = path.lexically_normal().lexically_relative(calendar_dir);
  return relative.empty() ? path : relative;
}

std::vector<platforms::OutPart>
out_parts(const std::vector<calendar::Content>& parts, const std::filesystem::path& calendar_dir)
{
  std::vector<platforms::OutPart> out;
  for (const auto& part : parts) {
    platforms::OutPart p;
    p.text = part.text;
    for (const auto& media : part.media) {
      p.media.push_back({ relative_to(media.path, calendar_dir), media.alt });
    }
    out.push_back(std::move(p));
  }
  return out;
}

bool
same_plan(const store::Job& a, const store::Job& b)
{
  return a.due == b.due && a.revision == b.revision && a.payload == b.payload &&
         a.grace == b.grace && a.platform == b.platform;
}

} // namespace

bool
follows_edits(const store::Job& job)
{
  return job.state == store::JobState::pending ||
         (job.state == store::JobState::retry_wait && !job.error.starts_with("maybe-sent"));
}

namespace {

// What one account publishes for one post, serialised once and shared by every occurrence.
struct Rendered
{
  std::string payload;
  std::string revision;
};

Rendered
render(const calendar::Post& post, const calendar::Account& account,
       const std::string& account_json, const std::filesystem::path& calendar_dir)
{
  const std::string parts =
    platforms::to_json(out_parts(parts_for(post, account), calendar_dir)).dump();
  // The revision covers what the audience would see, not where it is sent from, so that the
  // idempotency key derived from it changes exactly when the content does.
  // `link_card: false` and the long-form keys only when set, so that the payloads and the
  // revisions of other posts stay as they were.
  const calendar::Article own = calendar::article_for(post, account.name);
  const std::string article =
    own.empty() ? std::string() : platforms::to_json(out_article(own)).dump();
  Hasher revision;
  revision.field(parts);
  if (!article.empty()) {
    revision.field(article);
  }
  return { R"({"account":)" + account_json + R"(,"parts":)" + parts +
             (post.link_card ? "" : R"(,"link_card":false)") +
             (article.empty() ? "" : R"(,"article":)" + article) + "}",
           revision.hex() };
}

nlohmann::json
retry_json(const calendar::RetrySettings& retry)
{
  auto json = nlohmann::json::object();
  if (retry.attempts) {
    json["attempts"] = *retry.attempts;
  }
  if (retry.backoff) {
    json["backoff"] = retry.backoff->count();
  }
  if (retry.max_backoff) {
    json["max_backoff"] = retry.max_backoff->count();
  }
  if (retry.jitter_percent) {
    json["jitter"] = *retry.jitter_percent;
  }
  return json;
}

std::string
account_json(const calendar::Account& account, const std::filesystem::path& calendar_dir)
{
  nlohmann::json json{ { "name", account.name },
                       { "platform", account.platform },
                       { "settings", account.settings },
                       { "base_dir", relative_to(account.base_dir, calendar_dir).string() } };
  // The runner reads the account's retry policy from the job, as it does the settings.
  if (account.retry) {
    json["retry"] = retry_json(*account.retry);
  }
  return json.dump();
}

} // namespace

SyncStats
sync_calendar(store::Store& store, const calendar::Calendar& calendar,
              const std::string& calendar_key, TimePoint window_from, TimePoint window_to,
              TimePoint count_origin, TimePoint now, bool cancel_missing)
{
  SyncStats stats;
  store::JobFilter filter;
  filter.calendar = calendar_key;
  std::unordered_map<std::string, store::Job> existing;
  for (auto& job : store.list_jobs(filter)) {
    existing.emplace(job.id, std::move(job));
  }

  const std::filesystem::path calendar_dir =
    std::filesystem::absolute(calendar.file).lexically_normal().parent_path();
  std::unordered_map<std::string, std::string> accounts_json;
  for (const auto& [name, account] : calendar.accounts) {
    accounts_json.emplace(name, account_json(account, calendar_dir));
  }

  // A queued post keeps the slot its job already has (see assign_slots), even when cancelled
  // by hand; one removed from the calendar gave its slot up.
  SlotTimes slots;
  if (!calendar.slots.empty()) {
    SlotTimes kept_slots;
    for (const auto& [id, job] : existing) {
      if (holds_slot(job)) {
        kept_slots.emplace(id, job.due);
      }
    }
    slots = assign_slots(calendar, kept_slots, now);
  }

  std::unordered_set<std::string> wanted;
  std::unordered_map<std::string, const calendar::Post*> posts;
  for (const auto& post : calendar.posts) {
    posts.emplace(post.id, &post);
    if (!post.enabled) {
      continue;
    }
    const bool queued = post.schedule.kind == calendar::Schedule::Kind::queue;
    Expansion expansion = expand(post, calendar.zone, window_from, window_to, count_origin);
    if (expansion.truncated) {
      stats.warnings.push_back("post '" + post.id + "' has more than " +
                               std::to_string(k_max_occurrences_per_post) +
                               " occurrences in the next weeks; only the first are queued");
    }
    for (const auto& account : post.to) {
      const Rendered rendered =
        render(post, calendar.accounts.at(account), accounts_json.at(account), calendar_dir);
      if (queued) {
        const auto slot = slots.find(job_id(post.id, "", account));
        expansion.occurrences.clear();
        if (slot != slots.end()) {
          expansion.occurrences.push_back({ slot->second, "" });
        } else {
          stats.warnings.push_back(fmt::format(
            "post '{}' is queued, but account '{}' has no free posting slot in the next five "
            "years; it is not scheduled",
            post.id, account));
        }
      }
      for (const auto& occurrence : expansion.occurrences) {
        store::Job job;
        job.calendar = calendar_key;
        job.id = job_id(post.id, occurrence.label, account);
        job.post_id = post.id;
        job.account = account;
        job.platform = calendar.accounts.at(account).platform;
        job.occurrence = occurrence.label;
        job.due = occurrence.due;
        job.state = store::JobState::pending;
        job.revision = rendered.revision;
        job.payload = rendered.payload;
        job.grace = post.grace.value_or(calendar.grace);
        job.updated_at = now;
        wanted.insert(job.id);
        const auto it = existing.find(job.id);
        if (it == existing.end()) {
          store.insert_job(job);
          ++stats.inserted;
          continue;
        }
        const store::Job& old = it->second;
        const bool revivable =
          old.state == store::JobState::cancelled && old.error.starts_with("removed:");
        if (follows_edits(old) && !same_plan(old, job)) {
          job.state = old.state;
          job.attempts = old.attempts;
          job.next_attempt = old.next_attempt;
          job.error = old.error;
          if (store.update_job_if(job, old.state, old.lease_token)) {
            ++stats.updated;
          }
        } else if (revivable) {
          if (store.update_job_if(job, store::JobState::cancelled, old.lease_token)) {
            ++stats.revived;
          }
        }
      }
    }
  }

  for (auto& [id, job] : existing) {
    if (!cancel_missing) {
      break;
    }
    if (job.state != store::JobState::pending || wanted.contains(id)) {
      continue;
    }
    const auto post = posts.find(job.post_id);
    std::string_view reason;
    if (post == posts.end()) {
      reason = k_removed_post;
    } else if (!post->second->enabled) {
      reason = k_disabled_post;
    } else if (std::find(post->second->to.begin(), post->second->to.end(), job.account) ==
               post->second->to.end()) {
      reason = k_removed_account;
    } else if (job.occurrence.empty() || job.due >= window_from ||
               post->second->schedule.kind != calendar::Schedule::Kind::cron) {
      reason = k_removed_occurrence;
    } else {
      continue; // a recurring occurrence before the window: left for the missed rules
    }
    store::Job cancelled = job;
    cancelled.state = store::JobState::cancelled;
    cancelled.error = std::string(reason);
    cancelled.updated_at = now;
    if (store.update_job_if(cancelled, store::JobState::pending, job.lease_token)) {
      ++stats.cancelled;
    }
  }
  return stats;
}

} // namespace herald::queue
