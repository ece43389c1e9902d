#pragma once

#include "http/request.hpp"
#include "http/transport.hpp"
#include "platform.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace herald::platforms {

// The one mapping from HTTP outcomes to PublishError kinds, shared by every adapter:
// - a transport failure before the request left -> not_sent; after -> maybe_sent;
// - 429, and 503 with Retry-After -> rate_limited at the time the platform gives (Retry-After,
//   else `reset` when the adapter found a platform-specific reset time);
// - 401, 403 -> auth; other 4xx -> permanent (the request can never succeed as it is);
// - 5xx -> maybe_sent (the platform may have stored the post before failing).
// A transport error's message already says the request (method and redacted URL) and why, so
// from_transport() puts only the `platform`'s name before it ("mastodon: POST
// https://host/api/v1/statuses: Couldn't connect to server"). For an answer, `what` names the
// platform and call ("mastodon: POST /api/v1/statuses") and `detail` is the platform's own
// error text, if the adapter could read one. Either message is valid UTF-8 (a bad byte becomes
// U+FFFD): it is stored in the state and printed as JSON.
PublishError from_transport(const http::TransportError& error, std::string_view platform);

// A platform's own error text, fit for a message: redacted with `secrets` (a server may echo the
// request, an error page its headers) and cut to `limit` bytes, "..." marking a cut.
std::string server_detail(std::string_view text, const std::vector<std::string>& secrets,
                          size_t limit = 300);
PublishError from_response(const http::Response& response, std::string_view what,
                           std::string_view detail, TimePoint now,
                           std::optional<TimePoint> reset = std::nullopt);

} // namespace herald::platforms
