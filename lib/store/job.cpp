#include "job.hpp"

#include <array>
#include <utility>

namespace herald::store {

namespace {
constexpr std::array<std::pair<JobState, std::string_view>, 9> k_names{ {
  { JobState::pending, "pending" },
  { JobState::claimed, "claimed" },
  { JobState::sending, "sending" },
  { JobState::posted, "posted" },
  { JobState::retry_wait, "retry-wait" },
  { JobState::failed, "failed" },
  { JobState::unknown, "unknown" },
  { JobState::missed, "missed" },
  { JobState::cancelled, "cancelled" },
} };
} // namespace

std::string_view
to_string(JobState state)
{
  for (const auto& [s, name] : k_names) {
    if (s == state) {
      return name;
    }
  }
  return "?";
}

std::optional<JobState>
parse_job_state(std::string_view text)
{
  for (const auto& [s, name] : k_names) {
    if (name == text) {
      return s;
    }
  }
  return std::nullopt;
}

} // namespace herald::store
