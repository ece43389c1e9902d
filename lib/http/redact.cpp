#include "redact.hpp"

#include "ascii.hpp"

#include <algorithm>
#include <array>

namespace herald::http {

namespace {

constexpr auto npos = std::string::npos;

// Characters that end a path segment or a path in free text (log lines, JSON, headers).
constexpr std::string_view k_segment_end = "/?# \t\r\n\"'<>";
constexpr std::string_view k_path_end = "?# \t\r\n\"'<>";

constexpr std::array<std::string_view, 7> k_secret_fields = {
  "password", "access_token", "refresh_token", "accessJwt", "refreshJwt", "client_secret", "token",
};

// A derived form shorter than this (a base64 fragment of a short secret) is not masked: it
// would match unrelated text all over a log line.
constexpr size_t k_min_derived_length = 6;

// Replaces s[begin, end) with the marker; returns where scanning may continue.
size_t
mask(std::string& s, size_t begin, size_t end)
{
  s.replace(begin, end - begin, k_redacted);
  return begin + k_redacted.size();
}

size_t
find_end(const std::string& s, std::string_view terminators, size_t from)
{
  const size_t end = s.find_first_of(terminators, from);
  return end == npos ? s.size() : end;
}

void
replace_all(std::string& s, std::string_view needle)
{
  size_t pos = 0;
  while ((pos = s.find(needle, pos)) != npos) {
    pos = mask(s, pos, pos + needle.size());
  }
}

std::string
base64(std::string_view data, std::string_view alphabet, bool pad)
{
  std::string out;
  size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    const unsigned n = (unsigned(uint8_t(data[i])) << 16) | (unsigned(uint8_t(data[i + 1])) << 8) |
                       unsigned(uint8_t(data[i + 2]));
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += alphabet[n & 63];
  }
  const size_t rest = data.size() - i;
  if (rest > 0) {
    unsigned n = unsigned(uint8_t(data[i])) << 16;
    if (rest == 2) {
      n |= unsigned(uint8_t(data[i + 1])) << 8;
    }
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    if (rest == 2) {
      out += alphabet[(n >> 6) & 63];
    }
    if (pad) {
      out.append(3 - rest, '=');
    }
  }
  return out;
}

// The base64 characters determined by `secret` alone when it starts `offset` (0-2) bytes into
// a longer encoded text, as in Basic auth's base64("user:secret").
std::string
base64_core(std::string_view secret, size_t offset, std::string_view alphabet)
{
  std::string shifted(offset, '\0');
  shifted += secret;
  const std::string encoded = base64(shifted, alphabet, false);
  const size_t first = (8 * offset + 5) / 6;
  const size_t last = 8 * (offset + secret.size()) / 6;
  return last > first ? encoded.substr(first, last - first) : std::string();
}

std::string
json_escape(std::string_view s, bool escape_slash)
{
  std::string out;
  for (const char c : s) {
    if (c == '"' || c == '\\' || (c == '/' && escape_slash)) {
      out += '\\';
      out += c;
    } else if (uint8_t(c) < 0x20) {
      static constexpr char k_hex[] = "0123456789abcdef";
      out += "\\u00";
      out += k_hex[uint8_t(c) >> 4];
      out += k_hex[uint8_t(c) & 15];
    } else {
      out += c;
    }
  }
  return out;
}

// Every form a secret may take in a log line, longest first so that no form leaves a piece of
// a longer one behind.
std::vector<std::string>
secret_forms(const std::vector<std::string>& secrets)
{
  static constexpr std::string_view k_std =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  static constexpr std::string_view k_url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::vector<std::string> forms;
  const auto add_derived = [&forms](std::string form) {
    if (form.size() >= k_min_derived_length) {
      forms.push_back(std::move(form));
    }
  };
  for (const auto& secret : secrets) {
    if (secret.empty()) {
      continue;
    }
    forms.push_back(secret);
    add_derived(ascii::percent_encode(secret, true, false));
    add_derived(ascii::percent_encode(secret, false, false));
    add_derived(ascii::percent_encode(secret, true, true));
    add_derived(json_escape(secret, false));
    add_derived(json_escape(secret, true));
    for (const auto alphabet : { k_std, k_url }) {
      add_derived(base64(secret, alphabet, true));
      for (size_t offset = 0; offset < 3; ++offset) {
        add_derived(base64_core(secret, offset, alphabet));
      }
    }
  }
  std::sort(forms.begin(), forms.end(),
            [](const auto& a, const auto& b) { return a.size() > b.size(); });
  forms.erase(std::unique(forms.begin(), forms.end()), forms.end());
  return forms;
}

bool
is_scheme_word(std::string_view word)
{
  return !word.empty() && word.size() <= 20 && std::all_of(word.begin(), word.end(), [](char c) {
    return ascii::is_alnum(c) || c == '-';
  });
}

// "Authorization: Bearer x" -> "Authorization: Bearer ***"; "Set-Cookie: a=b" -> "Set-Cookie: ***".
// The short names also catch Proxy-Authorization and Set-Cookie.
void
mask_header_values(std::string& s)
{
  for (const std::string_view name :
       { std::string_view("authorization:"), std::string_view("cookie:") }) {
    size_t pos = 0;
    while ((pos = ascii::ifind(s, name, pos)) != npos) {
      if (pos > 0 && (ascii::is_alnum(s[pos - 1]) || s[pos - 1] == '_')) {
        pos += name.size();
        continue;
      }
      size_t begin = s.find_first_not_of(" \t", pos + name.size());
      begin = begin == npos ? s.size() : begin;
      const size_t end = find_end(s, "\r\n", begin);
      if (name == "authorization:") {
        const size_t space = s.find(' ', begin);
        if (space < end && is_scheme_word(std::string_view(s).substr(begin, space - begin))) {
          begin = s.find_first_not_of(' ', space);
          begin = std::min(begin == npos ? s.size() : begin, end);
        }
      }
      pos = begin < end ? mask(s, begin, end) : end;
    }
  }
}

// "https://user:pass@host" -> "https://***@host"
void
mask_url_userinfo(std::string& s)
{
  size_t pos = 0;
  while ((pos = s.find("://", pos)) != npos) {
    const size_t begin = pos + 3;
    const size_t end = find_end(s, k_segment_end, begin);
    const size_t at = std::string_view(s).substr(begin, end - begin).rfind('@');
    pos = at != npos && at > 0 ? mask(s, begin, begin + at) : begin;
  }
}

// Discord: /api/webhooks/<id>/<token> (also /api/v10/webhooks/...): the id is public, the
// token is the credential.
void
mask_discord_webhooks(std::string& s)
{
  constexpr std::string_view marker = "/webhooks/";
  size_t pos = 0;
  while ((pos = ascii::ifind(s, marker, pos)) != npos) {
    const size_t id_begin = pos + marker.size();
    const size_t id_end = find_end(s, k_segment_end, id_begin);
    if (id_end == id_begin || id_end >= s.size() || s[id_end] != '/') {
      pos = id_begin;
      continue;
    }
    const size_t token_begin = id_end + 1;
    const size_t token_end = find_end(s, k_segment_end, token_begin);
    pos = token_end > token_begin ? mask(s, token_begin, token_end) : token_begin;
  }
}

// Slack: hooks.slack.com/services/T…/B…/<secret>: the whole path is the credential.
void
mask_slack_webhooks(std::string& s)
{
  constexpr std::string_view marker = "/services/";
  size_t pos = 0;
  while ((pos = ascii::ifind(s, marker, pos)) != npos) {
    const size_t begin = pos + marker.size();
    const size_t end = find_end(s, k_path_end, begin);
    pos = end > begin ? mask(s, begin, end) : begin;
  }
}

// Telegram: /bot<digits>:<secret>/method. Requiring "<digits>:" keeps "/bottom" intact.
void
mask_telegram_tokens(std::string& s)
{
  constexpr std::string_view marker = "/bot";
  size_t pos = 0;
  while ((pos = s.find(marker, pos)) != npos) {
    const size_t begin = pos + marker.size();
    size_t i = begin;
    while (i < s.size() && ascii::is_digit(s[i])) {
      ++i;
    }
    const std::string_view rest = std::string_view(s).substr(i);
    if (i == begin || !(rest.starts_with(":") || ascii::iequals(rest.substr(0, 3), "%3a"))) {
      pos = begin;
      continue;
    }
    pos = mask(s, begin, find_end(s, k_segment_end, i));
  }
}

size_t
end_of_json_string(const std::string& s, size_t begin)
{
  for (size_t i = begin; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
    } else if (s[i] == '"') {
      return i;
    }
  }
  return s.size();
}

