#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace herald::release {

// Release notes in Markdown as plain text that every platform shows well: list items as lines
// starting with "• " (nested ones indented), headings as short lines ending with ':', links as
// "text (url)" or the URL alone when it is the text, emphasis and code marks dropped, images as
// their alt text, HTML comments removed; no Markdown syntax is left.
struct PlainNotes
{
  std::string text;                                        // the whole, as above
  std::string summary;                                     // first paragraph, else first items
  std::vector<std::string> items;                          // every top-level list item
  std::map<std::string, std::vector<std::string>> section; // "added" -> its items
};

PlainNotes to_plain_text(std::string_view markdown, size_t summary_items = 3);

// One line's inline Markdown as plain text (links, autolinks, images, emphasis, code spans,
// backslash escapes).
std::string inline_text(std::string_view line);

} // namespace herald::release
