#pragma once

#include "report/analysis.hpp"
#include "report/collect.hpp"

#include "calendar/loader.hpp"
#include "platforms/context.hpp"

#include <chrono>
#include <filesystem>
#include <optional>

namespace herald::app {

struct CollectRun
{
  calendar::LoadResult loaded; // with errors, nothing was asked or stored
  report::CollectResult result;
};

// `herald report collect`: reads the calendar, asks every account for its followers and the
// counts of the posts herald published with it, and stores them as snapshots stamped with the
// context's clock, in one transaction. Throws herald::Error when the state cannot be opened.
CollectRun collect_metrics(const std::filesystem::path& calendar,
                           const std::filesystem::path& state, const calendar::LoadOptions& options,
                           const platforms::AdapterContext& context);

struct ReportQuery
{
  std::filesystem::path calendar;
  std::filesystem::path state;
  calendar::LoadOptions options;
  TimePoint now{};
  std::chrono::seconds since{ std::chrono::hours(24 * 30) };
  report::Grouping by = report::Grouping::post;
  std::optional<std::filesystem::path> clicks;
};

struct ReportRun
{
  calendar::LoadResult loaded;
  report::Report report;
  std::string title;   // the calendar's name, else its file name
  std::string zone;    // the calendar's zone, for weekdays and hours
  std::string problem; // why there is no report (an unreadable --clicks file), else empty
};

// `herald report`: the posts the calendar published within `since` of `now` (and the one-off
// posts made with its accounts), with their latest counts and the accounts' follower growth.
ReportRun make_report(const ReportQuery& query);

} // namespace herald::app
