#pragma once

#include "request.hpp"

#include "util/expected.hpp"

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace herald::http {

// Why an exchange produced no HTTP response. The kind decides whether a resend is safe
// (reliability.md D2); an HTTP status, even 500, is a Response, not a TransportError.
struct TransportError
{
  enum class Kind
  {
    not_sent,   // no request byte left this host (DNS, connect, TLS, refused URL): safe to retry
    maybe_sent, // the request may have reached the server: never resend blindly
  };
  Kind kind = Kind::maybe_sent;
  // "POST https://host/api/v1/statuses: <why>": the request once (method and redacted URL, the
  // URL of the hop that failed) and the reason. Never a secret, never an unredacted URL.
  std::string message;
};

std::string_view to_string(TransportError::Kind kind);

// The seam between adapters and the network: libcurl in production, a recording fake in tests.
//
// Contract for every implementation:
// - a completed exchange is a Response whatever its status (404, 429 and 500 included);
// - a URL that is not https (or http to a loopback host) is refused as not_sent before any
//   network activity;
// - redirects are followed only for GET with follow_redirects, at most 3, each hop checked as
//   above, and Authorization/Cookie headers are dropped when the origin changes;
// - errors say not_sent only when no byte of the request can have reached the server.
class HttpTransport
{
public:
  virtual ~HttpTransport() = default;
  virtual Result<Response, TransportError> send(const Request& request) = 0;
};

// The -v sink: receives one redacted line at a time, without a trailing newline.
using LogSink = std::function<void(std::string_view line)>;

struct CurlTransportOptions
{
  // A PEM bundle to trust instead of the system store. Certificate checks cannot be turned off.
  std::optional<std::filesystem::path> ca_bundle;
  // A bigger response is abandoned as maybe_sent (reliability.md H6).
  size_t max_response_bytes = size_t(4) * 1024 * 1024;
  // Abort when fewer than `low_speed_bytes` per second arrive for `low_speed_time`.
  long low_speed_bytes = 1;
  std::chrono::seconds low_speed_time{ 20 };
  LogSink log; // empty: no verbose output
};

// libcurl easy interface, one handle reused across sends (keep-alive, DNS cache). Not
// thread-safe: use one transport per thread. Relies on the process ignoring SIGPIPE
// (cmd/main.cpp does), because CURLOPT_NOSIGNAL stops libcurl from doing it.
class CurlTransport : public HttpTransport
{
public:
  // Throws herald::Error when libcurl cannot be initialised.
  explicit CurlTransport(CurlTransportOptions options = {});
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  Result<Response, TransportError> send(const Request& request) override;

private:
  class Impl;
  std::unique_ptr<Impl> m_impl;
};

// "herald/<version> (+https://example.org/herald)"
std::string user_agent();

} // namespace herald::http
