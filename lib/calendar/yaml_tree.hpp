#pragma once

#include "util/diagnostics.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald::calendar {

struct YamlEntry;

// A light, position-carrying YAML tree built from yaml-cpp's event API. It has no anchors or
// aliases (they are rejected while parsing), so every walk over it is linear in the file size.
struct YamlNode
{
  enum class Kind : std::uint8_t
  {
    null,
    scalar,
    sequence,
    map
  };
  // How a scalar was written: `true` is a boolean only when plain, and error columns inside a
  // quoted scalar are one further right than its position.
  enum class Style : std::uint8_t
  {
    plain,
    quoted,
    other
  };

  Kind kind = Kind::null;
  Style style = Style::plain;
  int line = 0;   // 1-based
  int column = 0; // 1-based
  std::string scalar;
  std::vector<YamlNode> items;    // Kind::sequence
  std::vector<YamlEntry> entries; // Kind::map, in file order

  bool is_null() const { return kind == Kind::null; }
  bool is_scalar() const { return kind == Kind::scalar; }
  bool is_sequence() const { return kind == Kind::sequence; }
  bool is_map() const { return kind == Kind::map; }
};

struct YamlEntry
{
  YamlNode key;
  YamlNode value;
};

struct YamlLimits
{
  // A last line of defence: aliases are rejected, so only a huge file can get near it.
  size_t max_nodes = 5'000'000;
};

// Parses `text` as a single YAML document. Anchors, aliases, duplicate keys, non-scalar keys and
// a second document become errors in `diagnostics` (positions use `file`); the tree is still
// returned. Returns nothing when yaml-cpp gave up (syntax error, too deep nesting, too many
// nodes). Never throws for bad input. An empty text is a null document.
std::optional<YamlNode> parse_yaml(std::string_view text, const std::string& file,
                                   Diagnostics& diagnostics, const YamlLimits& limits = {});

} // namespace herald::calendar
