#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

// OAuth 1.0a request signing with HMAC-SHA1 (RFC 5849 section 3), as X's user-context
// authentication wants it: the signature covers the method, the base URL, the query and a form
// body's parameters, and the oauth_* parameters; never a JSON or multipart body.
namespace herald::http {

using Parameters = std::vector<std::pair<std::string, std::string>>;

struct OAuth1Credentials
{
  std::string consumer_key;
  std::string consumer_secret;
  std::string token;
  std::string token_secret;
};

// The base string URI of `url` (section 3.4.1.2): scheme and host in lower case, the port only
// when it is not the scheme's default, the path ("/" when empty); no query or fragment.
std::string oauth1_base_uri(std::string_view url);

// The decoded name/value pairs of `url`'s query, as application/x-www-form-urlencoded reads them
// ('+' is a space): what the signature covers besides the oauth_* and form parameters.
Parameters query_parameters(std::string_view url);

// The signature base string (section 3.4.1): METHOD&enc(base URI)&enc(normalised parameters),
// the parameters sorted by encoded name, then encoded value.
std::string oauth1_base_string(std::string_view method, std::string_view url,
                               const Parameters& parameters);

// base64(HMAC-SHA1(enc(consumer_secret)&enc(token_secret), base_string)) (section 3.4.2).
std::string oauth1_signature(std::string_view base_string, std::string_view consumer_secret,
                             std::string_view token_secret);

// The Authorization header's value for a request to `url` (its query included) whose form body
// has `form` (empty for JSON or multipart): "OAuth oauth_consumer_key="...", ...". `nonce` and
// `timestamp` are given so that tests can reproduce a signature; production passes a fresh
// random nonce and the wall clock's seconds.
std::string oauth1_authorization(std::string_view method, std::string_view url,
                                 const Parameters& form, const OAuth1Credentials& credentials,
                                 std::string_view nonce, std::string_view timestamp);

} // namespace herald::http
