#pragma once

#include "url_policy.hpp"

#include <optional>
#include <string_view>

namespace herald::http {

// The scheme, host and port of a URL in the plain form nearly every configured address has
// (`https://` or `http://`, a lower-case host name or dotted IPv4 address, an optional port,
// then a path of ordinary characters), read without libcurl, so that checking a calendar's
// addresses does not wait for libcurl to load. Anything else is nullopt: libcurl's parser
// decides. For every URL it accepts, the answer is the one libcurl's parser gives
// (tests/fuzz/fuzz_url.cpp compares the two), including the loopback flag.
std::optional<UrlTarget> parse_plain_url(std::string_view url);

} // namespace herald::http
