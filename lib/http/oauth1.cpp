#include "oauth1.hpp"

#include "ascii.hpp"
#include "crypto_api.hpp"

#include <algorithm>

namespace herald::http {

namespace {

std::string
encode(std::string_view s)
{
  return ascii::percent_encode(s);
}

int
hex_value(char c)
{
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  const char lower = ascii::to_lower(c);
  return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
}

std::string
form_decode(std::string_view s)
{
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
               hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

} // namespace

std::string
oauth1_base_uri(std::string_view url)
{
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return std::string(url);
  }
  std::string scheme;
  for (const char c : url.substr(0, scheme_end)) {
    scheme += ascii::to_lower(c);
  }
  auto rest = url.substr(scheme_end + 3);
  rest = rest.substr(0, std::min(rest.find('?'), rest.find('#')));
  const auto path_start = rest.find('/');
  const auto authority = rest.substr(0, path_start);
  const auto path = path_start == std::string_view::npos ? "/" : rest.substr(path_start);
  std::string host;
  for (const char c : authority.substr(authority.rfind('@') + 1)) {
    host += ascii::to_lower(c);
  }
  if ((scheme == "http" && host.ends_with(":80")) ||
      (scheme == "https" && host.ends_with(":443"))) {
    host.erase(host.rfind(':'));
  }
  return scheme + "://" + host + std::string(path);
}

Parameters
query_parameters(std::string_view url)
{
  Parameters out;
  const auto start = url.find('?');
  if (start == std::string_view::npos) {
    return out;
  }
  auto query = url.substr(start + 1);
  query = query.substr(0, query.find('#'));
  while (!query.empty()) {
    const auto end = query.find('&');
    const auto pair = query.substr(0, end);
    if (!pair.empty()) {
      const auto equals = pair.find('=');
      out.emplace_back(form_decode(pair.substr(0, equals)),
                       equals == std::string_view::npos ? ""
                                                        : form_decode(pair.substr(equals + 1)));
    }
    query = end == std::string_view::npos ? std::string_view() : query.substr(end + 1);
  }
  return out;
}

std::string
oauth1_base_string(std::string_view method, std::string_view url, const Parameters& parameters)
{
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(parameters.size());
  for (const auto& [name, value] : parameters) {
    encoded.emplace_back(encode(name), encode(value));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string normalised;
  for (const auto& [name, value] : encoded) {
    if (!normalised.empty()) {
      normalised += '&';
    }
    normalised.append(name).append(1, '=').append(value);
  }
  std::string upper;
  for (const char c : method) {
    upper += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  }
  return upper + '&' + encode(oauth1_base_uri(url)) + '&' + encode(normalised);
}

std::string
oauth1_signature(std::string_view base_string, std::string_view consumer_secret,
                 std::string_view token_secret)
{
  const auto key = encode(consumer_secret) + '&' + encode(token_secret);
  return base64(hmac_sha1(key, base_string));
}

std::string
oauth1_authorization(std::string_view method, std::string_view url, const Parameters& form,
                     const OAuth1Credentials& credentials, std::string_view nonce,
                     std::string_view timestamp)
{
  const Parameters oauth{
    { "oauth_consumer_key", credentials.consumer_key },
    { "oauth_nonce", std::string(nonce) },
    { "oauth_signature_method", "HMAC-SHA1" },
    { "oauth_timestamp", std::string(timestamp) },
    { "oauth_token", credentials.token },
    { "oauth_version", "1.0" },
  };
  Parameters signed_parameters = query_parameters(url);
  signed_parameters.insert(signed_parameters.end(), form.begin(), form.end());
  signed_parameters.insert(signed_parameters.end(), oauth.begin(), oauth.end());
  const auto signature = oauth1_signature(oauth1_base_string(method, url, signed_parameters),
                                          credentials.consumer_secret, credentials.token_secret);
  std::string header = "OAuth ";
  for (const auto& [name, value] : oauth) {
    header += name + "=\"" + encode(value) + "\", ";
  }
  header += "oauth_signature=\"" + encode(signature) + '"';
  return header;
}

} // namespace herald::http
