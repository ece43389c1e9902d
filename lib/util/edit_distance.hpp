#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace herald {

// Levenshtein distance (insert, delete, substitute; an adjacent swap counts as one edit).
size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word`, if it is close enough to be a plausible typo
// (at most a third of the word's length, and at least one edit allowed).
std::optional<std::string> closest_match(std::string_view word,
                                         std::span<const std::string_view> candidates);

} // namespace herald
