#pragma once

#include "context.hpp"
#include "platform.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Reading back what the platforms count about the posts herald published, for `herald report`.
// Kept apart from Adapter (publishing) on purpose: a metrics source reads, never writes.
namespace herald::platforms {

// The counts of one published post under herald's names: "likes", "reposts", "replies",
// "quotes", and "impressions" where the platform reports them (plugins may add other names).
struct PostCounts
{
  std::string remote_id;
  std::map<std::string, int64_t> counts;
};

// What one request round brought back. Counts already read are kept when a later request
// fails (a rate limit half-way through), so that they are stored anyway; `stopped` says why the
// rest is missing. Posts the platform no longer has (deleted) are absent without an error.
struct CountsResult
{
  std::vector<PostCounts> posts;
  std::optional<PublishError> stopped;
};

class MetricsSource
{
public:
  virtual ~MetricsSource() = default;
  // The current counts of the posts with these remote ids (as publish() returned them).
  virtual CountsResult post_counts(const std::vector<std::string>& remote_ids) = 0;
  // Why this account reports nothing (a plugin without the `metrics` capability), asked first;
  // nullopt when it does.
  virtual std::optional<std::string> unsupported() { return std::nullopt; }
  // The account's follower count now; nullopt when the platform does not say.
  virtual Result<std::optional<int64_t>, PublishError> followers() = 0;
};

// Helpers for the metrics sources. "Now" from the context's clock (the system clock without one).
TimePoint now_of(const AdapterContext& context);
// The follower count in `body`'s integer member `key`, or an error saying the answer of `what`
// ("mastodon: GET /api/v1/accounts/verify_credentials") has none.
Result<std::optional<int64_t>, PublishError> follower_count(const nlohmann::json& body,
                                                            const char* key, std::string_view what);

// Bluesky's app.bsky.feed.getPosts takes at most this many URIs per call.
inline constexpr size_t k_bluesky_posts_per_call = 25;

// The metrics source of an account, or nullptr when its platform counts nothing herald can read
// (stub, discord, slack, telegram, webhook). Throws herald::Error when the settings or
// credentials cannot work, like Platform::make_adapter().
std::unique_ptr<MetricsSource> make_metrics_source(const AccountConfig& account,
                                                   const AdapterContext& context);

// The builders behind Platform::make_metrics() of the platforms that count (each in its folder),
// declared here for their tests.
std::unique_ptr<MetricsSource> make_mastodon_metrics(const AccountConfig& account,
                                                     const AdapterContext& context);
std::unique_ptr<MetricsSource> make_bluesky_metrics(const AccountConfig& account,
                                                    const AdapterContext& context);
std::unique_ptr<MetricsSource> make_x_metrics(const AccountConfig& account,
                                              const AdapterContext& context);
std::unique_ptr<MetricsSource> make_threads_metrics(const AccountConfig& account,
                                                    const AdapterContext& context);
std::unique_ptr<MetricsSource> make_devto_metrics(const AccountConfig& account,
                                                  const AdapterContext& context);
std::unique_ptr<MetricsSource> make_lemmy_metrics(const AccountConfig& account,
                                                  const AdapterContext& context);
std::unique_ptr<MetricsSource> make_exec_metrics(const AccountConfig& account,
                                                 const AdapterContext& context);

} // namespace herald::platforms
