// Mastodon metrics (platforms.md section 1): GET /api/v1/statuses/:id for each post's
// favourites_count, reblogs_count, replies_count (and quotes_count on newer servers), and
// GET /api/v1/accounts/verify_credentials for followers_count. Mastodon reports no
// impressions. Each status costs one request, so the rate limit headers are watched: when
// X-RateLimit-Remaining reaches 0 the round stops and the rest waits for the next collect.
#include "platforms/metrics.hpp"

#include "http/ascii.hpp"
#include "http/rate_limit.hpp"

#include "platforms/credentials.hpp"
#include "platforms/http_errors.hpp"
#include "util/error.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

namespace herald::platforms {

namespace {

constexpr std::string_view k_default_url = "https://mastodon.social";

// Mastodon's names, and herald's.
constexpr std::pair<const char*, const char*> k_status_counts[] = {
  { "favourites_count", "likes" },
  { "reblogs_count", "reposts" },
  { "replies_count", "replies" },
  { "quotes_count", "quotes" },
};

// The platform's own explanation, never showing the token.
std::string
error_detail(const http::Response& response)
{
  const auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (body.is_object() && body.contains("error") && body["error"].is_string()) {
    return body["error"].get<std::string>();
  }
  return "";
}

class MastodonMetrics : public MetricsSource
{
public:
  MastodonMetrics(std::string base_url, std::string token, const AdapterContext& context)
    : m_base_url(std::move(base_url))
    , m_token(std::move(token))
    , m_context(context)
  {
  }

  CountsResult post_counts(const std::vector<std::string>& remote_ids) override
  {
    CountsResult result;
    for (const auto& id : remote_ids) {
      const std::string path = "/api/v1/statuses/" + http::ascii::percent_encode(id);
      const std::string what = "mastodon: GET " + path;
      const auto response = m_transport->send(request(path));
      if (!response) {
        result.stopped = from_transport(response.error(), "mastodon");
        return result;
      }
      if (response->status == 404) {
        continue; // deleted since: nothing to count
      }
      if (response->status != 200) {
        result.stopped = error_of(*response, what);
        return result;
      }
      const auto body = nlohmann::json::parse(response->body, nullptr, false);
      PostCounts counts{ id, {} };
      for (const auto& [theirs, ours] : k_status_counts) {
        if (body.is_object() && body.contains(theirs) && body[theirs].is_number_integer()) {
          counts.counts[ours] = body[theirs].get<int64_t>();
        }
      }
      result.posts.push_back(std::move(counts));
      if (response->header("X-RateLimit-Remaining") == "0") {
        result.stopped =
          PublishError{ PublishError::Kind::rate_limited,
                        "mastodon: the rate limit is used up; the other posts wait for the next "
                        "collect",
                        http::rate_limit_reset_iso(*response, now()) };
        return result;
      }
    }
    return result;
  }

  Result<std::optional<int64_t>, PublishError> followers() override
  {
    constexpr std::string_view what = "mastodon: GET /api/v1/accounts/verify_credentials";
    const auto response = m_transport->send(request("/api/v1/accounts/verify_credentials"));
    if (!response) {
      return unexpected(from_transport(response.error(), "mastodon"));
    }
    if (response->status != 200) {
      return unexpected(error_of(*response, what));
    }
    return follower_count(nlohmann::json::parse(response->body, nullptr, false), "followers_count",
                          what);
  }

private:
  TimePoint now() const { return now_of(m_context); }

  PublishError error_of(const http::Response& response, std::string_view what) const
  {
    return from_response(response, what, error_detail(response), { m_token }, now(),
                         http::rate_limit_reset_iso(response, now()));
  }

  http::Request request(std::string_view path) const
  {
    http::Request r;
    r.url = m_base_url + std::string(path);
    r.headers.push_back({ "Authorization", "Bearer " + m_token });
    r.headers.push_back({ "Accept", "application/json" });
    r.secrets.push_back(m_token);
    return r;
  }

  std::string m_base_url;
  std::string m_token;
  AdapterContext m_context;
  LazyTransport m_transport{ m_context };
};

} // namespace

std::unique_ptr<MetricsSource>
make_mastodon_metrics(const AccountConfig& account, const AdapterContext& context)
{
  auto token = read_secret(account, "token", context);
  if (!token) {
    throw Error(token.error());
  }
  return std::make_unique<MastodonMetrics>(base_url_setting(account, k_default_url),
                                           std::move(*token), context);
}

} // namespace herald::platforms
