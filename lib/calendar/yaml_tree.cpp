#include "yaml_tree.hpp"

#include "secrets.hpp"

#include <fmt/core.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <istream>
#include <streambuf>
#include <unordered_map>

namespace herald::calendar {

namespace {

// Thrown from inside the event handler to stop yaml-cpp; never leaves parse_yaml.
struct TooManyNodes
{};

// Lets yaml-cpp read the text in place instead of from a copy in an istringstream.
class ViewBuffer : public std::streambuf
{
public:
  explicit ViewBuffer(std::string_view text)
  {
    char* begin = const_cast<char*>(text.data());
    setg(begin, begin, begin + text.size());
  }
};

// Anchors and aliases are rejected rather than expanded, so a self-referencing alias or a
// "billion laughs" document costs no more than its size. A handful of reports is enough.
constexpr int k_max_alias_reports = 10;

class TreeBuilder : public YAML::EventHandler
{
public:
  TreeBuilder(std::string_view text, const std::string& file, Diagnostics& diagnostics,
              const YamlLimits& limits)
    : m_text(text)
    , m_file(file)
    , m_diagnostics(diagnostics)
    , m_limits(limits)
  {
  }

  YamlNode take_root() { return std::move(m_root); }
  // Where the innermost open container started: a better place for "too deep" than yaml-cpp's
  // mark, which points at the end of the input.
  std::optional<SourcePos> innermost_open() const
  {
    if (m_stack.empty()) {
      return std::nullopt;
    }
    return pos(m_stack.back().node->line, m_stack.back().node->column);
  }
  const YAML::Mark& document_start() const { return m_document_start; }

