#include "registry.hpp"

#include "registry_entries.hpp"

#include <array>

namespace herald::platforms {

std::span<const Platform* const>
all_platforms()
{
  // One line per platform (clang-format would pack five into two lines): each is easy to find.
  // clang-format off
  static const std::array<const Platform*, 5> platforms{
    &stub_platform(),
    &mastodon_platform(),
    &discord_platform(),
    &webhook_platform(),
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

} // namespace herald::platforms
