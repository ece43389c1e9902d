#pragma once

#include "http/request.hpp"
#include "http/transport.hpp"
#include "platform.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace herald::platforms {

// How much of a platform's (or a plugin's) own text a message quotes.
inline constexpr size_t k_max_server_text = 300;

// What a server or a plugin said (an error text, a body), fit for a message that is printed and
// stored in the state: redacted with `secrets` (http::redact(), so a server that echoes the
// token cannot get it printed), valid UTF-8, and cut to k_max_server_text bytes at a character
// boundary (text::shorten_utf8()). Every adapter quotes remote text through here.
std::string server_text(std::string_view text, const std::vector<std::string>& secrets);

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
// error text, if the adapter could read one, as the platform sent it: from_response() passes it
// through server_text() with `secrets` (the request's). Either message is valid UTF-8: it is
// stored in the state and printed.
PublishError from_transport(const http::TransportError& error, std::string_view platform);

// `error` of a call that cannot make a post (a read, a media upload): whatever reached the
// platform published nothing, so "maybe sent" becomes "not sent"; other kinds stay.
PublishError nothing_published(PublishError error);

PublishError from_response(const http::Response& response, std::string_view what,
                           std::string_view detail, const std::vector<std::string>& secrets,
                           TimePoint now, std::optional<TimePoint> reset = std::nullopt);

// The JSON object a read (`what`: "x: GET /2/users/me") answered with 200. A read publishes
// nothing, so each failure goes through nothing_published(); an answer other than 200 is
// described by the platform's `answer_error`, one that is not a JSON object is permanent.
Result<nlohmann::json, PublishError> json_of_read(
  Result<http::Response, PublishError> response, std::string_view what,
  const std::function<PublishError(const http::Response&)>& answer_error);

} // namespace herald::platforms
