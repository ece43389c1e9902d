#include "http_errors.hpp"

#include "http/rate_limit.hpp"
#include "http/redact.hpp"
#include "text/utf8.hpp"

#include <fmt/core.h>

namespace herald::platforms {

namespace {

// Redaction reads this much of a long body (a 4 MiB error page) before the quote is cut to
// k_max_server_text; a secret that this first cut splits is masked too (http::redact_head).
constexpr size_t k_redacted_prefix = size_t(64) * 1024;

} // namespace

std::string
server_text(std::string_view text, const std::vector<std::string>& secrets)
{
  return text::shorten_utf8(http::redact_head(text, k_redacted_prefix, secrets), k_max_server_text);
}

PublishError
nothing_published(PublishError error)
{
  if (error.kind == PublishError::Kind::maybe_sent) {
    error.kind = PublishError::Kind::not_sent;
  }
  return error;
}

PublishError
from_transport(const http::TransportError& error, std::string_view platform)
{
  const auto kind = error.kind == http::TransportError::Kind::not_sent
                      ? PublishError::Kind::not_sent
                      : PublishError::Kind::maybe_sent;
  return { kind, text::replace_invalid_utf8(fmt::format("{}: {}", platform, error.message)), {} };
}

PublishError
from_response(const http::Response& response, std::string_view what, std::string_view detail,
              const std::vector<std::string>& secrets, TimePoint now,
              std::optional<TimePoint> reset)
{
  const int status = response.status;
  // The platform's own text may be anything: the message goes to the state and --json output.
  const std::string quoted = server_text(detail, secrets);
  // `what` may name an id that came from a server or the state ("GET /api/v1/statuses/ID"):
  // redacted as well.
  const std::string action = http::redact(what, secrets);
  const std::string message = text::replace_invalid_utf8(
    quoted.empty() ? fmt::format("{}: HTTP {}", action, status)
                   : fmt::format("{}: HTTP {}: {}", action, status, quoted));
  auto retry_at = http::retry_after(response, now);
  if (!retry_at) {
    retry_at = reset;
  }
  if (status == 429 || (status == 503 && retry_at)) {
    return { PublishError::Kind::rate_limited, message, retry_at };
  }
  if (status == 401 || status == 403) {
    return { PublishError::Kind::auth, message, {} };
  }
  if (status >= 500) {
    return { PublishError::Kind::maybe_sent, message, retry_at };
  }
  return { PublishError::Kind::permanent, message, {} };
}

Result<nlohmann::json, PublishError>
json_of_read(Result<http::Response, PublishError> response, std::string_view what,
             const std::function<PublishError(const http::Response&)>& answer_error)
{
  if (!response) {
    return unexpected(nothing_published(std::move(response.error())));
  }
  if (response->status != 200) {
    return unexpected(nothing_published(answer_error(*response)));
  }
  auto body = nlohmann::json::parse(response->body, nullptr, false);
  if (!body.is_object()) {
    return unexpected(PublishError{
      PublishError::Kind::permanent, fmt::format("{}: the answer is not JSON", what), {} });
  }
  return body;
}

} // namespace herald::platforms
