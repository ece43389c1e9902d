#pragma once

#include "calendar/model.hpp"
#include "platforms/metrics.hpp"
#include "store/job.hpp"
#include "store/metrics_store.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

// `herald report collect`: one snapshot of every published post's counts and every account's
// followers, read from the platforms.
namespace herald::report {

struct AccountOutcome
{
  enum class Status
  {
    counted, // followers and every post read
    partial, // some of it read, then an error (a rate limit): the rest waits for the next run
    failed,  // nothing read
    skipped, // the platform counts nothing herald can read
  };
  std::string account;
  std::string platform;
  Status status = Status::counted;
  size_t posts_asked = 0;
  size_t posts_counted = 0;
  std::optional<int64_t> followers;
  std::string error; // never holds a secret
};

std::string_view to_string(AccountOutcome::Status status);

struct CollectResult
{
  std::vector<AccountOutcome> accounts; // by name
  std::vector<store::PostSnapshot> post_snapshots;
  std::vector<store::FollowerSnapshot> follower_snapshots;

  bool failed() const; // an account failed or was read only in part
};

// Builds an account's metrics source; nullptr when its platform has none. May throw
// herald::Error (settings or credentials that cannot work): that account fails, the others go on.
using SourceFactory =
  std::function<std::unique_ptr<platforms::MetricsSource>(const platforms::AccountConfig&)>;

// Asks each account of `calendar` for its followers and the counts of its posts among
// `posted` (jobs in state posted, with a remote id), all stamped `now`. Follower snapshots are
// filed under `calendar_key`, post snapshots under their job's calendar. One account's failure
// stays with that account.
CollectResult collect(const calendar::Calendar& calendar, const std::string& calendar_key,
                      const std::vector<store::Job>& posted, const SourceFactory& make_source,
                      TimePoint now);

} // namespace herald::report
