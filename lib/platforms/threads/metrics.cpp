// Threads insights for `herald report` (scope threads_manage_insights): GET /{media}/insights
// for each post's views, likes, replies, reposts and quotes, and GET /{user}/threads_insights
// for followers_count.
#include "platforms/metrics.hpp"

#include "http/ascii.hpp"

#include "platforms/threads/threads.hpp"

#include <fmt/core.h>

namespace herald::platforms {

namespace {

// A metric's number: total_value.value, or the last of values[].value.
std::optional<int64_t>
metric_value(const nlohmann::json& metric)
{
  const auto& total = json_member(json_member(metric, "total_value"), "value");
  if (total.is_number_integer()) {
    return total.get<int64_t>();
  }
  const auto& values = json_member(metric, "values");
  if (values.is_array() && !values.empty()) {
    const auto& value = json_member(values.back(), "value");
    if (value.is_number_integer()) {
      return value.get<int64_t>();
    }
  }
  return std::nullopt;
}

class ThreadsMetrics : public MetricsSource
{
public:
  ThreadsMetrics(const AccountConfig& account, const AdapterContext& context)
    : m_client(account, context)
  {
  }

  CountsResult post_counts(const std::vector<std::string>& remote_ids) override
  {
    static constexpr std::pair<const char*, const char*> k_metrics[] = {
      { "views", "impressions" }, { "likes", "likes" },   { "replies", "replies" },
      { "reposts", "reposts" },   { "quotes", "quotes" },
    };
    CountsResult result;
    for (const auto& id : remote_ids) {
      auto body =
        m_client.get_json(fmt::format("{}/{}/insights?metric=views,likes,replies,reposts,quotes",
                                      threads::k_api, http::ascii::percent_encode(id)),
                          "threads: GET /{media}/insights");
      if (!body) {
        result.stopped = std::move(body.error());
        return result;
      }
      PostCounts counts{ id, {} };
      for (const auto& metric : json_member(*body, "data")) {
        const auto name = json_id(metric, "name");
        for (const auto& [theirs, ours] : k_metrics) {
          if (name == theirs) {
            if (const auto value = metric_value(metric)) {
              counts.counts[ours] = *value;
            }
          }
        }
      }
      result.posts.push_back(std::move(counts));
    }
    return result;
  }

  Result<std::optional<int64_t>, PublishError> followers() override
  {
    auto body = m_client.get_json(
      fmt::format("{}/{}/threads_insights?metric=followers_count", threads::k_api, m_client.user()),
      "threads: GET /{user}/threads_insights");
    if (!body) {
      return unexpected(std::move(body.error()));
    }
    for (const auto& metric : json_member(*body, "data")) {
      if (json_id(metric, "name") == "followers_count") {
        return metric_value(metric);
      }
    }
    return std::optional<int64_t>();
  }

private:
  threads::Client m_client;
};

} // namespace

std::unique_ptr<MetricsSource>
make_threads_metrics(const AccountConfig& account, const AdapterContext& context)
{
  return std::make_unique<ThreadsMetrics>(account, context);
}

} // namespace herald::platforms
