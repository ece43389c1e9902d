#pragma once

#include "schedule/clock.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

// What `herald report` keeps: timestamped snapshots of what the platforms count, so that growth
// over time can be shown. Snapshots are only ever added; a second snapshot at the same second
// replaces the first.
namespace herald::store {

// The counts of one published job at one moment, as the platform reported them: "likes",
// "reposts", "replies", "quotes", and "impressions" where the platform counts them (plugins
// may report more names).
struct PostSnapshot
{
  std::string calendar; // the job's calendar key
  std::string job_id;
  std::string account;
  std::string remote_id;
  TimePoint at{};
  std::map<std::string, int64_t> counts;
};

// An account's follower count at one moment.
struct FollowerSnapshot
{
  std::string calendar;
  std::string account;
  std::string platform;
  TimePoint at{};
  int64_t followers = 0;
};

class MetricsStore
{
public:
  virtual ~MetricsStore() = default;
  // Both take effect together or not at all (one write transaction per collect).
  virtual void begin_write() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;

  virtual void add_post_snapshot(const PostSnapshot& snapshot) = 0;
  virtual void add_follower_snapshot(const FollowerSnapshot& snapshot) = 0;
  // Every snapshot of the calendar's jobs (`calendar` is a calendar key), oldest first.
  virtual std::vector<PostSnapshot> post_snapshots(const std::string& calendar) = 0;
  // Every follower snapshot of the calendar's accounts, oldest first.
  virtual std::vector<FollowerSnapshot> follower_snapshots(const std::string& calendar) = 0;
};

// Opens the metrics tables of the state at `path` through open_sqlite_store() (which creates and
// migrates it), then a connection of its own with the same pragmas (busy timeout, WAL,
// synchronous=FULL). Throws herald::Error (status `state`) when it cannot.
std::unique_ptr<MetricsStore> open_sqlite_metrics_store(const std::filesystem::path& path);

} // namespace herald::store
