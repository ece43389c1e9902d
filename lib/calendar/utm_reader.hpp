#pragma once

// Internal to the loader: `utm:` (in `defaults:` and on a post) and a post's `campaign:`.

#include "load_context.hpp"

#include <optional>
#include <string_view>

namespace herald::calendar {

// A `utm:` value: `false` turns tagging off (nullopt), `true` takes `base` (else the built-in
// templates), a map overrides `base` key by key (source, medium, campaign, content: templates;
// exclude: a domain or a list of them). Reports every problem at its position; a bad value
// leaves `base` in force.
std::optional<UtmSettings> read_utm(LoadContext& ctx, const SourceFile& file, const YamlNode& node,
                                    std::string_view path, const std::optional<UtmSettings>& base);

} // namespace herald::calendar
