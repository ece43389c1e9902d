#include "platforms/mastodon/flavor.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace herald::platforms::mastodon {

namespace {

struct Known
{
  Flavor flavor;
  std::string_view name;
  std::string_view display;
};

constexpr std::array<Known, 5> k_known{ {
  { Flavor::mastodon, "mastodon", "Mastodon" },
  { Flavor::gotosocial, "gotosocial", "GoToSocial" },
  { Flavor::pixelfed, "pixelfed", "Pixelfed" },
  { Flavor::akkoma, "akkoma", "Akkoma" },
  { Flavor::pleroma, "pleroma", "Pleroma" },
} };

std::string
lower(std::string_view text)
{
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string
string_member(const nlohmann::json& json, const char* key)
{
  if (!json.is_object()) {
    return {};
  }
  const auto it = json.find(key);
  return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
}

} // namespace

std::string_view
to_string(Flavor flavor)
{
  return k_known.at(static_cast<size_t>(flavor)).name;
}

std::string_view
display_name(Flavor flavor)
{
  return k_known.at(static_cast<size_t>(flavor)).display;
}

std::optional<Flavor>
parse_flavor(std::string_view text)
{
  const auto name = lower(text);
  for (const auto& known : k_known) {
    if (known.name == name) {
      return known.flavor;
    }
  }
  return std::nullopt;
}

FlavorTraits
traits_of(Flavor flavor)
{
  switch (flavor) {
  case Flavor::mastodon:
    return {};
  case Flavor::gotosocial:
    return { .idempotency_key = false, .default_max_chars = 5000, .content_type = true };
  case Flavor::pixelfed:
    return { .idempotency_key = false, .needs_media = true };
  case Flavor::akkoma:
  case Flavor::pleroma:
    return { .default_max_chars = 5000, .content_type = true };
  }
  return {};
}

std::optional<ServerKind>
kind_from_instance(const nlohmann::json& instance)
{
  const auto version = string_member(instance, "version");
  // "2.7.2 (compatible; Akkoma 3.13.2)": the name and version in the parentheses.
  if (const auto open = version.find("(compatible; "); open != std::string::npos) {
    const auto inner = version.substr(open + 13, version.find(')', open) - open - 13);
    const auto space = inner.find(' ');
    if (const auto flavor = parse_flavor(inner.substr(0, space))) {
      return ServerKind{ *flavor, space == std::string::npos ? "" : inner.substr(space + 1) };
    }
    return std::nullopt;
  }
  const auto source = lower(string_member(instance, "source_url"));
  for (const auto& known : k_known) {
    if (source.find(known.name) != std::string::npos) {
      // GoToSocial writes "0.17.3+git-abc1234" or "0.17.3 git-abc1234".
      return ServerKind{ known.flavor, version.substr(0, version.find_first_of("+ ")) };
    }
  }
  return std::nullopt;
}

std::optional<ServerKind>
kind_from_nodeinfo(const nlohmann::json& nodeinfo)
{
  const auto software =
    nodeinfo.is_object() && nodeinfo.contains("software") ? nodeinfo["software"] : nlohmann::json();
  if (const auto flavor = parse_flavor(string_member(software, "name"))) {
    return ServerKind{ *flavor, string_member(software, "version") };
  }
  return std::nullopt;
}

} // namespace herald::platforms::mastodon
