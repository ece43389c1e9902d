#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace herald::calendar {

// `text` with the top-level `key:` block of a calendar cut out, all but its line breaks, so
// that the rest keeps its line and column numbers (at the end of the file, the breaks too:
// even blank lines cost the YAML scanner time).
// For a command that needs only part of a calendar (`herald post`: the accounts and the
// defaults), so that YAML never has to scan the rest (the posts: nearly all of a big file).
//
// Only plain block style is cut: nothing when the text has a document marker (`---`, `...`), a
// directive (`%`), a top-level flow mapping, a tab at the start of a line, or a quoted or
// complex key at the start of a line; then the caller parses the whole text. The block runs from
// the line `key:` (at column 1) to the next line that starts with neither a space, a `#` nor a
// `-` (a block sequence may sit at the key's own indentation).
std::optional<std::string> without_top_level_block(std::string_view text, std::string_view key);

} // namespace herald::calendar
