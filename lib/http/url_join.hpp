#pragma once

#include <optional>
#include <string>

namespace herald::http {

// `reference` (absolute, or relative as in an <img src> or og:image) resolved against `base`,
// as RFC 3986 section 5 says, by libcurl's URL parser; nullopt when either cannot be parsed.
std::optional<std::string> resolve_reference(const std::string& base, const std::string& reference);

} // namespace herald::http
