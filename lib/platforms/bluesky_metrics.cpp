// Bluesky metrics (platforms.md section 2): app.bsky.feed.getPosts with up to 25 `uris` per
// call for likeCount, repostCount, replyCount and quoteCount, and app.bsky.actor.getProfile for
// followersCount, both through the account's PDS with its session. The session is the one the
// publishing adapter keeps in the state directory (bluesky_session.cpp), so a collect after a run
// logs in only when that session is gone; a refused access token is refreshed once, and a new
// session is made only when the refresh is refused too. Bluesky reports no impressions.
#include "bluesky.hpp"
#include "credentials.hpp"
#include "http/ascii.hpp"
#include "http/rate_limit.hpp"
#include "http_errors.hpp"
#include "metrics.hpp"

#include "util/error.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace herald::platforms {

namespace {

using bluesky::Session;
using bluesky::SessionFile;
using bluesky::string_field;

constexpr std::string_view k_default_url = "https://bsky.social";

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

std::string
error_detail(const http::Response& response)
{
  const auto body = parse(response);
  const auto name = string_field(body, "error");
  const auto message = string_field(body, "message");
  return (name.empty() || message.empty() ? name + message : name + ": " + message).substr(0, 300);
}

// Nothing a metrics call does can leave a post behind: no error is "maybe sent".
PublishError
read_only(PublishError error)
{
  if (error.kind == PublishError::Kind::maybe_sent) {
    error.kind = PublishError::Kind::not_sent;
  }
  return error;
}

class BlueskyMetrics : public MetricsSource
{
public:
  BlueskyMetrics(std::string base_url, std::string identifier, std::string password,
                 SessionFile file, const AdapterContext& context)
    : m_base_url(std::move(base_url))
    , m_identifier(std::move(identifier))
    , m_password(std::move(password))
    , m_file(std::move(file))
    , m_context(context)
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
      auto response = authed(request("app.bsky.feed.getPosts", query), what);
      if (!response) {
        result.stopped = std::move(response.error());
        return result;
      }
      if (response->status != 200) {
        result.stopped = error_of(*response, what);
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
    if (auto ready = ensure_session(); !ready) {
      return unexpected(std::move(ready.error()));
    }
    auto response = authed(
      request("app.bsky.actor.getProfile", "actor=" + http::ascii::percent_encode(m_session->did)),
      what);
    if (!response) {
      return unexpected(std::move(response.error()));
    }
    if (response->status != 200) {
      return unexpected(error_of(*response, what));
    }
    return follower_count(parse(*response), "followersCount", what);
  }

private:
  TimePoint now() const { return now_of(m_context); }

  PublishError error_of(const http::Response& response, std::string_view what) const
  {
    return read_only(
      from_response(response, what, error_detail(response), now(),
                    http::rate_limit_reset_epoch(response, now(), "RateLimit-Reset")));
  }

  http::Request request(std::string_view nsid, std::string_view query = "") const
  {
    http::Request r;
    r.url = fmt::format("{}/xrpc/{}{}{}", m_base_url, nsid, query.empty() ? "" : "?", query);
    r.headers.push_back({ "Accept", "application/json" });
    r.secrets.push_back(m_password);
    return r;
  }

  // The session in use: this process's, else the stored one, else a new one.
  Result<void, PublishError> ensure_session()
  {
    if (m_session) {
      return {};
    }
    auto stored = m_file.load();
    if (!stored) {
      return unexpected(
        PublishError{ PublishError::Kind::not_sent, "bluesky: " + stored.error(), {} });
    }
    if (*stored) {
      m_session = std::move(**stored);
      return {};
    }
    return session_call("com.atproto.server.createSession", "");
  }

  // createSession (with the password) or refreshSession (with the refresh token); the new
  // session is kept for the next run, as the publishing adapter does.
  Result<void, PublishError> session_call(std::string_view nsid, const std::string& refresh_jwt)
  {
    const std::string what = fmt::format("bluesky: POST {}", nsid);
    auto r = request(nsid);
    r.method = "POST";
    if (refresh_jwt.empty()) {
      r.headers.push_back({ "Content-Type", "application/json" });
      r.body = nlohmann::json{ { "identifier", m_identifier }, { "password", m_password } }.dump();
    } else {
      r.headers.push_back({ "Authorization", "Bearer " + refresh_jwt });
      r.secrets.push_back(refresh_jwt);
    }
    const auto response = m_transport->send(r);
    if (!response) {
      return unexpected(read_only(from_transport(response.error(), what)));
    }
    if (response->status != 200) {
      return unexpected(error_of(*response, what));
    }
    auto session = bluesky::session_from_json(parse(*response));
    if (!session) {
      return unexpected(
        PublishError{ PublishError::Kind::not_sent, what + ": the answer has no session", {} });
    }
    m_session = std::move(*session);
    // Counting can go on without it; the next run then logs in again.
    (void)m_file.save(*m_session);
    return {};
  }

  static bool token_refused(const http::Response& response)
  {
    const auto name = string_field(parse(response), "error");
    return response.status == 401 ||
           (response.status == 400 && (name == "ExpiredToken" || name == "InvalidToken"));
  }

  // Sends `r` with the access token, renewing the session once when the PDS refuses it.
  Result<http::Response, PublishError> authed(const http::Request& r, std::string_view what)
  {
    if (auto ready = ensure_session(); !ready) {
      return unexpected(std::move(ready.error()));
    }
    for (int attempt = 0;; ++attempt) {
      auto sent = r;
      sent.headers.push_back({ "Authorization", "Bearer " + m_session->access_jwt });
      sent.secrets.push_back(m_session->access_jwt);
      sent.secrets.push_back(m_session->refresh_jwt);
      auto response = m_transport->send(sent);
      if (!response) {
        return unexpected(read_only(from_transport(response.error(), what)));
      }
      if (attempt == 0 && token_refused(*response)) {
        auto renewed = session_call("com.atproto.server.refreshSession", m_session->refresh_jwt);
        if (!renewed) {
          renewed = session_call("com.atproto.server.createSession", "");
        }
        if (!renewed) {
          return unexpected(std::move(renewed.error()));
        }
        continue;
      }
      return std::move(*response);
    }
  }

  std::string m_base_url;
  std::string m_identifier;
  std::string m_password;
  SessionFile m_file;
  AdapterContext m_context;
  LazyTransport m_transport{ m_context };
  std::optional<Session> m_session;
};

} // namespace

std::unique_ptr<MetricsSource>
make_bluesky_metrics(const AccountConfig& account, const AdapterContext& context)
{
  auto password = read_secret(account, "password", context);
  if (!password) {
    throw Error(password.error());
  }
  std::string url = base_url_setting(account, k_default_url);
  const std::string handle = setting(account, "handle");
  SessionFile file(bluesky::session_file(context.state_dir, handle, url), handle, url);
  return std::make_unique<BlueskyMetrics>(std::move(url), handle, std::move(*password),
                                          std::move(file), context);
}

} // namespace herald::platforms
