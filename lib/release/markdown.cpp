#include "markdown.hpp"

#include "util/trim.hpp"

#include <algorithm>
#include <cctype>

namespace herald::release {

namespace {

size_t
indent_of(std::string_view line)
{
  size_t width = 0;
  for (const char c : line) {
    if (c == ' ') {
      ++width;
    } else if (c == '\t') {
      width += 4;
    } else {
      break;
    }
  }
  return width;
}

// The text after a list marker ("- ", "* ", "+ ", "1. ", "1) "), or npos when none.
size_t
list_item_start(std::string_view line)
{
  if (line.size() >= 2 && (line[0] == '-' || line[0] == '*' || line[0] == '+') && line[1] == ' ') {
    return 2;
  }
  size_t digits = 0;
  while (digits < line.size() && std::isdigit(static_cast<unsigned char>(line[digits]))) {
    ++digits;
  }
  if (digits > 0 && digits + 1 < line.size() && (line[digits] == '.' || line[digits] == ')') &&
      line[digits + 1] == ' ') {
    return digits + 2;
  }
  return std::string_view::npos;
}

std::string
lower(std::string_view text)
{
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Removes "<!-- ... -->" anywhere, across lines.
std::string
without_comments(std::string_view markdown)
{
  std::string out;
  size_t pos = 0;
  while (pos < markdown.size()) {
    const size_t open = markdown.find("<!--", pos);
    if (open == std::string_view::npos) {
      out.append(markdown.substr(pos));
      break;
    }
    out.append(markdown.substr(pos, open - pos));
    const size_t close = markdown.find("-->", open + 4);
    pos = close == std::string_view::npos ? markdown.size() : close + 3;
  }
  return out;
}

} // namespace

std::string
inline_text(std::string_view line)
{
  std::string out;
  size_t i = 0;
  while (i < line.size()) {
    const char c = line[i];
    if (c == '\\' && i + 1 < line.size() && std::ispunct(static_cast<unsigned char>(line[i + 1]))) {
      out += line[i + 1];
      i += 2;
      continue;
    }
    if (c == '`') {
      size_t ticks = 0;
      while (i + ticks < line.size() && line[i + ticks] == '`') {
        ++ticks;
      }
      const std::string fence(ticks, '`');
      const size_t close = line.find(fence, i + ticks);
      if (close != std::string_view::npos) {
        out += trim_blanks(line.substr(i + ticks, close - i - ticks));
        i = close + ticks;
        continue;
      }
      out += fence;
      i += ticks;
      continue;
    }
    if (c == '<') {
      const size_t close = line.find('>', i);
      if (close != std::string_view::npos) {
        const auto inside = line.substr(i + 1, close - i - 1);
        if (inside.starts_with("http://") || inside.starts_with("https://") ||
            inside.starts_with("mailto:")) {
          out += inside;
          i = close + 1;
          continue;
        }
      }
    }
    const bool image = c == '!' && i + 1 < line.size() && line[i + 1] == '[';
    if (c == '[' || image) {
      const size_t open = image ? i + 1 : i;
      // The link text may hold brackets of its own ("[`a[0]`](url)"): find its matching one.
      size_t depth = 0;
      size_t close = std::string_view::npos;
      for (size_t j = open; j < line.size(); ++j) {
        if (line[j] == '\\') {
          ++j;
        } else if (line[j] == '[') {
          ++depth;
        } else if (line[j] == ']' && --depth == 0) {
          close = j;
          break;
        }
      }
      if (close != std::string_view::npos) {
        const std::string label = inline_text(line.substr(open + 1, close - open - 1));
        if (close + 1 < line.size() && line[close + 1] == '(') {
          const size_t end = line.find(')', close + 2);
          if (end != std::string_view::npos) {
            std::string_view url = trim_blanks(line.substr(close + 2, end - close - 2));
            if (const size_t space = url.find(' '); space != std::string_view::npos) {
              url = url.substr(0, space); // [text](url "title")
            }
            if (image) {
              out += label;
            } else if (label.empty() || label == url) {
              out += url;
            } else {
              out += label + " (" + std::string(url) + ")";
            }
            i = end + 1;
            continue;
          }
        }
        if (close + 1 < line.size() && line[close + 1] == '[') {
          const size_t end = line.find(']', close + 2); // [text][ref]
          if (end != std::string_view::npos) {
            out += label;
            i = end + 1;
            continue;
          }
        }
        out += label; // [text] alone: a shortcut reference, or plain brackets
        i = close + 1;
        continue;
      }
    }
    if ((c == '*' || c == '_') && i + 1 < line.size() && line[i + 1] == c) {
      i += 2; // ** or __: strong emphasis
      continue;
    }
    if (c == '*' || c == '~') {
      // *emphasis* and ~~strike~~ marks; a lone '*' between spaces stays.
      const bool mark =
        (i + 1 < line.size() && line[i + 1] != ' ') || (i > 0 && line[i - 1] != ' ');
      if (mark && !(c == '~' && !(i + 1 < line.size() && line[i + 1] == '~') &&
                    !(i > 0 && line[i - 1] == '~'))) {
        ++i;
        continue;
      }
    }
    out += c;
    ++i;
  }
  return out;
}

PlainNotes
to_plain_text(std::string_view markdown, size_t summary_items)
{
  PlainNotes notes;
  const std::string source = without_comments(markdown);
  std::vector<std::string> out;
  std::string section;
  std::string paragraph;
  bool fenced = false;
  bool blank = true;
  std::vector<size_t> levels; // the indent of each open list level
  const auto end_paragraph = [&] {
    if (!paragraph.empty() && notes.summary.empty()) {
      notes.summary = paragraph;
    }
    paragraph.clear();
  };
  size_t start = 0;
  while (start <= source.size()) {
    const size_t end = std::min(source.find('\n', start), source.size());
    const std::string_view raw = std::string_view(source).substr(start, end - start);
    start = end + 1;
    const std::string_view line = trim_blanks(raw);
    if (line.starts_with("```") || line.starts_with("~~~")) {
      fenced = !fenced;
      continue;
    }
    if (fenced) {
      out.emplace_back(raw);
      continue;
    }
    if (line.empty()) {
      end_paragraph();
      if (!blank) {
        out.emplace_back();
      }
      blank = true;
      levels.clear();
      continue;
    }
    blank = false;
    if (line.starts_with('#')) {
      end_paragraph();
      const size_t hashes = line.find_first_not_of('#');
      std::string title = inline_text(trim_blanks(line.substr(std::min(hashes, line.size()))));
      section = lower(title);
      if (!out.empty() && !out.back().empty()) {
        out.emplace_back();
      }
      out.push_back(title.empty() || title.back() == ':' ? title : title + ":");
      levels.clear();
      blank = true; // what follows a heading goes right under it
      continue;
    }
    const size_t indent = indent_of(raw);
    if (const size_t item = list_item_start(line); item != std::string_view::npos) {
      end_paragraph();
      while (!levels.empty() && indent < levels.back()) {
        levels.pop_back();
      }
      if (levels.empty() || indent > levels.back()) {
        levels.push_back(indent);
      }
      const size_t depth = levels.size() - 1;
      const std::string text = inline_text(trim_blanks(line.substr(item)));
      out.push_back(std::string(depth * 2, ' ') + "\u2022 " + text);
      if (depth == 0) {
        notes.items.push_back(text);
        if (!section.empty()) {
          notes.section[section].push_back(text);
        }
      }
      continue;
    }
    const std::string text = inline_text(line);
    if (!levels.empty() && indent > 0 && !out.empty()) {
      out.back() += " " + text; // a list item's continuation line
      if (levels.size() == 1 && !notes.items.empty()) {
        notes.items.back() += " " + text;
      }
      continue;
    }
    levels.clear();
    if (!paragraph.empty()) {
      out.back() += " " + text; // a soft line break
      paragraph += " " + text;
    } else {
      out.push_back(text);
      paragraph = text;
    }
  }
  end_paragraph();
  while (!out.empty() && out.back().empty()) {
    out.pop_back();
  }
  for (size_t i = 0; i < out.size(); ++i) {
    notes.text += (i ? "\n" : "") + out[i];
  }
  if (notes.summary.empty()) {
    for (size_t i = 0; i < std::min(summary_items, notes.items.size()); ++i) {
      notes.summary += (i ? "\n" : "") + ("\u2022 " + notes.items[i]);
    }
  }
  return notes;
}

} // namespace herald::release
