#pragma once

#include "http/oauth1.hpp"
#include "http/request.hpp"

#include "platforms/context.hpp"
#include "platforms/platform.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// What every part of the `x` platform (publishing, metrics, conversations) shares: the account's
// credentials and how a request carries them, the reading of X's answers, and the account the
// credentials act for.
namespace herald::platforms::x {

// OAuth 1.0a user context, or an OAuth 2.0 user token (`bearer`) when `oauth1` is empty. An
// OAuth 2.0 token lasts two hours; with a refresh token and the app's client id, herald renews
// it (POST /2/oauth2/token) and keeps the new pair in `token_file`, owner-only: X rotates refresh
// tokens, so the one in the environment works once.
struct Credentials
{
  std::optional<http::OAuth1Credentials> oauth1;
  std::string bearer;
  std::string refresh_token;
  std::string client_id;
  std::filesystem::path token_file; // empty: renewed tokens live in memory only
};

struct Account
{
  std::string id;
  std::string username;
};

class Client
{
public:
  Client(std::string base_url, Credentials credentials, const AdapterContext& context);
  // The transport refers to the client's own context: never copied or moved.
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // A request to `path_and_query` under the API's URL; send() adds its authorization.
  http::Request request(std::string method, const std::string& path_and_query) const;
  // Sends `r` signed with OAuth 1.0a (the wall clock's time: X compares it with its own, whatever
  // clock the run schedules by), or with the bearer token. A transport failure is an error.
  Result<http::Response, PublishError> send(http::Request r);
  // A GET that must answer 200 with a JSON object. It publishes nothing, so every failure is
  // not_sent rather than maybe_sent.
  Result<nlohmann::json, PublishError> get_json(const std::string& path_and_query,
                                                std::string_view what);
  // The error for an answer that is not a success: X's own explanation, its rate-limit reset.
  PublishError answer_error(const http::Response& response, std::string_view what) const;
  // The account the credentials act for (GET /2/users/me), asked once per client.
  Result<Account, PublishError> account();
  // The post's URL on x.com (the account's name once account() has been asked).
  std::string post_url(std::string_view id) const;

  const std::vector<std::string>& secrets() const { return m_secrets; }
  TimePoint now() const;
  // Waits `duration` through the context's sleep hook (the thread sleeps when it has none).
  void sleep(std::chrono::milliseconds duration) const;

private:
  Result<http::Response, PublishError> send_once(http::Request r);
  // Renews the OAuth 2.0 token with the refresh token, and stores the new pair.
  Result<void, PublishError> refresh();
  // The stored pair, when it was renewed from the refresh token the environment has now.
  void load_stored_tokens();
  bool can_refresh() const { return !m_credentials.refresh_token.empty(); }

  std::string m_base_url;
  Credentials m_credentials;
  std::string m_seed;                 // a fingerprint of the environment's refresh token
  std::optional<TimePoint> m_expires; // when the bearer token runs out, if known
  std::vector<std::string> m_secrets;
  std::optional<Account> m_account;
  AdapterContext m_context;
  LazyTransport m_transport{ m_context };
};

// The account's `url:` and credentials as a client; throws herald::Error when they cannot work
// (check_credentials() reported it already).
Client make_client(const AccountConfig& account, const AdapterContext& context);

// For Platform::check: either the four OAuth 1.0a *_env settings or `token_env`, set.
void check_credentials(const AccountConfig& account,
                       const std::map<std::string, SourcePos>& setting_pos,
                       const SourcePos& account_pos, const AdapterContext& context,
                       Diagnostics& diagnostics);

} // namespace herald::platforms::x
