#pragma once

#include "context.hpp"

#include <string>

namespace herald::cmd {

struct PlanDiffCommand
{
  std::string against; // a git revision, or empty: the state
  std::string format;  // text or markdown (--json overrides both)
  std::string now;
};

// `herald plan --diff`: what syncing the calendar would change, as text, a pull-request comment
// in Markdown, or JSON; exit status 0 when nothing, 1 when something, 2 for an invalid calendar.
void run_plan_diff(const PlanDiffCommand& command, Context& context);

} // namespace herald::cmd
