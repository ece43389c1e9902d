#pragma once

#include "context.hpp"
#include "platform.hpp"

#include "util/expected.hpp"

#include <string>
#include <string_view>

namespace herald::platforms {

// The secret named by `<key>_env:` in the account (e.g. key "token" reads the variable that
// `token_env:` names). The error says which account, which setting and which variable, never
// a value.
Result<std::string> read_secret(const AccountConfig& account, std::string_view key,
                                const AdapterContext& context);

// For Platform::check: reports a required `<key>_env:` that is missing, or names a variable
// that is not set in this environment (an unset-secret diagnostic, Diagnostics::unset_secret).
void check_secret(const AccountConfig& account, std::string_view key,
                  const std::map<std::string, SourcePos>& setting_pos, const SourcePos& account_pos,
                  const AdapterContext& context, Diagnostics& diagnostics);

// Where setting `key` was written, for a message about it; `fallback` (the account) if unknown.
SourcePos pos_of(const std::map<std::string, SourcePos>& setting_pos, const std::string& key,
                 const SourcePos& fallback);

// A string setting, or `fallback` when absent.
std::string setting(const AccountConfig& account, std::string_view key,
                    std::string_view fallback = "");

// For Platform::check: reports a `url:` that is not an https:// address (http:// only to a
// loopback host, as tests use); `server` says whose address it is ("instance", "PDS").
void check_url_setting(const AccountConfig& account, std::string_view server,
                       const std::map<std::string, SourcePos>& setting_pos,
                       const SourcePos& account_pos, Diagnostics& diagnostics);

// The account's `url:`, else `fallback`, without trailing '/', for make_adapter. Throws
// herald::Error when it is not an accepted address (check_url_setting() reported it already).
std::string base_url_setting(const AccountConfig& account, std::string_view fallback);

// For Platform::check: reports a `language:` that is not a non-empty string.
void check_language_setting(const AccountConfig& account,
                            const std::map<std::string, SourcePos>& setting_pos,
                            const SourcePos& account_pos, Diagnostics& diagnostics);

} // namespace herald::platforms
