#pragma once

#include "util/diagnostics.hpp"

#include <string>
#include <string_view>

namespace herald::calendar {

struct YamlNode;

// What replaces a secret-looking value in the tree, so that no later message can echo it.
inline constexpr std::string_view k_redacted = "[redacted]";

// Whether an account key names a literal secret (`token`, `password`, `webhook_url`...),
// compared case-insensitively. Calendars name environment variables instead (`token_env`).
bool is_secret_key(std::string_view key);

enum class SecretKind
{
  none,
  webhook_url,
  url_password
};

// Whether text contains a webhook URL with its token (Discord, Slack) or a URL with
// user:password@ in it.
SecretKind find_secret(std::string_view text);

// `text`, or k_redacted when it looks like a secret: for the few messages that echo a value
// before redact_secrets has run.
std::string shown_value(std::string_view text);

// Reports every key or scalar of the file that holds a secret and replaces it with k_redacted.
// Values of secret account keys (`accounts.x.token`) are replaced without a report: the account
// check reports the key itself.
void redact_secrets(YamlNode& root, const std::string& file, Diagnostics& diagnostics);

} // namespace herald::calendar
