#pragma once

#include <string>
#include <string_view>
#include <vector>

// UTM tagging: adding utm_* query parameters to the links of a post, so that the traffic the
// networks send back shows up, attributed, in the user's web analytics.
namespace herald::text {

// The values to add (already expanded from the calendar's templates; empty ones are left out)
// and the domains whose links stay untouched.
struct UtmTags
{
  std::string source;   // utm_source
  std::string medium;   // utm_medium
  std::string campaign; // utm_campaign
  std::string content;  // utm_content
  // Domain names (lower case, e.g. "example.org"); a link to one of them or to any of their
  // subdomains ("www.example.org") is not tagged.
  std::vector<std::string> exclude;

  bool operator==(const UtmTags&) const = default;
};

// `url` (an http:// or https:// URL as find_links() finds it) with the tags added to its query:
// after an existing query string ('&'), else as a new one ('?'), always before a '#fragment'.
// Values are percent-encoded (RFC 3986 unreserved characters stay as they are). Returned
// unchanged when it already carries any utm_ parameter (the author tagged it by hand), when its
// host is excluded, or when there is no tag to add.
std::string tag_url(std::string_view url, const UtmTags& tags);

// `text` with every URL that find_links() finds tagged by tag_url(); everything else, including
// punctuation after a link and non-ASCII text around it, is left byte for byte.
std::string tag_links(std::string_view text, const UtmTags& tags);

// The host of an http(s) URL in lower case, without user-info and port ("" when there is none).
std::string url_host(std::string_view url);

} // namespace herald::text
