#pragma once

// Internal to the loader: `split:` (in `defaults:` and on a post).

#include "load_context.hpp"

#include <optional>
#include <string_view>

namespace herald::calendar {

// A `split:` value: `thread` (cut where too long), `false` (never: nullopt), or a map with
// `numbering:` (a pattern with {i}, and {n} for the count, e.g. "{i}/{n}"). Reports a problem
// at its position and then leaves `base` in force.
std::optional<SplitSettings> read_split(LoadContext& ctx, const SourceFile& file,
                                        const YamlNode& node, std::string_view path,
                                        const std::optional<SplitSettings>& base);

} // namespace herald::calendar
