#pragma once

#include "calendar/loader.hpp"
#include "schedule/clock.hpp"

#include <filesystem>
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
};

struct Plan
{
  calendar::LoadResult loaded;    // the calendar and its diagnostics (warnings shown with the plan)
  std::vector<PlanEntry> entries; // ordered by time, then job id
};

// What will fire in [from, until], without touching any state. Empty when the calendar has
// errors (see loaded.diagnostics).
Plan make_plan(const std::filesystem::path& calendar, TimePoint from, TimePoint until,
               const calendar::LoadOptions& options);

} // namespace herald::app
