#pragma once

#include "http/transport.hpp"

#include "util/expected.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace herald::platforms {

// A link card (Bluesky's app.bsky.embed.external): what a page says about itself, and its
// image's bytes, for a post whose link the platform does not preview on its own.
struct LinkCard
{
  std::string uri;
  std::string title;
  std::string description;
  std::string thumb;      // the image's bytes; empty: no image, or it could not be used
  std::string thumb_type; // its media type (image/png, image/jpeg, ...)
};

// The first http(s) link of `text`, if any.
std::optional<std::string> first_link(std::string_view text);

// Fetches `link` (as a URI: bytes outside printable ASCII percent-encoded) and reads its Open
// Graph, Twitter Card or <title> tags (text/html_meta.hpp): at most 1 MiB of HTML within 5 s, three
// redirects, each hop under the same URL policy as every request; the image (resolved against the
// page's final URL) at most 1,000,000 bytes of image/*. An image that fails leaves the card without
// one; anything else that fails is the error, which says why (for -v): the post then goes out with
// its plain link.
Result<LinkCard, std::string> fetch_link_card(http::HttpTransport& transport,
                                              const std::string& link);

} // namespace herald::platforms
