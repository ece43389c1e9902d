#pragma once

#include "http/request.hpp"

#include "platforms/context.hpp"
#include "platforms/platform.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// What every part of the `threads` platform (publishing, metrics, conversations) shares: the
// account's token and its renewal, how a request carries it, the reading of Graph's answers,
// and the two steps that publish one post.
namespace herald::platforms::threads {

inline constexpr std::string_view k_api = "/v1.0";

using Form = std::vector<std::pair<std::string, std::string>>;

// Graph's error answer: {"error": {"message", "type", "code", "error_subcode"}}.
struct GraphError
{
  std::string message;
  int64_t code = 0;
  int64_t subcode = 0;
};
GraphError graph_error(std::string_view body);

// The permalink Meta gives, or a URL made from the id when it gave none.
std::string post_url(std::string_view id, std::string_view permalink);

// A long-lived token lasts 60 days and can be renewed (GET /refresh_access_token) once it is a
// day old. What herald keeps of it, owner-only, in <state dir>/threads/<account>@<host>.json:
// the renewed token, when it runs out, and when a refused renewal may be tried again; `seed`
// fingerprints the environment's token it came from, so that a token the user sets later wins.
struct KeptToken
{
  std::string seed;
  std::string access_token; // empty: the environment's token is still the one to use
  std::optional<TimePoint> expires_at;
  std::optional<TimePoint> retry_at;
};
std::optional<KeptToken> kept_token_from_json(std::string_view text);
std::string to_json(const KeptToken& kept);

// A token is renewed when fewer than this many days remain, or when its age is unknown (it came
// from the environment): a renewal answer says how long the new one lasts.
inline constexpr std::chrono::days k_renew_before{ 30 };
// Whether `kept` (for the environment token `seed`) should be renewed at `now`.
bool renewal_due(const std::optional<KeptToken>& kept, std::string_view seed, TimePoint now);

class Client
{
public:
  // Throws herald::Error when the token is not set (check() reported it already).
  Client(const AccountConfig& account, const AdapterContext& context);
  // The transport refers to the client's own context: never copied or moved.
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // `user_id:` ("me" by default), as it goes in paths.
  const std::string& user() const { return m_user; }
  // A GET that must answer 200 with a JSON object; it publishes nothing, so every failure is
  // not_sent rather than maybe_sent.
  Result<nlohmann::json, PublishError> get_json(const std::string& path, std::string_view what);
  // A form POST that must answer 200 with an id. `publishes`: whether the request may have made
  // a post, so that a lost answer is maybe_sent.
  Result<nlohmann::json, PublishError> post_form(const std::string& path, std::string_view what,
                                                 const Form& form, bool publishes);
  // One post (or reply, or thread part): its container (a carousel's items first), waited for
  // until Meta has fetched its media, then published; its permalink read back.
  Result<Published, PublishError> publish_part(const OutPart& part, const std::string& reply_to);
  // What `accounts check` says about `media_url:`: whether it answers a HEAD, carrying no token
  // (the host is the user's, not Meta's). Empty without the setting.
  std::string media_url_note();
  // When the token in use runs out, if known (after it was renewed).
  std::optional<TimePoint> token_expires() const { return m_expires; }
  TimePoint now() const;

private:
  // The token to use, renewed first when it is due; once per client.
  Result<std::string, PublishError> token();
  // Renews under a lock on the token file, so that two runs never both spend one token.
  Result<void, PublishError> renew_if_due();
  http::Request request(std::string method, const std::string& path,
                        const std::string& token) const;
  PublishError answer_error(const http::Response& response, std::string_view what) const;
  Result<void, PublishError> wait_until_finished(const std::string& id);
  std::string media_url_of(const OutMedia& media) const;
  // Waits while Meta processes a container: through the context's hook, else the thread sleeps.
  void sleep(std::chrono::milliseconds duration) const;

  std::string m_base_url;
  std::string m_user;
  std::string m_media_url;
  std::string m_env_token;
  std::string m_env_name; // the variable it came from, for messages
  std::string m_seed;
  std::filesystem::path m_token_file; // empty: no state directory, so never renewed
  std::optional<std::string> m_token; // once token() has decided
  std::optional<TimePoint> m_expires;
  std::vector<std::string> m_secrets;
  AdapterContext m_context;
  LazyTransport m_transport{ m_context };
};

} // namespace herald::platforms::threads