// Masks the value of the field whose name ends at `after`; returns where to continue.
size_t
mask_field_value(std::string& s, size_t name_begin, size_t after)
{
  if (after < s.size() && s[after] == '=') { // query string or form body
    const size_t begin = after + 1;
    const size_t end = find_end(s, "&#;, \t\r\n\"'<>", begin);
    return end > begin ? mask(s, begin, end) : begin;
  }
  const bool quoted =
    name_begin > 0 && s[name_begin - 1] == '"' && after < s.size() && s[after] == '"';
  if (!quoted) {
    return after;
  }
  if (name_begin >= 6 && ascii::iequals(std::string_view(s).substr(name_begin - 6, 6), "name=\"")) {
    // multipart/form-data: the value follows the part's headers.
    const size_t blank = s.find("\r\n\r\n", after);
    if (blank == npos) {
      return after;
    }
    const size_t begin = blank + 4;
    const size_t end = std::min(s.find("\r\n", begin), s.size());
    return end > begin ? mask(s, begin, end) : begin;
  }
  size_t i = s.find_first_not_of(" \t\r\n", after + 1); // JSON: "name" : value
  if (i == npos || s[i] != ':') {
    return after;
  }
  i = s.find_first_not_of(" \t\r\n", i + 1);
  if (i == npos) {
    return s.size();
  }
  if (s[i] == '"') {
    const size_t end = end_of_json_string(s, i + 1);
    return end > i + 1 ? mask(s, i + 1, end) : end;
  }
  const size_t end = find_end(s, ",}] \t\r\n", i);
  return end > i ? mask(s, i, end) : i;
}

