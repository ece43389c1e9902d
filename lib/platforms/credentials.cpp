#include "credentials.hpp"

#include <fmt/core.h>

namespace herald::platforms {

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
  if (auto secret = read_secret(account, key, context); !secret) {
    const auto it = setting_pos.find(std::string(key) + "_env");
    diagnostics.error(it != setting_pos.end() ? it->second : account_pos, secret.error());
  }
}

} // namespace herald::platforms
