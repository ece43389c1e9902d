// `accounts:`: name -> platform plus settings, kept as JSON for the platform layer to check.

#include "load_context.hpp"
#include "secrets.hpp"

#include "util/edit_distance.hpp"

#include <fmt/core.h>

namespace herald::calendar {

namespace {

bool
is_valid_account_name(std::string_view name)
{
  if (name.empty()) {
    return false;
  }
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-';
    if (!ok) {
      return false;
    }
  }
  return true;
}

// MASTODON_TOKEN for `token` on a mastodon account: a name worth copying.
std::string
suggested_env_name(std::string_view prefix, std::string_view key)
{
  std::string name;
  for (const char c : fmt::format("{}_{}", prefix, key)) {
    if (c >= 'a' && c <= 'z') {
      name += static_cast<char>(c - 'a' + 'A');
    } else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      name += c;
    } else {
      name += '_';
    }
  }
  return name;
}

class AccountReader
{
public:
  AccountReader(LoadContext& ctx, const SourceFile& file, Account& account)
    : m_ctx(ctx)
    , m_file(file)
    , m_account(account)
  {
  }

  // Settings as JSON: scalars as strings, lists as arrays, maps as objects. Secret keys are
  // reported and left out, so nothing downstream can print them.
  nlohmann::json to_json(const YamlNode& node, const std::string& key_path)
  {
    switch (node.kind) {
    case YamlNode::Kind::null:
      return nullptr;
    case YamlNode::Kind::scalar:
      return node.scalar;
    case YamlNode::Kind::sequence: {
      auto array = nlohmann::json::array();
      for (const auto& item : node.items) {
        array.push_back(to_json(item, key_path));
      }
      return array;
    }
    case YamlNode::Kind::map: {
      auto object = nlohmann::json::object();
      for (const auto& entry : node.entries) {
        if (!entry.key.is_scalar()) {
          continue;
        }
        const std::string path = join_path(key_path, entry.key.scalar);
        if (report_secret(entry.key, path)) {
          continue;
        }
        object[entry.key.scalar] = to_json(entry.value, path);
      }
      return object;
    }
    }
    return nullptr;
  }

  bool report_secret(const YamlNode& key, const std::string& key_path)
  {
    if (!is_secret_key(key.scalar)) {
      return false;
    }
    const std::string prefix = m_account.platform.empty() ? m_account.name : m_account.platform;
    const std::string variable = suggested_env_name(prefix, key.scalar);
    // A plugin has no `*_env:` keys: it gets the variables its `env:` list names.
    const std::string how = m_account.platform == "exec"
                              ? fmt::format("pass it to the plugin with 'env: [{}]'", variable)
                              : fmt::format("name it with '{}_env: {}'", key.scalar, variable);
    m_ctx.error(m_file, key,
                fmt::format("account '{}': '{}' holds a secret in the calendar; put it in an "
                            "environment variable and {}",
                            m_account.name, key_path, how));
    return true;
  }

private:
  LoadContext& m_ctx;
  const SourceFile& m_file;
  Account& m_account;
};

void
read_platform(LoadContext& ctx, const SourceFile& file, const YamlNode& map, Account& account)
{
  for (const auto& entry : map.entries) {
    if (entry.key.is_scalar() && entry.key.scalar == "platform") {
      if (expect_scalar(ctx, file, entry.value, fmt::format("accounts.{}.platform", account.name),
                        "a platform name, like mastodon")) {
        account.platform = entry.value.scalar;
      }
      return;
    }
  }
  // A misspelt `platform:` is named, as every other misspelt key is.
  static constexpr std::string_view k_platform[] = { "platform" };
  for (const auto& entry : map.entries) {
    if (entry.key.is_scalar() && closest_match(entry.key.scalar, k_platform)) {
      ctx.error(file, entry.key,
                fmt::format("account '{}' has no 'platform:' ('{}', did you mean 'platform'?)",
                            account.name, entry.key.scalar));
      return;
    }
  }
  ctx.error(file, map, fmt::format("account '{}' has no 'platform:'", account.name));
}

void
read_account(LoadContext& ctx, const SourceFile& file, const YamlEntry& entry)
{
  const std::string& name = entry.key.scalar;
  if (!is_valid_account_name(name)) {
    ctx.error(
      file, entry.key,
      fmt::format("account name '{}' may only contain letters, digits, '_', '.' and '-'", name));
  }
  const auto existing = ctx.calendar.accounts.find(name);
  if (existing != ctx.calendar.accounts.end()) {
    // Twice in one file is already a duplicate key.
    if (existing->second.pos.file != file.display) {
      const SourcePos& first = existing->second.pos;
      ctx.error(file, entry.key,
                fmt::format("duplicate account '{}' (first defined at {}:{}:{})", name, first.file,
                            first.line, first.column));
    }
    return;
  }

  Account account;
  account.name = name;
  account.base_dir = file.dir;
  account.pos = ctx.pos(file, entry.key);
  const YamlNode& settings = entry.value;
  // Registered even when malformed, so that posts naming it do not add "unknown account".
  if (expect_map(ctx, file, settings, join_path("accounts", name),
                 "a map with 'platform:' and the platform's settings")) {
    read_platform(ctx, file, settings, account);
    AccountReader reader(ctx, file, account);
    for (const auto& setting : settings.entries) {
      if (!setting.key.is_scalar() || setting.key.scalar == "platform" ||
          reader.report_secret(setting.key, setting.key.scalar)) {
        continue;
      }
      if (setting.key.scalar == "retry") { // herald's, whatever the platform
        account.retry = read_retry_settings(ctx, file, setting.value, name);
        continue;
      }
      account.settings[setting.key.scalar] = reader.to_json(setting.value, setting.key.scalar);
      account.setting_pos[setting.key.scalar] = ctx.pos(file, setting.value);
    }
    if (ctx.options.check_account && !account.platform.empty()) {
      ctx.options.check_account(account, ctx.diagnostics);
    }
  }
  ctx.calendar.accounts.emplace(name, std::move(account));
}

} // namespace

void
read_accounts(LoadContext& ctx, const SourceFile& file, const YamlNode& accounts)
{
  if (accounts.is_null()) {
    return;
  }
  if (!expect_map(ctx, file, accounts, "accounts", "a map of account names to their settings")) {
    return;
  }
  for (const auto& entry : accounts.entries) {
    if (entry.key.is_scalar()) {
      read_account(ctx, file, entry);
    }
  }
}

} // namespace herald::calendar
