#pragma once

#include "util/expected.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace herald::platforms {

// The credentials file: `NAME=value` lines standing in for environment variables that are not
// set, for hosts where cron's environment cannot carry secrets. An account's `token_env:` (and
// friends) name a variable; the environment wins over the file (reliability.md K1).
//
// Format: one `NAME=value` per line; blank lines and lines starting with `#` are ignored; an
// optional `export ` prefix and one pair of surrounding single or double quotes around the value
// are removed. Nothing else is interpreted.
using Credentials = std::map<std::string, std::string, std::less<>>;

// Reads `path`, refusing, before reading a byte, a file that is not a regular file, not owned
// by this user, or readable or writable by group or others (the OpenSSH rule, K2). Errors name
// the file and the line, never a value.
Result<Credentials> read_credentials_file(const std::filesystem::path& path);

// The lines of a credentials file already read; `file` names it in errors.
Result<Credentials> parse_credentials(std::string_view text, const std::string& file);

// $XDG_CONFIG_HOME/herald/credentials, or ~/.config/herald/credentials.
std::filesystem::path default_credentials_path();

// Makes `credentials` the process's credentials file, consulted after the environment by
// lookup_secret() and so by every AdapterContext from default_context(). Called once, at start.
void use_credentials(Credentials credentials);

enum class SecretSource
{
  none,
  environment,
  credentials_file,
};

struct Secret
{
  SecretSource source = SecretSource::none;
  std::string value;
};

// The variable from the environment (when set and non-empty), else from the credentials file.
Secret lookup_secret(std::string_view name);
std::string_view to_string(SecretSource source);

} // namespace herald::platforms
