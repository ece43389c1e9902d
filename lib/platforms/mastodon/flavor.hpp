#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

// The servers that speak the Mastodon client API and where they differ (herald-calendar(5), "The
// mastodon platform", table of servers): which kind a server is, from what it says of itself,
// and what herald does differently for each.
namespace herald::platforms::mastodon {

enum class Flavor
{
  mastodon,
  gotosocial,
  pixelfed,
  akkoma,
  pleroma,
};

std::string_view to_string(Flavor flavor);
// The kind's name as people write it ("GoToSocial").
std::string_view display_name(Flavor flavor);
std::optional<Flavor> parse_flavor(std::string_view text);

struct FlavorTraits
{
  // The server keeps Idempotency-Key (Mastodon: an hour). GoToSocial only learnt it lately and
  // Pixelfed documents that it ignores it, so herald relies on it for Mastodon, Akkoma and
  // Pleroma only.
  bool idempotency_key = true;
  size_t default_max_chars = 500;
  bool needs_media = false;  // Pixelfed: a post is a photo or video with a caption
  bool content_type = false; // takes `content_type` (text/markdown) for a status
};
FlavorTraits traits_of(Flavor flavor);

// What a server says it is.
struct ServerKind
{
  Flavor flavor = Flavor::mastodon;
  std::string version; // the server's own version ("0.17.3", "3.13.2"); may be empty
};

// From an /api/v2/instance or /api/v1/instance document: "4.3.0" (Mastodon),
// "2.7.2 (compatible; Akkoma 3.13.2)" (the servers that borrow Mastodon's version name
// themselves in parentheses), or a source_url naming the project (GoToSocial). Nothing when
// the document does not tell.
std::optional<ServerKind> kind_from_instance(const nlohmann::json& instance);
// From a nodeinfo 2.x document's software.name and software.version.
std::optional<ServerKind> kind_from_nodeinfo(const nlohmann::json& nodeinfo);

} // namespace herald::platforms::mastodon
