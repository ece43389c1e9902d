#pragma once

#include "http/request.hpp"

#include "platforms/bluesky/bluesky.hpp"
#include "platforms/context.hpp"
#include "platforms/platform.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald::platforms::bluesky {

// XRPC calls with an account's session: the stored session when there is one, else
// createSession; a refused access token leads to one refreshSession and, when that is refused
// too, to a new createSession (the rules of bluesky.cpp's header comment). Not thread-safe.
class Client
{
public:
  Client(std::string base_url, std::string identifier, std::string password, SessionFile file,
         const AdapterContext& context);
  // Its transport refers to its own copy of the context: never copied or moved.
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // GET or POST /xrpc/<nsid>[?query], without the session's token (authed() adds it).
  http::Request request(std::string method, std::string_view nsid,
                        std::string_view query = "") const;
  http::Request json_request(std::string_view nsid, const nlohmann::json& body) const;

  // Sends `r` with the access token, renewing the session once when the PDS refuses it. Any HTTP
  // answer is returned as it is; errors of the session calls are never maybe_sent.
  Result<http::Response, PublishError> authed(const http::Request& r);
  // Sends `r` as it is (calls that need no session).
  Result<http::Response, PublishError> send(const http::Request& r);

  Result<void, PublishError> ensure_session();
  // The DID of `handle` (com.atproto.identity.resolveHandle, remembered for the client's life),
  // nullopt when the PDS says it does not resolve: what facets_for() needs.
  Result<std::optional<std::string>, PublishError> resolve(const std::string& handle);
  // The session in use (after ensure_session()).
  const std::optional<Session>& session() const { return m_session; }
  // Why the session could not be kept in its file, if it could not.
  const std::string& save_problem() const { return m_save_problem; }

  // What this client must never show: the password and the session's tokens.
  std::vector<std::string> secrets() const;
  // The mapping of an XRPC error answer, with the platform's RateLimit-Reset; the platform's
  // text is redacted with secrets().
  PublishError response_error(const http::Response& response, std::string_view what) const;
  TimePoint now() const;

private:
  void keep(Session session);
  Result<void, PublishError> login();
  Result<void, PublishError> renew();

  std::string m_base_url;
  std::string m_identifier;
  std::string m_password;
  SessionFile m_file;
  AdapterContext m_context;
  LazyTransport m_transport{ m_context };
  std::optional<Session> m_session;
  std::string m_save_problem;
  std::map<std::string, std::optional<std::string>> m_dids;
};

// What a Client of an account is made from: its PDS (`url:`, else bsky.social), its `handle:`,
// the password from `password_env:` and its session file under the state directory. Throws
// herald::Error when the password is not set or the handle is missing (check() reports both).
struct Login
{
  std::string url;
  std::string handle;
  std::string password;
  SessionFile file;
};
Login login_of(const AccountConfig& account, const AdapterContext& context);

// {"error": "<Name>", "message": "..."} as one line, as the PDS wrote it (from_response() redacts
// and cuts it).
std::string error_detail(const http::Response& response);

// Calls that create no post (session, upload, lookups): a 5xx or a lost answer left nothing
// behind, so they are not_sent rather than maybe_sent.
PublishError nothing_posted(PublishError error);

} // namespace herald::platforms::bluesky
