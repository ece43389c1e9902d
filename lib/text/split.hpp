#pragma once

#include "length_rules.hpp"

#include "util/expected.hpp"

#include <span>
#include <string>
#include <string_view>
#include <vector>

// Cutting a text that is too long for an account into parts that each fit, for a thread (or
// consecutive messages where a platform has no threads).
namespace herald::text {

struct SplitOptions
{
  // Appended to every part after a space when there is more than one, counted in the limit:
  // "{i}" is the part's number, "{n}" the number of parts (e.g. "{i}/{n}" gives "2/5"). Empty:
  // no numbering.
  std::string numbering;
};

// `text` as it is when it fits every rule; otherwise as parts that each fit them all, cut at the
// best boundary the room allows: the end of a paragraph, else of a line, else of a sentence
// (also after CJK full stops, which no space follows), else between words, else (a word longer
// than a part) between two grapheme clusters. Never inside a URL, a mention or a hashtag
// (find_links). A part is never less than half as long as the room it had, when a worse
// boundary would fill it more. The whitespace at a cut is dropped; the parts joined with it give
// the text back. An error says why when a URL, mention or hashtag alone cannot fit (or the
// numbering leaves no room); the text is never cut where the rules would not count it right.
Result<std::vector<std::string>, std::string> split_to_fit(std::string_view text,
                                                           std::span<const LengthRule> rules,
                                                           const SplitOptions& options = {});

// "{i}" and "{n}" in `pattern` replaced by `index` and `count`.
std::string format_numbering(std::string_view pattern, size_t index, size_t count);

} // namespace herald::text
