#include "analysis.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <set>

namespace herald::report {

namespace {

constexpr std::array<std::string_view, 4> k_interaction_counts = { "likes", "reposts", "replies",
                                                                   "quotes" };
// Monday first, as ISO 8601 counts.
constexpr std::array<std::string_view, 7> k_weekdays = { "Monday",   "Tuesday", "Wednesday",
                                                         "Thursday", "Friday",  "Saturday",
                                                         "Sunday" };

std::optional<double>
ratio(int64_t numerator, int64_t denominator)
{
  if (denominator <= 0) {
    return std::nullopt;
  }
  return static_cast<double>(numerator) / static_cast<double>(denominator);
}

// Impressions under either name plugins use for them.
std::optional<int64_t>
impressions_of(const std::map<std::string, int64_t>& counts)
{
  for (const char* name : { "impressions", "views" }) {
    if (const auto it = counts.find(name); it != counts.end()) {
      return it->second;
    }
  }
  return std::nullopt;
}

// 0 = Monday ... 6 = Sunday, and the hour, of an instant on the calendar's clock.
std::pair<int, int>
weekday_and_hour(TimePoint t, const Zone& zone)
{
  const auto local = zone.to_local(t);
  const auto day = std::chrono::floor<std::chrono::days>(local);
  const unsigned iso = std::chrono::weekday(std::chrono::local_days(day)).iso_encoding(); // 1..7
  const auto hour = std::chrono::duration_cast<std::chrono::hours>(local - day).count();
  return { static_cast<int>(iso) - 1, static_cast<int>(hour) };
}

bool
matches(const ClickRow& row, const PublishedPost& post)
{
  return row.campaign == post.utm_campaign && row.content == post.utm_content &&
         (row.source.empty() || row.source == post.utm_source);
}

void
add_post(Totals& totals, const PostRow& row)
{
  ++totals.posts;
  for (const auto& [name, value] : row.counts) {
    totals.counts[name] += value;
  }
  const int64_t interactions = row.interactions;
  totals.interactions += interactions;
  if (row.followers_at_publish) {
    totals.followers += *row.followers_at_publish;
    totals.interactions_with_followers += interactions;
  }
  if (row.impressions) {
    totals.impressions += *row.impressions;
    totals.interactions_with_impressions += interactions;
  }
  totals.reach += row.impressions ? *row.impressions : row.followers_at_publish.value_or(0);
}

// Clicks of a set of posts: each row of the export counts once, even when it matches several
// posts of the set (one post on two accounts, without utm_source to tell them apart).
void
add_clicks(Totals& totals, const std::vector<const PostRow*>& rows, const ClickTable& clicks)
{
  std::set<size_t> matched;
  for (const PostRow* row : rows) {
    for (size_t i = 0; i < clicks.size(); ++i) {
      if (matches(clicks[i], row->post)) {
        matched.insert(i);
      }
    }
  }
  int64_t sum = 0;
  int64_t conversions = 0;
  for (const size_t i : matched) {
    sum += clicks[i].clicks;
    conversions += clicks[i].conversions;
  }
  totals.clicks = sum;
  totals.conversions = conversions;
}

Totals
totals_of(const std::vector<const PostRow*>& rows, const std::optional<ClickTable>& clicks)
{
  Totals totals;
  for (const PostRow* row : rows) {
    add_post(totals, *row);
  }
  if (clicks) {
    add_clicks(totals, rows, *clicks);
  }
  return totals;
}

std::string
group_key(const PostRow& row, Grouping by, const Zone& zone)
{
  switch (by) {
  case Grouping::post:
    return row.post.job_id;
  case Grouping::campaign:
    return row.post.campaign;
  case Grouping::account:
    return row.post.account;
  case Grouping::weekday:
    return std::string(k_weekdays[size_t(weekday_and_hour(row.post.posted_at, zone).first)]);
  case Grouping::hour:
    return fmt::format("{:02}:00", weekday_and_hour(row.post.posted_at, zone).second);
  }
  return "";
}

// The groups of `rows` under `by`, in a reading order: posts by time, weekdays Monday first,
// hours by the clock, names alphabetically.
std::vector<GroupRow>
group(const std::vector<PostRow>& rows, Grouping by, const Zone& zone,
      const std::optional<ClickTable>& clicks)
{
  std::vector<std::string> order;
  std::map<std::string, std::vector<const PostRow*>> members;
  for (const auto& row : rows) {
    auto key = group_key(row, by, zone);
    if (members.find(key) == members.end()) {
      order.push_back(key);
    }
    members[key].push_back(&row);
  }
  const auto rank = [&](const std::string& key) -> size_t {
    if (by == Grouping::weekday) {
      return size_t(std::find(k_weekdays.begin(), k_weekdays.end(), key) - k_weekdays.begin());
    }
    return 0;
  };
  if (by == Grouping::weekday) {
    std::sort(order.begin(), order.end(),
              [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
  } else if (by != Grouping::post) {
    std::sort(order.begin(), order.end());
  }
  std::vector<GroupRow> out;
  out.reserve(order.size());
  for (const auto& key : order) {
    out.push_back({ key, totals_of(members[key], clicks) });
  }
  return out;
}

std::optional<Best>
best_of(const std::vector<GroupRow>& rows)
{
  std::optional<Best> best;
  for (const auto& row : rows) {
    const auto rate = row.totals.engagement_rate();
    if (rate && (!best || *rate > best->engagement_rate)) {
      best = Best{ row.key, *rate, row.totals.posts };
    }
  }
  return best;
}

std::vector<AccountGrowth>
growth_of(const ReportInput& input)
{
  std::map<std::string, AccountGrowth> accounts;
  for (const auto& s : input.follower_snapshots) {
    auto& growth = accounts[s.account];
    growth.account = s.account;
    growth.platform = s.platform;
    if (s.at > input.until) {
      continue;
    }
    if (s.at <= input.since) {
      // A later snapshot at or before `since` is a better start.
      growth.start = s.followers;
      growth.series.assign(1, { s.at, s.followers });
    } else {
      if (!growth.start) {
        growth.start = s.followers;
      }
      growth.series.push_back({ s.at, s.followers });
    }
    growth.end = s.followers;
  }
  std::vector<AccountGrowth> out;
  out.reserve(accounts.size());
  for (auto& [name, growth] : accounts) {
    out.push_back(std::move(growth));
  }
  return out;
}

} // namespace

std::optional<Grouping>
parse_grouping(std::string_view text)
{
  for (const auto g : { Grouping::post, Grouping::campaign, Grouping::account, Grouping::weekday,
                        Grouping::hour }) {
    if (to_string(g) == text) {
      return g;
    }
  }
  return std::nullopt;
}

std::string_view
to_string(Grouping grouping)
{
  switch (grouping) {
  case Grouping::post:
    return "post";
  case Grouping::campaign:
    return "campaign";
  case Grouping::account:
    return "account";
  case Grouping::weekday:
    return "weekday";
  case Grouping::hour:
    return "hour";
  }
  return "";
}

std::optional<double>
Totals::engagement_rate() const
{
  return ratio(interactions_with_followers, followers);
}

std::optional<double>
Totals::engagement_per_impression() const
{
  return ratio(interactions_with_impressions, impressions);
}

std::optional<double>
Totals::click_through_rate() const
{
  return clicks ? ratio(*clicks, reach) : std::nullopt;
}

std::optional<double>
Totals::conversion_rate() const
{
  return clicks && conversions ? ratio(*conversions, *clicks) : std::nullopt;
}

std::optional<int64_t>
AccountGrowth::growth() const
{
  if (!start || !end) {
    return std::nullopt;
  }
  return *end - *start;
}

std::optional<double>
AccountGrowth::growth_rate() const
{
  const auto g = growth();
  return g ? ratio(*g, *start) : std::nullopt;
}

std::optional<int64_t>
followers_at(const std::vector<store::FollowerSnapshot>& snapshots, const std::string& account,
             TimePoint posted_at)
{
  std::optional<int64_t> before;
  std::optional<int64_t> after;
  for (const auto& s : snapshots) {
    if (s.account != account) {
      continue;
    }
    if (s.at <= posted_at) {
      before = s.followers; // snapshots are oldest first: the last one wins
    } else if (!after) {
      after = s.followers;
    }
  }
  return before ? before : after;
}

Report
build_report(const ReportInput& input)
{
  Report report;
  report.since = input.since;
  report.until = input.until;
  report.by = input.by;
  report.has_clicks = input.clicks.has_value();
  // Hourly collects over months make many snapshots per post: index them once.
  std::map<std::pair<std::string_view, std::string_view>, std::vector<const store::PostSnapshot*>>
    snapshots_of;
  for (const auto& s : input.post_snapshots) {
    snapshots_of[{ s.calendar, s.job_id }].push_back(&s);
  }
  for (const auto& post : input.posts) {
    if (post.posted_at < input.since || post.posted_at > input.until) {
      continue;
    }
    PostRow row;
    row.post = post;
    static const std::vector<const store::PostSnapshot*> k_none;
    const auto found = snapshots_of.find({ post.calendar, post.job_id });
    for (const store::PostSnapshot* snapshot :
         found == snapshots_of.end() ? k_none : found->second) {
      const auto& s = *snapshot;
      ++row.snapshots;
      if (s.at <= input.until) {
        row.counts = s.counts; // oldest first: the last one in the window wins
        row.counted_at = s.at;
      }
    }
    row.followers_at_publish = followers_at(input.follower_snapshots, post.account, post.posted_at);
    row.impressions = impressions_of(row.counts);
    report.posts.push_back(std::move(row));
  }
  std::stable_sort(report.posts.begin(), report.posts.end(), [](const auto& a, const auto& b) {
    return a.post.posted_at < b.post.posted_at;
  });
  for (auto& row : report.posts) {
    for (const auto name : k_interaction_counts) {
      if (const auto it = row.counts.find(std::string(name)); it != row.counts.end()) {
        row.interactions += it->second;
      }
    }
    row.totals = totals_of({ &row }, input.clicks);
  }
  std::vector<const PostRow*> all;
  for (const auto& row : report.posts) {
    all.push_back(&row);
  }
  report.total = totals_of(all, input.clicks);
  report.rows = group(report.posts, input.by, input.zone, input.clicks);
  report.best_weekday = best_of(group(report.posts, Grouping::weekday, input.zone, input.clicks));
  report.best_hour = best_of(group(report.posts, Grouping::hour, input.zone, input.clicks));
  report.accounts = growth_of(input);
  return report;
}

} // namespace herald::report
