#include "secrets.hpp"

#include "yaml_tree.hpp"

#include <fmt/core.h>

#include <array>
#include <cstring>
#include <variant>
#include <vector>

namespace herald::calendar {

namespace {

char
lower(char c)
{
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool
iequals(std::string_view a, std::string_view b)
{
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != b[i]) {
      return false;
    }
  }
  return true;
}

// Case-insensitive find of a lower-case needle.
size_t
ifind(std::string_view text, std::string_view needle, size_t from = 0)
{
  if (needle.size() > text.size()) {
    return std::string_view::npos;
  }
  for (size_t i = from; i + needle.size() <= text.size(); ++i) {
    if (iequals(text.substr(i, needle.size()), needle)) {
      return i;
    }
  }
  return std::string_view::npos;
}

bool
is_url_end(char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '"' || c == '\'' || c == '<' ||
         c == '>' || c == ')';
}

// A webhook prefix counts only with something after it: the id and token.
bool
has_token_after(std::string_view text, size_t at)
{
  return at < text.size() && !is_url_end(text[at]);
}

bool
has_webhook_url(std::string_view text)
{
  static constexpr std::array<std::string_view, 3> k_prefixes = { "discord.com/api/webhooks/",
                                                                  "discordapp.com/api/webhooks/",
                                                                  "hooks.slack.com/services/" };
  for (const auto prefix : k_prefixes) {
    const size_t at = ifind(text, prefix);
    if (at != std::string_view::npos && has_token_after(text, at + prefix.size())) {
      return true;
    }
  }
  // Versioned Discord API paths: discord.com/api/v10/webhooks/...
  for (size_t at = ifind(text, "discord"); at != std::string_view::npos;
       at = ifind(text, "discord", at + 1)) {
    const size_t api = ifind(text.substr(0, std::min(text.size(), at + 40)), "/api/v", at);
    if (api == std::string_view::npos) {
      continue;
    }
    size_t i = api + 6;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      ++i;
    }
    if (ifind(text.substr(i, 10), "/webhooks/") == 0 && has_token_after(text, i + 10)) {
      return true;
    }
  }
  return false;
}

bool
has_url_password(std::string_view text)
{
  for (size_t at = text.find("://"); at != std::string_view::npos; at = text.find("://", at + 3)) {
    const size_t start = at + 3;
    size_t end = start;
    while (end < text.size() && text[end] != '/' && text[end] != '?' && text[end] != '#' &&
           !is_url_end(text[end])) {
      ++end;
    }
    const std::string_view authority = text.substr(start, end - start);
    const size_t at_sign = authority.rfind('@');
    if (at_sign == std::string_view::npos) {
      continue;
    }
    const size_t colon = authority.substr(0, at_sign).find(':');
    if (colon != std::string_view::npos && colon + 1 < at_sign) {
      return true;
    }
  }
  return false;
}

using Segment = std::variant<const YamlNode*, size_t>; // a key node or a sequence index

std::string
format_path(const std::vector<Segment>& path)
{
  std::string out;
  for (const auto& segment : path) {
    if (const auto* key = std::get_if<const YamlNode*>(&segment)) {
      if (!out.empty()) {
        out += '.';
      }
      out += (*key)->scalar;
    } else {
      out += fmt::format("[{}]", std::get<size_t>(segment));
    }
  }
  return out;
}

class Redactor
{
public:
  Redactor(const std::string& file, Diagnostics& diagnostics)
    : m_file(file)
    , m_diagnostics(diagnostics)
  {
  }

  void walk(YamlNode& node, bool under_secret_key)
  {
    switch (node.kind) {
    case YamlNode::Kind::null:
      return;
    case YamlNode::Kind::scalar:
      check_scalar(node, under_secret_key, false);
      return;
    case YamlNode::Kind::sequence:
      for (size_t i = 0; i < node.items.size(); ++i) {
        m_path.emplace_back(i);
        walk(node.items[i], under_secret_key);
        m_path.pop_back();
      }
      return;
    case YamlNode::Kind::map:
      for (auto& entry : node.entries) {
        if (entry.key.is_scalar()) {
          check_scalar(entry.key, false, true);
        }
        m_path.emplace_back(&entry.key);
        walk(entry.value, under_secret_key || is_account_secret_key(entry.key));
        m_path.pop_back();
      }
      return;
    }
  }

private:
  // accounts.<name>.<...>.<secret key>: reported by the account check, by key name.
  bool is_account_secret_key(const YamlNode& key) const
  {
    if (m_path.size() < 2 || !key.is_scalar() || !is_secret_key(key.scalar)) {
      return false;
    }
    const auto* top = std::get_if<const YamlNode*>(&m_path.front());
    return top && (*top)->scalar == "accounts";
  }

  void check_scalar(YamlNode& node, bool under_secret_key, bool is_key)
  {
    if (under_secret_key) {
      node.scalar = std::string(k_redacted);
      return;
    }
    const SecretKind kind = find_secret(node.scalar);
    if (kind == SecretKind::none) {
      return;
    }
    node.scalar = std::string(k_redacted);
    const std::string path = format_path(m_path);
    std::string where;
    if (is_key) {
      where = path.empty() ? std::string("a top-level key") : fmt::format("a key in '{}'", path);
    } else {
      where = path.empty() ? std::string("the calendar") : fmt::format("'{}'", path);
    }
    const char* what = kind == SecretKind::webhook_url ? "a webhook URL with its secret token"
                                                       : "a URL with a password in it";
    m_diagnostics.error(SourcePos{ m_file, node.line, node.column },
                        fmt::format("{} holds {}; keep secrets in environment variables, "
                                    "not in the calendar",
                                    where, what));
  }

  const std::string& m_file;
  Diagnostics& m_diagnostics;
  std::vector<Segment> m_path;
};

} // namespace

bool
is_secret_key(std::string_view key)
{
  static constexpr std::array<std::string_view, 11> k_secret_keys = {
    "token",   "access_token", "password", "app_password", "secret",   "client_secret",
    "api_key", "apikey",       "webhook",  "webhook_url",  "bot_token"
  };
  for (const auto secret : k_secret_keys) {
    if (iequals(key, secret)) {
      return true;
    }
  }
  return false;
}

SecretKind
find_secret(std::string_view text)
{
  if (text.find('/') == std::string_view::npos) {
    return SecretKind::none;
  }
  if (has_webhook_url(text)) {
    return SecretKind::webhook_url;
  }
  if (has_url_password(text)) {
    return SecretKind::url_password;
  }
  return SecretKind::none;
}

std::string
shown_value(std::string_view text)
{
  return find_secret(text) == SecretKind::none ? std::string(text) : std::string(k_redacted);
}

void
redact_secrets(YamlNode& root, const std::string& file, Diagnostics& diagnostics)
{
  Redactor(file, diagnostics).walk(root, false);
}

} // namespace herald::calendar
