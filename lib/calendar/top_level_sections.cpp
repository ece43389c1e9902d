#include "top_level_sections.hpp"

namespace herald::calendar {

namespace {

bool
starts_block(std::string_view line, std::string_view key)
{
  if (line.substr(0, key.size()) != key) {
    return false;
  }
  size_t at = key.size();
  while (at < line.size() && line[at] == ' ') {
    ++at;
  }
  return at < line.size() && line[at] == ':' &&
         (at + 1 == line.size() || line[at + 1] == ' ' || line[at + 1] == '\r');
}

// A line this cutter does not understand: the whole text must go to the YAML parser.
bool
unsupported(std::string_view line)
{
  if (line.empty()) {
    return false;
  }
  const char first = line.front();
  return first == '\t' || first == '%' || first == '{' || first == '[' || first == '"' ||
         first == '\'' || first == '?' || first == '&' || first == '*' || first == '!' ||
         first == '|' || first == '>' || line.substr(0, 3) == "---" || line.substr(0, 3) == "...";
}

bool
inside_block(std::string_view line)
{
  return line.empty() || line.front() == ' ' || line.front() == '#' || line.front() == '-' ||
         line.front() == '\r';
}

} // namespace

std::optional<std::string>
without_top_level_block(std::string_view text, std::string_view key)
{
  std::string out;
  out.reserve(text.size());
  bool cutting = false;
  bool found = false;
  size_t cut_from = 0; // where the block's line breaks start in `out`
  for (size_t begin = 0; begin < text.size();) {
    size_t end = text.find('\n', begin);
    const bool last = end == std::string_view::npos;
    if (last) {
      end = text.size();
    }
    const std::string_view line = text.substr(begin, end - begin);
    begin = end + 1;
    if (cutting && !inside_block(line)) {
      cutting = false;
    }
    if (!cutting && unsupported(line)) {
      return std::nullopt;
    }
    if (!cutting && starts_block(line, key)) {
      if (found) {
        return std::nullopt; // a duplicate key: the parser says so
      }
      cutting = found = true;
      cut_from = out.size();
    }
    if (!cutting) {
      out += line;
    }
    if (!last) {
      out += '\n';
    }
  }
  if (cutting) {
    out.resize(cut_from); // the block ended the file: no line after it needs its breaks
  }
  return out;
}

} // namespace herald::calendar