  void OnDocumentStart(const YAML::Mark& mark) override { m_document_start = mark; }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override
  {
    check_anchor(mark, anchor);
    YamlNode node = make(YamlNode::Kind::null, mark);
    // yaml-cpp places an empty value (`text:` and nothing) at the next token, often on a later
    // line; the key is where the user looks.
    if (!is_written_null(mark) && !m_stack.empty() && m_stack.back().awaiting_value) {
      const YamlNode& key = m_stack.back().node->entries.back().key;
      node.line = key.line;
      node.column = key.column;
    }
    add(std::move(node));
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t /*anchor*/) override
  {
    report_anchor_or_alias(mark);
    add(make(YamlNode::Kind::null, mark));
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override
  {
    check_anchor(mark, anchor);
    YamlNode node = make(YamlNode::Kind::scalar, mark);
    node.style = style_of(mark, tag);
    node.scalar = value;
    add(std::move(node));
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value /*style*/) override
  {
    check_anchor(mark, anchor);
    open(add(make(YamlNode::Kind::sequence, mark)));
  }

  void OnSequenceEnd() override { m_stack.pop_back(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value /*style*/) override
  {
    check_anchor(mark, anchor);
    open(add(make(YamlNode::Kind::map, mark)));
  }

  void OnMapEnd() override
  {
    check_keys(*m_stack.back().node);
    m_stack.pop_back();
  }

private:
  struct Frame
  {
    YamlNode* node;
    bool awaiting_value = false; // maps: the last entry has its key but not yet its value
  };

  SourcePos pos(int line, int column) const { return SourcePos{ m_file, line, column }; }

  static YamlNode make(YamlNode::Kind kind, const YAML::Mark& mark)
  {
    YamlNode node;
    node.kind = kind;
    node.line = mark.line + 1;
    node.column = mark.column + 1;
    return node;
  }

  YamlNode::Style style_of(const YAML::Mark& mark, const std::string& tag) const
  {
    if (tag == "?") {
      return YamlNode::Style::plain;
    }
    if (mark.pos >= 0 && static_cast<size_t>(mark.pos) < m_text.size()) {
      const char c = m_text[static_cast<size_t>(mark.pos)];
      if (c == '"' || c == '\'') {
        return YamlNode::Style::quoted;
      }
    }
    return YamlNode::Style::other;
  }

  // `~` or `null`, as opposed to nothing at all.
  bool is_written_null(const YAML::Mark& mark) const
  {
    if (mark.pos < 0 || static_cast<size_t>(mark.pos) >= m_text.size()) {
      return false;
    }
    const std::string_view rest = m_text.substr(static_cast<size_t>(mark.pos));
    for (const std::string_view word : { "~", "null", "Null", "NULL" }) {
      if (rest.starts_with(word)) {
        const char next = rest.size() > word.size() ? rest[word.size()] : '\n';
        return next == ' ' || next == '\t' || next == '\r' || next == '\n' || next == ',' ||
               next == ']' || next == '}' || next == '#';
      }
    }
    return false;
  }

  // Places a finished or just-opened node into its parent. Pointers to open containers stay
  // valid: only the innermost open container grows, and it never contains another open one.
  YamlNode* add(YamlNode node)
  {
    if (++m_count > m_limits.max_nodes) {
      throw TooManyNodes{};
    }
    if (m_stack.empty()) {
      m_root = std::move(node);
      return &m_root;
    }
    Frame& frame = m_stack.back();
    YamlNode& parent = *frame.node;
    if (parent.kind == YamlNode::Kind::sequence) {
      parent.items.push_back(std::move(node));
      return &parent.items.back();
    }
    if (!frame.awaiting_value) {
      parent.entries.push_back(YamlEntry{ std::move(node), YamlNode{} });
      frame.awaiting_value = true;
      return &parent.entries.back().key;
    }
    frame.awaiting_value = false;
    parent.entries.back().value = std::move(node);
    return &parent.entries.back().value;
  }

  void open(YamlNode* node) { m_stack.push_back(Frame{ node }); }

  void check_anchor(const YAML::Mark& mark, YAML::anchor_t anchor)
  {
    if (anchor != YAML::NullAnchor) {
      report_anchor_or_alias(mark);
    }
  }

  void report_anchor_or_alias(const YAML::Mark& mark)
  {
    ++m_alias_reports;
    if (m_alias_reports <= k_max_alias_reports) {
      m_diagnostics.error(pos(mark.line + 1, mark.column + 1),
                          "anchors and aliases are not allowed in a calendar");
    }
  }

  void check_keys(const YamlNode& map)
  {
    for (const auto& entry : map.entries) {
      if (!entry.key.is_scalar()) {
        m_diagnostics.error(pos(entry.key.line, entry.key.column),
                            "a key must be a plain name, not a list, a map or null");
      }
    }
    // Small maps (nearly all of them) are cheaper to scan than to hash.
    constexpr size_t k_linear_limit = 16;
    if (map.entries.size() <= k_linear_limit) {
      for (size_t i = 1; i < map.entries.size(); ++i) {
        const YamlNode& key = map.entries[i].key;
        for (size_t j = 0; j < i; ++j) {
          const YamlNode& earlier = map.entries[j].key;
          if (key.is_scalar() && earlier.is_scalar() && key.scalar == earlier.scalar) {
            report_duplicate(key, earlier);
            break;
          }
        }
      }
      return;
    }
    std::unordered_map<std::string_view, const YamlNode*> seen;
    seen.reserve(map.entries.size());
    for (const auto& entry : map.entries) {
      if (!entry.key.is_scalar()) {
        continue;
      }
      const auto [it, inserted] = seen.emplace(entry.key.scalar, &entry.key);
      if (!inserted) {
        report_duplicate(entry.key, *it->second);
      }
    }
  }

  void report_duplicate(const YamlNode& key, const YamlNode& earlier)
  {
    m_diagnostics.error(
      pos(key.line, key.column),
      fmt::format("duplicate key '{}' (first at line {})", shown_value(key.scalar), earlier.line));
  }

  std::string_view m_text;
  const std::string& m_file;
  Diagnostics& m_diagnostics;
  const YamlLimits& m_limits;
  YamlNode m_root;
  YAML::Mark m_document_start;
  std::vector<Frame> m_stack;
  size_t m_count = 0;
  int m_alias_reports = 0;
};

// Learns only where a second document starts. For ",", which yaml-cpp 0.7 keeps "reading"
// forever without consuming input (reliability.md Y1), that is where the first one started.
class DocumentProbe : public YAML::EventHandler
{
public:
  const std::optional<YAML::Mark>& start() const { return m_start; }

  void OnDocumentStart(const YAML::Mark& mark) override
  {
    if (!m_start) {
      m_start = mark;
    }
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& /*mark*/, YAML::anchor_t /*anchor*/) override {}
  void OnAlias(const YAML::Mark& /*mark*/, YAML::anchor_t /*anchor*/) override {}
  void OnScalar(const YAML::Mark& /*mark*/, const std::string& /*tag*/, YAML::anchor_t /*anchor*/,
                const std::string& /*value*/) override
  {
  }
  void OnSequenceStart(const YAML::Mark& /*mark*/, const std::string& /*tag*/,
                       YAML::anchor_t /*anchor*/, YAML::EmitterStyle::value /*style*/) override
  {
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& /*mark*/, const std::string& /*tag*/, YAML::anchor_t /*anchor*/,
                  YAML::EmitterStyle::value /*style*/) override
  {
  }
  void OnMapEnd() override {}

private:
  std::optional<YAML::Mark> m_start;
};

// A YAML::Mark as a 1-based position; yaml-cpp uses -1 for "unknown".
SourcePos
mark_pos(const std::string& file, const YAML::Mark& mark)
{
  if (mark.is_null() || mark.line < 0) {
    return SourcePos{ file, 0, 0 };
  }
  return SourcePos{ file, mark.line + 1, mark.column + 1 };
}

// Returns false when the input is not YAML at all.
bool
report_second_document(std::string_view text, const std::string& file, const YAML::Mark& first,
                       const YAML::Mark& second, Diagnostics& diagnostics)
{
  if (second.pos > first.pos) {
    diagnostics.error(mark_pos(file, second), "a calendar is a single YAML document");
    return true;
  }
  // No progress: yaml-cpp is stuck on a character it cannot place, such as ','.
  const auto at = static_cast<size_t>(std::max(second.pos, 0));
  if (at < text.size() && text[at] > ' ' && text[at] < 127) {
    diagnostics.error(mark_pos(file, second),
                      fmt::format("invalid YAML: unexpected '{}'", text[at]));
  } else {
    diagnostics.error(mark_pos(file, second), "invalid YAML: unexpected character");
  }
  return false;
}

} // namespace

std::optional<YamlNode>
parse_yaml(std::string_view text, const std::string& file, Diagnostics& diagnostics,
           const YamlLimits& limits)
{
  ViewBuffer buffer(text);
  std::istream stream(&buffer);
  TreeBuilder builder(text, file, diagnostics, limits);
  try {
    YAML::Parser parser(stream);
    if (!parser.HandleNextDocument(builder)) {
      return YamlNode{}; // an empty file
    }
    // At most one more call: a well-formed calendar has no second document, and a malformed
    // one must not make us loop (reliability.md Y1).
    DocumentProbe second;
    if (parser.HandleNextDocument(second) && second.start()) {
      if (!report_second_document(text, file, builder.document_start(), *second.start(),
                                  diagnostics)) {
        return std::nullopt;
      }
    }
  } catch (const YAML::DeepRecursion& e) {
    diagnostics.error(builder.innermost_open().value_or(mark_pos(file, e.mark)),
                      "invalid YAML: nesting is too deep");
    return std::nullopt;
  } catch (const YAML::ParserException& e) {
    diagnostics.error(mark_pos(file, e.mark), "invalid YAML: " + e.msg);
    return std::nullopt;
  } catch (const YAML::Exception& e) {
    // Not expected from the parser, but a calendar must never take the process down.
    diagnostics.error(mark_pos(file, e.mark), "invalid YAML: " + e.msg);
    return std::nullopt;
  } catch (const TooManyNodes&) {
    diagnostics.error(
      builder.innermost_open().value_or(SourcePos{ file, 0, 0 }),
      fmt::format("the calendar has more than {} YAML values, the limit", limits.max_nodes));
    return std::nullopt;
  }
  return builder.take_root();
}

} // namespace herald::calendar
