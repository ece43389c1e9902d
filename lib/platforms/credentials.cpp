#include "credentials.hpp"

#include "http/url_policy.hpp"

#include "util/error.hpp"

#include <fmt/core.h>

namespace herald::platforms {

SourcePos
pos_of(const std::map<std::string, SourcePos>& setting_pos, const std::string& key,
       const SourcePos& fallback)
{
  const auto it = setting_pos.find(key);
  return it != setting_pos.end() ? it->second : fallback;
}

std::string
setting(const AccountConfig& account, std::string_view key, std::string_view fallback)
{
  const auto it = account.settings.find(std::string(key));
  if (it == account.settings.end() || !it->is_string()) {
    return std::string(fallback);
  }
  return it->get<std::string>();
}

Result<std::string>
read_secret(const AccountConfig& account, std::string_view key, const AdapterContext& context)
{
  const std::string env_key = std::string(key) + "_env";
  const std::string variable = setting(account, env_key);
  if (variable.empty()) {
    return unexpected(fmt::format("account '{}' needs '{}:' naming the environment variable that "
                                  "holds its {}",
                                  account.name, env_key, key));
  }
  auto value = context.getenv ? context.getenv(variable) : std::nullopt;
  if (!value) {
    return unexpected(fmt::format("account '{}': environment variable {} ({}) is not set",
                                  account.name, variable, env_key));
  }
  return *value;
}

void
check_secret(const AccountConfig& account, std::string_view key,
             const std::map<std::string, SourcePos>& setting_pos, const SourcePos& account_pos,
             const AdapterContext& context, Diagnostics& diagnostics)
{
  auto secret = read_secret(account, key, context);
  if (secret) {
    return;
  }
  const SourcePos pos = pos_of(setting_pos, std::string(key) + "_env", account_pos);
  // A missing `<key>_env:` is a calendar error; an unset variable only matters to a command
  // that uses this account.
  if (setting(account, std::string(key) + "_env").empty()) {
    diagnostics.error(pos, secret.error());
  } else {
    diagnostics.unset_secret(pos, account.name, secret.error());
  }
}

void
check_url_setting(const AccountConfig& account, std::string_view server,
                  const std::map<std::string, SourcePos>& setting_pos, const SourcePos& account_pos,
                  Diagnostics& diagnostics)
{
  const auto& s = account.settings;
  if (!s.contains("url")) {
    return;
  }
  const auto url = s["url"].is_string() ? s["url"].get<std::string>() : "";
  if (auto target = http::check_url(url); !target || url.empty()) {
    diagnostics.error(pos_of(setting_pos, "url", account_pos),
                      fmt::format("account '{}': 'url' must be the {}'s https:// address "
                                  "(or http:// to a loopback host){}",
                                  account.name, server, target ? "" : ": " + target.error()));
  }
}

std::string
base_url_setting(const AccountConfig& account, std::string_view fallback)
{
  std::string url = setting(account, "url", fallback);
  if (!http::check_url(url)) {
    throw Error(fmt::format("account '{}': 'url' is not an https:// address", account.name));
  }
  while (!url.empty() && url.back() == '/') {
    url.pop_back();
  }
  return url;
}

void
check_language_setting(const AccountConfig& account,
                       const std::map<std::string, SourcePos>& setting_pos,
                       const SourcePos& account_pos, Diagnostics& diagnostics)
{
  const auto& s = account.settings;
  if (s.contains("language") &&
      (!s["language"].is_string() || s["language"].get<std::string>().empty())) {
    diagnostics.error(pos_of(setting_pos, "language", account_pos),
                      fmt::format("account '{}': 'language' must be an ISO 639 code such as "
                                  "\"en\"",
                                  account.name));
  }
}

} // namespace herald::platforms
