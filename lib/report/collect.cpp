#include "collect.hpp"

#include "platforms/platform.hpp"

#include <fmt/core.h>

#include <map>

namespace herald::report {

namespace {

std::string
describe(const platforms::PublishError& error)
{
  std::string text = error.message;
  if (error.retry_after) {
    text += fmt::format(" (retry after {})", format_utc(*error.retry_after));
  }
  return text;
}

AccountOutcome
collect_account(const calendar::Account& account, const std::string& calendar_key,
                const std::vector<const store::Job*>& jobs, const SourceFactory& make_source,
                TimePoint now, CollectResult& result)
{
  AccountOutcome outcome{ account.name,
                          account.platform,
                          AccountOutcome::Status::counted,
                          jobs.size(),
                          0,
                          std::nullopt,
                          "" };
  std::unique_ptr<platforms::MetricsSource> source;
  try {
    source = make_source({ account.name, account.platform, account.settings, account.base_dir });
  } catch (const std::exception& e) {
    outcome.status = AccountOutcome::Status::failed;
    outcome.error = e.what();
    return outcome;
  }
  if (!source) {
    outcome.status = AccountOutcome::Status::skipped;
    outcome.error = fmt::format("the {} platform reports no metrics", account.platform);
    return outcome;
  }
  if (auto why = source->unsupported()) {
    outcome.status = AccountOutcome::Status::skipped;
    outcome.error = std::move(*why);
    return outcome;
  }
  auto followers = source->followers();
  if (!followers) {
    outcome.status = AccountOutcome::Status::failed;
    outcome.error = describe(followers.error());
    return outcome;
  }
  outcome.followers = *followers;
  if (*followers) {
    result.follower_snapshots.push_back(
      { calendar_key, account.name, account.platform, now, **followers });
  }

  std::vector<std::string> ids;
  std::map<std::string, const store::Job*> by_id;
  for (const store::Job* job : jobs) {
    if (by_id.emplace(job->remote_id, job).second) {
      ids.push_back(job->remote_id);
    }
  }
  if (ids.empty()) {
    return outcome;
  }
  auto counts = source->post_counts(ids);
  for (auto& post : counts.posts) {
    const auto it = by_id.find(post.remote_id);
    if (it == by_id.end()) {
      continue;
    }
    const store::Job& job = *it->second;
    result.post_snapshots.push_back(
      { job.calendar, job.id, job.account, job.remote_id, now, std::move(post.counts) });
    ++outcome.posts_counted;
  }
  if (counts.stopped) {
    outcome.status = AccountOutcome::Status::partial;
    outcome.error = describe(*counts.stopped);
  }
  return outcome;
}

} // namespace

std::string_view
to_string(AccountOutcome::Status status)
{
  switch (status) {
  case AccountOutcome::Status::counted:
    return "counted";
  case AccountOutcome::Status::partial:
    return "partial";
  case AccountOutcome::Status::failed:
    return "failed";
  case AccountOutcome::Status::skipped:
    return "skipped";
  }
  return "";
}

bool
CollectResult::failed() const
{
  for (const auto& account : accounts) {
    if (account.status == AccountOutcome::Status::failed ||
        account.status == AccountOutcome::Status::partial) {
      return true;
    }
  }
  return false;
}

CollectResult
collect(const calendar::Calendar& calendar, const std::string& calendar_key,
        const std::vector<store::Job>& posted, const SourceFactory& make_source, TimePoint now)
{
  CollectResult result;
  for (const auto& [name, account] : calendar.accounts) {
    std::vector<const store::Job*> jobs;
    for (const auto& job : posted) {
      if (job.account == name && job.state == store::JobState::posted && !job.remote_id.empty()) {
        jobs.push_back(&job);
      }
    }
    result.accounts.push_back(
      collect_account(account, calendar_key, jobs, make_source, now, result));
  }
  return result;
}

} // namespace herald::report
