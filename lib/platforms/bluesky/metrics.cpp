// Bluesky metrics (platforms.md section 2): app.bsky.feed.getPosts with up to 25 `uris` per
// call for likeCount, repostCount, replyCount and quoteCount, and app.bsky.actor.getProfile for
// followersCount, both through the account's PDS with the session the publishing adapter keeps
// in the state directory (bluesky::Client), so a collect after a run logs in only when that
// session is gone. Bluesky reports no impressions.
#include "platforms/metrics.hpp"

#include "http/ascii.hpp"

#include "platforms/bluesky/bluesky.hpp"
#include "platforms/bluesky/client.hpp"
#include "platforms/credentials.hpp"
#include "util/error.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace herald::platforms {

namespace {

using bluesky::SessionFile;
using bluesky::string_field;

// Bluesky's names, and herald's.
constexpr std::pair<const char*, const char*> k_post_counts[] = {
  { "likeCount", "likes" },
  { "repostCount", "reposts" },
  { "replyCount", "replies" },
  { "quoteCount", "quotes" },
};

nlohmann::json
parse(const http::Response& response)
{
  return nlohmann::json::parse(response.body, nullptr, false);
}

class BlueskyMetrics : public MetricsSource
{
public:
  BlueskyMetrics(std::string base_url, std::string identifier, std::string password,
                 SessionFile file, const AdapterContext& context)
    : m_context(context)
    , m_client(std::move(base_url), std::move(identifier), std::move(password), std::move(file),
               m_context)
  {
  }

  CountsResult post_counts(const std::vector<std::string>& remote_ids) override
  {
    CountsResult result;
    for (size_t first = 0; first < remote_ids.size(); first += k_bluesky_posts_per_call) {
      const size_t last = std::min(remote_ids.size(), first + k_bluesky_posts_per_call);
      std::string query;
      for (size_t i = first; i < last; ++i) {
        query += (query.empty() ? "uris=" : "&uris=") + http::ascii::percent_encode(remote_ids[i]);
      }
      constexpr std::string_view what = "bluesky: GET app.bsky.feed.getPosts";
      auto response = get("app.bsky.feed.getPosts", query, what);
      if (!response) {
        result.stopped = std::move(response.error());
        return result;
      }
      const auto body = parse(*response);
      if (!body.is_object() || !body.contains("posts") || !body["posts"].is_array()) {
        result.stopped = PublishError{ PublishError::Kind::permanent,
                                       std::string(what) + ": the answer has no posts",
                                       {} };
        return result;
      }
      // Posts deleted since are simply absent from the answer.
      for (const auto& post : body["posts"]) {
        PostCounts counts{ string_field(post, "uri"), {} };
        for (const auto& [theirs, ours] : k_post_counts) {
          if (post.contains(theirs) && post[theirs].is_number_integer()) {
            counts.counts[ours] = post[theirs].get<int64_t>();
          }
        }
        if (!counts.remote_id.empty()) {
          result.posts.push_back(std::move(counts));
        }
      }
    }
    return result;
  }

  Result<std::optional<int64_t>, PublishError> followers() override
  {
    constexpr std::string_view what = "bluesky: GET app.bsky.actor.getProfile";
    if (auto ready = m_client.ensure_session(); !ready) {
      return unexpected(bluesky::nothing_posted(std::move(ready.error())));
    }
    auto response = get("app.bsky.actor.getProfile",
                        "actor=" + http::ascii::percent_encode(m_client.session()->did), what);
    if (!response) {
      return unexpected(std::move(response.error()));
    }
    return follower_count(parse(*response), "followersCount", what);
  }

private:
  // An authenticated GET answered 200; nothing a metrics call does can leave a post behind, so
  // no error is "maybe sent".
  Result<http::Response, PublishError> get(std::string_view nsid, std::string_view query,
                                           std::string_view what)
  {
    auto response = m_client.authed(m_client.request("GET", nsid, query));
    if (!response) {
      return unexpected(bluesky::nothing_posted(std::move(response.error())));
    }
    if (response->status != 200) {
      return unexpected(bluesky::nothing_posted(m_client.response_error(*response, what)));
    }
    return std::move(*response);
  }

  AdapterContext m_context;
  bluesky::Client m_client; // after m_context, which it refers to
};

} // namespace

std::unique_ptr<MetricsSource>
make_bluesky_metrics(const AccountConfig& account, const AdapterContext& context)
{
  auto login = bluesky::login_of(account, context);
  return std::make_unique<BlueskyMetrics>(std::move(login.url), std::move(login.handle),
                                          std::move(login.password), std::move(login.file),
                                          context);
}

} // namespace herald::platforms
