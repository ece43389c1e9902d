#include "registry.hpp"

#include "registry_entries.hpp"

#include <fmt/core.h>

#include <array>

namespace herald::platforms {

std::span<const Platform* const>
all_platforms()
{
  // One line per platform, so that adding one stays a one-line change.
  // clang-format off
  static const std::array<const Platform*, 14> platforms{
    &stub_platform(),
    &mastodon_platform(),
    &bluesky_platform(),
    &x_platform(),
    &linkedin_platform(),
    &threads_platform(),
    &discord_platform(),
    &webhook_platform(),
    &slack_platform(),
    &telegram_platform(),
    &matrix_platform(),
    &devto_platform(),
    &lemmy_platform(),
    &exec_platform(),
  };
  // clang-format on
  return platforms;
}

const Platform*
find_platform(std::string_view name)
{
  for (const auto* platform : all_platforms()) {
    if (platform->name() == name) {
      return platform;
    }
  }
  return nullptr;
}

std::string_view
to_string(PublishError::Kind kind)
{
  switch (kind) {
  case PublishError::Kind::not_sent:
    return "not-sent";
  case PublishError::Kind::maybe_sent:
    return "maybe-sent";
  case PublishError::Kind::rate_limited:
    return "rate-limited";
  case PublishError::Kind::permanent:
    return "permanent";
  case PublishError::Kind::auth:
    return "auth";
  }
  return "?";
}

PublishError
in_thread(PublishError error, size_t index, size_t count, const std::optional<Published>& first)
{
  if (count > 1) {
    error.message =
      fmt::format("{} (part {} of {}{})", error.message, index + 1, count,
                  first ? fmt::format("; the thread starts at {}", first->url) : std::string());
  }
  return error;
}

} // namespace herald::platforms
