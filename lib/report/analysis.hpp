#pragma once

#include "clicks.hpp"

#include "schedule/clock.hpp"
#include "schedule/zone.hpp"
#include "store/metrics_store.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

// The numbers of `herald report`, computed from stored snapshots. Every formula is written out
// in herald(1), REPORT; keep the two in step.
namespace herald::report {

enum class Grouping
{
  post, // one row per published job (a post on one account, one occurrence)
  campaign,
  account,
  weekday,
  hour,
};

std::optional<Grouping> parse_grouping(std::string_view text);
std::string_view to_string(Grouping grouping);

// One post herald published (a job in state `posted`), and what its links were tagged with.
struct PublishedPost
{
  std::string calendar; // the job's calendar key
  std::string job_id;
  std::string post_id;
  std::string account;
  std::string platform;
  std::string url;
  TimePoint posted_at{};
  std::string campaign;     // the post's `campaign:`, else its id
  std::string utm_source;   // as its links were tagged; empty when they were not
  std::string utm_campaign; // else the campaign
  std::string utm_content;  // else the post id
};

struct ReportInput
{
  std::vector<PublishedPost> posts;
  std::vector<store::PostSnapshot> post_snapshots;
  std::vector<store::FollowerSnapshot> follower_snapshots;
  std::optional<ClickTable> clicks;
  Zone zone = Zone::utc(); // weekdays and hours are the calendar's
  TimePoint since{};       // the window: posts published in [since, until]
  TimePoint until{};
  Grouping by = Grouping::post;
};

// The totals of a set of posts and the rates derived from them. A rate is absent when its
// denominator is unknown or zero.
struct Totals
{
  size_t posts = 0;
  int64_t interactions = 0; // likes + reposts + replies + quotes
  std::map<std::string, int64_t> counts;
  int64_t followers = 0; // sum of followers at publish time, over posts where it is known
  int64_t interactions_with_followers = 0;
  int64_t impressions = 0; // sum over posts whose platform reports impressions
  int64_t interactions_with_impressions = 0;
  int64_t reach = 0; // impressions where reported, else followers at publish time
  std::optional<int64_t> clicks;
  std::optional<int64_t> conversions;

  std::optional<double> engagement_rate() const;           // interactions / followers
  std::optional<double> engagement_per_impression() const; // interactions / impressions
  std::optional<double> click_through_rate() const;        // clicks / reach
  std::optional<double> conversion_rate() const;           // conversions / clicks
};

struct PostRow
{
  PublishedPost post;
  std::map<std::string, int64_t> counts; // the latest snapshot in the window
  std::optional<TimePoint> counted_at;   // when that snapshot was taken
  size_t snapshots = 0;                  // how many snapshots of the post exist
  int64_t interactions = 0;              // likes + reposts + replies + quotes of `counts`
  std::optional<int64_t> followers_at_publish;
  std::optional<int64_t> impressions;
  Totals totals; // of this post alone
};

struct GroupRow
{
  std::string key; // job id, campaign, account, weekday name ("Tuesday") or hour ("09:00")
  Totals totals;
};

struct FollowerPoint
{
  TimePoint at{};
  int64_t followers = 0;
};

struct AccountGrowth
{
  std::string account;
  std::string platform;
  std::optional<int64_t> start;      // the last snapshot at or before `since`, else the first after
  std::optional<int64_t> end;        // the last snapshot at or before `until`
  std::vector<FollowerPoint> series; // start's snapshot, then every one in the window

  std::optional<int64_t> growth() const;     // end - start
  std::optional<double> growth_rate() const; // (end - start) / start
};

struct Best
{
  std::string key;
  double engagement_rate = 0;
  size_t posts = 0;
};

struct Report
{
  TimePoint since{};
  TimePoint until{};
  Grouping by = Grouping::post;
  bool has_clicks = false;
  std::vector<PostRow> posts; // by publish time
  std::vector<GroupRow> rows; // by the grouping: publish time, name, weekday or hour order
  Totals total;
  std::vector<AccountGrowth> accounts; // by name
  std::optional<Best> best_weekday;    // the highest engagement rate; ties: the earlier one
  std::optional<Best> best_hour;
};

// The follower count of `account` at `posted_at`: the snapshot nearest before it (at or
// before), else the first one after; nothing without snapshots.
std::optional<int64_t> followers_at(const std::vector<store::FollowerSnapshot>& snapshots,
                                    const std::string& account, TimePoint posted_at);

Report build_report(const ReportInput& input);

} // namespace herald::report
