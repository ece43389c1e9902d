// dev.to counts for `herald report`: the account's published articles (GET
// /api/articles/me/published, paged) give each article's page_views_count,
// public_reactions_count and comments_count. Followers are not read (the API gives only a paged
// list of them, GET /api/followers/users, no count).
#include "platforms/metrics.hpp"

#include "platforms/devto/devto.hpp"

#include <fmt/core.h>

#include <set>

namespace herald::platforms {

namespace {

constexpr size_t k_page_size = 100;
constexpr size_t k_max_pages = 10;

class DevtoMetrics : public MetricsSource
{
public:
  DevtoMetrics(const AccountConfig& account, const AdapterContext& context)
    : m_client(account, context)
  {
  }

  CountsResult post_counts(const std::vector<std::string>& remote_ids) override
  {
    std::set<std::string> wanted(remote_ids.begin(), remote_ids.end());
    CountsResult result;
    for (size_t page = 1; page <= k_max_pages && !wanted.empty(); ++page) {
      auto list = m_client.get_json(
        fmt::format("/api/articles/me/published?page={}&per_page={}", page, k_page_size),
        "devto: GET /api/articles/me/published");
      if (!list) {
        result.stopped = std::move(list.error());
        return result;
      }
      if (!list->is_array()) {
        break;
      }
      for (const auto& article : *list) {
        const auto id = json_id(article, "id");
        if (wanted.erase(id) == 0) {
          continue;
        }
        PostCounts counts{ id, {} };
        const auto take = [&](const char* theirs, const char* ours) {
          const auto& value = json_member(article, theirs);
          if (value.is_number_integer() && !counts.counts.count(ours)) {
            counts.counts[ours] = value.get<int64_t>();
          }
        };
        take("page_views_count", "impressions");
        take("public_reactions_count", "likes");
        take("positive_reactions_count", "likes");
        take("comments_count", "replies");
        result.posts.push_back(std::move(counts));
      }
      if (list->size() < k_page_size) {
        break;
      }
    }
    return result;
  }

  Result<std::optional<int64_t>, PublishError> followers() override
  {
    return std::optional<int64_t>();
  }

private:
  devto::Client m_client;
};

} // namespace

std::unique_ptr<MetricsSource>
make_devto_metrics(const AccountConfig& account, const AdapterContext& context)
{
  return std::make_unique<DevtoMetrics>(account, context);
}

} // namespace herald::platforms
