#include "accounts.hpp"

#include "calendar/secrets.hpp"
#include "platforms/registry.hpp"
#include "util/edit_distance.hpp"

#include <fmt/core.h>

#include <algorithm>

namespace herald::app {

void
check_account(const calendar::Account& account, Diagnostics& diagnostics)
{
  const platforms::Platform* platform = platforms::find_platform(account.platform);
  if (!platform) {
    std::vector<std::string_view> names;
    for (const auto* p : platforms::all_platforms()) {
      names.push_back(p->name());
    }
    const auto it = account.setting_pos.find("platform");
    const SourcePos pos = it != account.setting_pos.end() ? it->second : account.pos;
    std::string message =
      fmt::format("account '{}': unknown platform '{}'", account.name, account.platform);
    if (const auto suggestion = closest_match(account.platform, names)) {
      message += fmt::format(", did you mean '{}'?", *suggestion);
    } else {
      std::string list;
      for (const auto name : names) {
        list += (list.empty() ? "" : ", ") + std::string(name);
      }
      message += fmt::format(" (known: {})", list);
    }
    diagnostics.error(pos, message);
    return;
  }
  const auto keys = platform->setting_keys();
  for (const auto& [key, value] : account.settings.items()) {
    if (std::find(keys.begin(), keys.end(), key) != keys.end()) {
      continue;
    }
    const auto it = account.setting_pos.find(key);
    std::string message = fmt::format("unknown key '{}' in account '{}' ({} platform)", key,
                                      account.name, platform->name());
    if (const auto suggestion = closest_match(key, keys)) {
      message += fmt::format(", did you mean '{}'?", *suggestion);
    }
    diagnostics.error(it != account.setting_pos.end() ? it->second : account.pos, message);
  }
  platforms::AccountConfig config{ account.name, account.platform, account.settings,
                                   account.base_dir };
  static const SystemClock clock;
  const auto context = platforms::default_context(clock, {});
  // A setting that held a secret was reported and replaced when the calendar was read: what
  // the platform would say about the placeholder (a malformed URL) is noise.
  std::vector<std::string> redacted;
  for (const auto& [key, value] : account.settings.items()) {
    if (value.is_string() && value.get<std::string>() == calendar::k_redacted) {
      if (const auto it = account.setting_pos.find(key); it != account.setting_pos.end()) {
        redacted.push_back(
          fmt::format("{}:{}:{}", it->second.file, it->second.line, it->second.column));
      }
    }
  }
  Diagnostics found;
  platform->check(config, account.setting_pos, account.pos, context, found);
  for (const auto& d : found.all()) {
    const auto at = fmt::format("{}:{}:{}", d.pos.file, d.pos.line, d.pos.column);
    if (std::find(redacted.begin(), redacted.end(), at) == redacted.end()) {
      diagnostics.add(d);
    }
  }
}

namespace {

std::string
failure_detail(const platforms::PublishError& error)
{
  using Kind = platforms::PublishError::Kind;
  if (error.kind == Kind::auth || error.kind == Kind::rate_limited) {
    return fmt::format("{}: {}", platforms::to_string(error.kind), error.message);
  }
  return error.message;
}

} // namespace

std::string_view
to_string(AccountCheck::Outcome outcome)
{
  switch (outcome) {
  case AccountCheck::Outcome::ok:
    return "ok";
  case AccountCheck::Outcome::failed:
    return "failed";
  case AccountCheck::Outcome::not_checked:
    return "not checked";
  }
  return "?";
}

std::vector<AccountCheck>
verify_accounts(const calendar::Calendar& calendar, queue::AdapterSource& adapters,
                const std::vector<Diagnostic>& unset_secrets)
{
  std::vector<AccountCheck> checks;
  for (const auto& [name, account] : calendar.accounts) {
    AccountCheck check{ name, account.platform, AccountCheck::Outcome::failed, "" };
    // The line names the account already: the detail says only which variable is missing.
    const std::string prefix = fmt::format("account '{}': ", name);
    for (const auto& unset : unset_secrets) {
      if (unset.unset_secret_of == name) {
        check.detail += check.detail.empty() ? "not checked: " : "; ";
        check.detail +=
          unset.message.starts_with(prefix) ? unset.message.substr(prefix.size()) : unset.message;
      }
    }
    if (!check.detail.empty()) {
      checks.push_back(std::move(check));
      continue;
    }
    const auto adapter = adapters.adapter_for(
      { account.name, account.platform, account.settings, account.base_dir }, 0);
    if (!adapter) {
      check.detail = adapter.error();
    } else if (auto verified = (*adapter)->verify()) {
      check.outcome =
        verified->checked ? AccountCheck::Outcome::ok : AccountCheck::Outcome::not_checked;
      check.detail = std::move(verified->detail);
    } else {
      check.detail = failure_detail(verified.error());
    }
    checks.push_back(std::move(check));
  }
  return checks;
}

void
keep_secrets_of(const calendar::Calendar& calendar, const std::vector<std::string>& accounts,
                Diagnostics& diagnostics)
{
  diagnostics.drop_unset_secrets({ accounts.begin(), accounts.end() });
  std::string known;
  for (const auto& [name, _] : calendar.accounts) {
    known += (known.empty() ? "" : ", ") + name;
  }
  for (const auto& name : accounts) {
    if (!calendar.accounts.contains(name)) {
      diagnostics.error(
        {}, fmt::format("--accounts: unknown account '{}' (the calendar has: {})", name, known));
    }
  }
}

} // namespace herald::app