void
mask_secret_fields(std::string& s)
{
  for (const auto name : k_secret_fields) {
    size_t pos = 0;
    while ((pos = ascii::ifind(s, name, pos)) != npos) {
      pos = mask_field_value(s, pos, pos + name.size());
    }
  }
}

} // namespace

std::string
redact(std::string_view text, const std::vector<std::string>& secrets)
{
  std::string out(text);
  for (const auto& form : secret_forms(secrets)) {
    replace_all(out, form);
  }
  mask_header_values(out);
  mask_url_userinfo(out);
  mask_discord_webhooks(out);
  mask_slack_webhooks(out);
  mask_telegram_tokens(out);
  mask_secret_fields(out);
  return out;
}

std::string
redact_head(std::string_view text, size_t limit, const std::vector<std::string>& secrets)
{
  if (text.size() <= limit) {
    return redact(text, secrets);
  }
  size_t cut = limit;
  for (const auto& form : secret_forms(secrets)) {
    // The first occurrence that could reach the cut; if it starts after the cut, none crosses it.
    const size_t start = limit >= form.size() ? limit - form.size() + 1 : 0;
    const size_t found = text.find(form, start);
    if (found < cut) {
      cut = found;
    }
  }
  std::string out = redact(text.substr(0, cut), secrets);
  if (cut < limit) {
    out += k_redacted;
  }
  return out;
}

std::string
redacted_url(std::string_view url, const std::vector<std::string>& secrets)
{
  std::string out = redact(url, secrets);
  if (const size_t hash = out.find('#'); hash != npos) {
    out.resize(hash);
  }
  const size_t query = out.find('?');
  if (query == npos) {
    return out;
  }
  // Parameters of the documented APIs that never carry a secret: shown, so a log line says
  // what was asked (Discord's ?wait=true). Every other value is masked.
  static constexpr std::string_view k_plain[] = { "wait",   "limit",   "since_id", "max_id",
                                                  "min_id", "types[]", "reasons",  "oldest",
                                                  "latest", "channel", "thread_id" };
  size_t pos = query + 1;
  while (pos < out.size()) {
    const size_t end = find_end(out, "&", pos);
    const size_t equals = out.find('=', pos);
    const std::string_view name = std::string_view(out).substr(pos, std::min(equals, end) - pos);
    const bool plain = std::find(std::begin(k_plain), std::end(k_plain), name) != std::end(k_plain);
    if (!plain && equals < end && equals + 1 < end &&
        std::string_view(out).substr(equals + 1, end - equals - 1) != k_redacted) {
      pos = mask(out, equals + 1, end);
    } else {
      pos = end;
    }
    pos = find_end(out, "&", pos) + 1;
  }
  return out;
}

} // namespace herald::http
