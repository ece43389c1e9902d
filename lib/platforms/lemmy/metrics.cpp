// Lemmy's counts for `herald report`: GET /api/v3/post?id=N for each post's votes and comments
// (post_view.counts). Upvotes count as likes and comments as replies, so that they add up to
// interactions; the score and the downvotes are kept beside them. A person on Lemmy has no
// followers.
#include "platforms/metrics.hpp"

#include "platforms/lemmy/lemmy.hpp"

#include <fmt/core.h>

namespace herald::platforms {

namespace {

class LemmyMetrics : public MetricsSource
{
public:
  LemmyMetrics(const AccountConfig& account, const AdapterContext& context)
    : m_client(account, context)
  {
  }

  CountsResult post_counts(const std::vector<std::string>& remote_ids) override
  {
    static constexpr std::pair<const char*, const char*> k_counts[] = {
      { "upvotes", "likes" },
      { "comments", "replies" },
      { "score", "score" },
      { "downvotes", "downvotes" },
    };
    CountsResult result;
    for (const auto& id : remote_ids) {
      if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos) {
        continue; // not a post of ours
      }
      auto body = m_client.get_json(fmt::format("{}/post?id={}", lemmy::k_api, id),
                                    "lemmy: GET /api/v3/post");
      if (!body && body.error().kind == PublishError::Kind::permanent) {
        continue; // deleted: couldnt_find_post
      }
      if (!body) {
        result.stopped = std::move(body.error());
        return result;
      }
      const auto& counts = json_member(json_member(*body, "post_view"), "counts");
      PostCounts out{ id, {} };
      for (const auto& [theirs, ours] : k_counts) {
        const auto& value = json_member(counts, theirs);
        if (value.is_number_integer()) {
          out.counts[ours] = value.get<int64_t>();
        }
      }
      result.posts.push_back(std::move(out));
    }
    return result;
  }

  Result<std::optional<int64_t>, PublishError> followers() override
  {
    return std::optional<int64_t>();
  }

private:
  lemmy::Client m_client;
};

} // namespace

std::unique_ptr<MetricsSource>
make_lemmy_metrics(const AccountConfig& account, const AdapterContext& context)
{
  return std::make_unique<LemmyMetrics>(account, context);
}

} // namespace herald::platforms
