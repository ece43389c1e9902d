#include "metrics.hpp"

#include "registry.hpp"

#include <fmt/core.h>

#include <chrono>

namespace herald::platforms {

TimePoint
now_of(const AdapterContext& context)
{
  return context.clock
           ? context.clock->now()
           : std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

Result<std::optional<int64_t>, PublishError>
follower_count(const nlohmann::json& body, const char* key, std::string_view what)
{
  if (!body.is_object() || !body.contains(key) || !body[key].is_number_integer()) {
    return unexpected(PublishError{
      PublishError::Kind::permanent, fmt::format("{}: the answer has no {}", what, key), {} });
  }
  return std::optional<int64_t>(body[key].get<int64_t>());
}

std::unique_ptr<MetricsSource>
Platform::make_metrics(const AccountConfig& /*account*/, const AdapterContext& /*context*/) const
{
  return nullptr;
}

std::unique_ptr<MetricsSource>
make_metrics_source(const AccountConfig& account, const AdapterContext& context)
{
  const Platform* platform = find_platform(account.platform);
  return platform == nullptr ? nullptr : platform->make_metrics(account, context);
}

} // namespace herald::platforms
