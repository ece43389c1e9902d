// X metrics (platforms.md section 3): GET /2/tweets?ids=...&tweet.fields=public_metrics, up to
// 100 posts a request (X bills per request, so the fewest requests), and
// GET /2/users/me?user.fields=public_metrics for followers_count. X's data dictionary names the
// counts retweet_count and so on; its newest OpenAPI file renames some (repost_count): both are
// read.
#include "platforms/metrics.hpp"

#include "http/ascii.hpp"

#include "platforms/x/client.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace herald::platforms {

namespace {

constexpr size_t k_posts_per_call = 100;

// X's names (both spellings), and herald's.
constexpr std::pair<const char*, const char*> k_counts[] = {
  { "like_count", "likes" },         { "retweet_count", "reposts" },
  { "repost_count", "reposts" },     { "reply_count", "replies" },
  { "quote_count", "quotes" },       { "impression_count", "impressions" },
  { "bookmark_count", "bookmarks" },
};

class XMetrics : public MetricsSource
{
public:
  XMetrics(const AccountConfig& account, const AdapterContext& context)
    : m_client(x::make_client(account, context))
  {
  }

  CountsResult post_counts(const std::vector<std::string>& remote_ids) override
  {
    CountsResult result;
    for (size_t start = 0; start < remote_ids.size(); start += k_posts_per_call) {
      std::string ids;
      for (size_t i = start; i < std::min(remote_ids.size(), start + k_posts_per_call); ++i) {
        ids += (ids.empty() ? "" : ",") + http::ascii::percent_encode(remote_ids[i]);
      }
      // Posts X no longer has (deleted) come back under "errors": nothing to count.
      auto body = m_client.get_json("/2/tweets?ids=" + ids + "&tweet.fields=public_metrics",
                                    "x: GET /2/tweets");
      if (!body) {
        result.stopped = std::move(body.error());
        return result;
      }
      for (const auto& post : json_member(*body, "data")) {
        const auto id = json_id(post, "id");
        const auto& metrics = json_member(post, "public_metrics");
        if (id.empty() || !metrics.is_object()) {
          continue;
        }
        PostCounts counts{ id, {} };
        for (const auto& [theirs, ours] : k_counts) {
          if (metrics.contains(theirs) && metrics[theirs].is_number_integer()) {
            counts.counts[ours] = metrics[theirs].get<int64_t>();
          }
        }
        result.posts.push_back(std::move(counts));
      }
    }
    return result;
  }

  Result<std::optional<int64_t>, PublishError> followers() override
  {
    constexpr std::string_view what = "x: GET /2/users/me";
    auto body = m_client.get_json("/2/users/me?user.fields=public_metrics", what);
    if (!body) {
      return unexpected(std::move(body.error()));
    }
    return follower_count(json_member(json_member(*body, "data"), "public_metrics"),
                          "followers_count", what);
  }

private:
  x::Client m_client;
};

} // namespace

std::unique_ptr<MetricsSource>
make_x_metrics(const AccountConfig& account, const AdapterContext& context)
{
  return std::make_unique<XMetrics>(account, context);
}

} // namespace herald::platforms
