#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace herald::http {

// What a masked value is replaced with.
inline constexpr std::string_view k_redacted = "***";

// The one redaction step every log line, -v line and error message passes through
// (reliability.md K4, K6). Replaces with "***":
// - each of `secrets` (empty ones ignored) and its URL-encoded, form-encoded, JSON-escaped and
//   base64 forms (standard and URL-safe, also inside a longer base64 text such as Basic auth);
// - the values of Authorization / Proxy-Authorization (keeping the scheme word, "Bearer ***"),
//   Cookie and Set-Cookie header lines, names matched case-insensitively;
// - URL user-info ("https://***@host");
// - Discord webhook tokens (/webhooks/<id>/***), everything after Slack's /services/, Telegram
//   bot tokens (/bot***/);
// - values of the fields password, access_token, refresh_token, accessJwt, refreshJwt,
//   client_secret and token in query strings, form bodies, JSON and multipart form-data.
// Masking is deliberately greedy: an over-masked log line is cheap, a leaked token is not.
std::string redact(std::string_view text, const std::vector<std::string>& secrets = {});

// The first `limit` bytes of `text` (a request or response body for -v), redacted. A secret
// (or encoded form) that the cut splits is masked too, and nothing after `limit` is shown.
std::string redact_head(std::string_view text, size_t limit,
                        const std::vector<std::string>& secrets = {});

// A URL for log and error messages: redact() plus every query value and the fragment masked
// ("https://***@host/api?limit=***").
std::string redacted_url(std::string_view url, const std::vector<std::string>& secrets = {});

} // namespace herald::http
