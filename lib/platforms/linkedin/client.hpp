#pragma once

#include "http/request.hpp"

#include "platforms/context.hpp"
#include "platforms/metrics.hpp"
#include "platforms/platform.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

// What every part of the `linkedin` platform (publishing, metrics, conversations) shares: how a
// request to LinkedIn's versioned API carries the token and the version headers, the reading of
// LinkedIn's answers, and the member the token acts for.
namespace herald::platforms::linkedin {

inline constexpr std::string_view k_default_url = "https://api.linkedin.com";
// A month LinkedIn serves (each is kept about a year); `version:` overrides it.
inline constexpr std::string_view k_default_version = "202611";

class Client
{
public:
  // Throws herald::Error when the token cannot be read (check() reported it already).
  Client(const AccountConfig& account, const AdapterContext& context);
  // The transport refers to the client's own context: never copied or moved.
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  TimePoint now() const { return now_of(m_context); }
  const std::string& token() const { return m_token; }

  // A request to `path` under the API's URL with the token, Linkedin-Version and
  // X-Restli-Protocol-Version.
  http::Request request(std::string method, const std::string& path) const;
  // A transport failure is an error.
  Result<http::Response, PublishError> send(const http::Request& r);
  // The error for an answer that is not a success: LinkedIn's own explanation; a 429 waits for
  // the daily quotas' reset at midnight UTC (LinkedIn sends no reset header); a 426 says which
  // version: to set.
  PublishError answer_error(const http::Response& response, std::string_view what) const;
  // A GET that must answer 200 with a JSON object. It publishes nothing, so every failure is
  // not_sent rather than maybe_sent.
  Result<nlohmann::json, PublishError> get_json(const std::string& path, std::string_view what);
  // The member the token acts for, as a person URN (GET /v2/userinfo, scope openid), asked once.
  Result<std::string, PublishError> member();
  // Who posts and comments: `author:`, else the member.
  Result<std::string, PublishError> author();

private:
  std::string m_base_url;
  std::string m_version;
  std::string m_author;
  std::string m_token;
  std::string m_member;
  AdapterContext m_context;
  LazyTransport m_transport{ m_context };
};

// A URN as a path segment or query value (":" as %3A, as LinkedIn's Rest.li 2.0 examples have it).
std::string encoded(std::string_view urn);

} // namespace herald::platforms::linkedin
