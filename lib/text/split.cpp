#include "split.hpp"

#include "graphemes.hpp"
#include "links.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cstdint>
#include <optional>

namespace herald::text {

namespace {

// Where a part may end, best first.
enum class Boundary
{
  paragraph,
  line,
  sentence,
  word,
  grapheme,
};

struct Cut
{
  size_t end = 0;  // the part before the cut ends here
  size_t next = 0; // the next part begins here (after the whitespace dropped at the cut)
  Boundary kind = Boundary::word;
};

bool
is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool
ends_with(std::string_view text, size_t end, std::string_view suffix)
{
  return end >= suffix.size() && text.substr(end - suffix.size(), suffix.size()) == suffix;
}

// Whether the text before `end` closes a sentence: . ! ? or an ellipsis, perhaps followed by
// closing quotes or brackets.
bool
closes_sentence(std::string_view text, size_t end)
{
  static constexpr std::string_view k_closers[] = { "\"",     "'",      ")",     "]",
                                                    "\u2019", "\u201d", "\u00bb" };
  for (bool skipped = true; skipped;) {
    skipped = false;
    for (const auto closer : k_closers) {
      if (ends_with(text, end, closer)) {
        end -= closer.size();
        skipped = true;
        break;
      }
    }
  }
  return ends_with(text, end, ".") || ends_with(text, end, "!") || ends_with(text, end, "?") ||
         ends_with(text, end, "\u2026");
}

// CJK full stops, after which no space follows: a sentence may end right there.
size_t
cjk_stop_length(std::string_view text, size_t at)
{
  if (text[at] != '\xe3' && text[at] != '\xef') {
    return 0;
  }
  for (const std::string_view stop : { "\u3002", "\uff01", "\uff1f" }) {
    if (text.substr(at, stop.size()) == stop) {
      return stop.size();
    }
  }
  return 0;
}

// A rule's count of any stretch of the text between two cuts, in constant time: the units of
// the whole text as prefix sums, corrected for the URLs and remote mentions the rule rewrites
// (a cut never falls inside one). It is what measure() says of that stretch except where
// context across a cut changes a grapheme cluster or a link, so a chosen part is measured for
// real before it is taken.
class Estimate
{
public:
  Estimate(std::string_view text, const LengthRule& rule, std::span<const TextSpan> spans,
           const std::vector<size_t>* graphemes)
    : m_units(text.size() + 1, 0)
    , m_rewrites(text.size() + 1, 0)
  {
    if (rule.unit == LengthRule::Unit::graphemes) {
      for (size_t i = 1; i < graphemes->size(); ++i) {
        for (size_t at = (*graphemes)[i - 1] + 1; at <= (*graphemes)[i]; ++at) {
          m_units[at] = static_cast<int64_t>(i - (at < (*graphemes)[i]));
        }
      }
    } else {
      for (size_t i = 0; i < text.size(); ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        int64_t units = 1;
        if (rule.unit == LengthRule::Unit::code_points) {
          units = (byte & 0xC0) != 0x80;
        } else if (rule.unit == LengthRule::Unit::utf16) {
          units = (byte & 0xC0) == 0x80 ? 0 : byte >= 0xF0 ? 2 : 1;
        } else if (rule.unit == LengthRule::Unit::x_weighted) {
          // Never under X's count: a code point above U+07FF may weigh 1 (U+2014) but is
          // taken as 2, and an emoji sequence as 2 per code point.
          units = (byte & 0xC0) == 0x80 ? 0 : byte >= 0xE0 ? 2 : 1;
        }
        m_units[i + 1] = m_units[i] + units;
      }
    }
    for (const auto& span : spans) {
      int64_t replacement = -1;
      if (span.kind == TextSpan::Kind::url && rule.url_weight > 0) {
        replacement = static_cast<int64_t>(rule.url_weight);
      } else if (span.kind == TextSpan::Kind::mention && rule.mentions_count_local_part &&
                 span.value.find('@') != std::string::npos) {
        replacement = static_cast<int64_t>(
          measure("@" + span.value.substr(0, span.value.find('@')), { "", 0, rule.unit }));
      }
      if (replacement >= 0) {
        m_rewrites[span.byte_end] +=
          replacement - (m_units[span.byte_end] - m_units[span.byte_start]);
      }
    }
    for (size_t i = 1; i < m_rewrites.size(); ++i) {
      m_rewrites[i] += m_rewrites[i - 1];
    }
  }

  int64_t count(size_t from, size_t to) const
  {
    return m_units[to] - m_units[from] + m_rewrites[to] - m_rewrites[from];
  }

private:
  std::vector<int64_t> m_units;    // units of text[0, i)
  std::vector<int64_t> m_rewrites; // what the rule's rewrites of links ending by i change
};

class Splitter
{
public:
  Splitter(std::string_view text, std::span<const LengthRule> rules)
    : m_text(text)
    , m_rules(rules)
    , m_spans(find_links(text))
    , m_boundaries(grapheme_boundaries(text))
    , m_is_boundary(text.size() + 1, false)
  {
    for (const size_t at : m_boundaries) {
      m_is_boundary[at] = true;
    }
    find_cuts();
    for (const auto& rule : rules) {
      m_estimates.emplace_back(text, rule, m_spans, &m_boundaries);
    }
  }

  // The parts with room left for `suffix` in each; an error when something cannot fit.
  Result<std::vector<std::string_view>, std::string> split(const std::string& suffix)
  {
    m_suffix = suffix;
    m_suffix_units.clear();
    for (const auto& rule : m_rules) {
      m_suffix_units.push_back(suffix.empty() ? 0 : static_cast<int64_t>(measure(suffix, rule)));
    }
    std::vector<std::string_view> parts;
    size_t pos = 0;
    while (!(estimated_fit(pos, m_text.size()) && fits(pos, m_text.size()))) {
      const auto cut = best_cut(pos);
      if (!cut) {
        return unexpected(why_not(pos));
      }
      parts.push_back(m_text.substr(pos, cut->end - pos));
      pos = cut->next;
    }
    parts.push_back(m_text.substr(pos));
    return parts;
  }

private:
  bool estimated_fit(size_t from, size_t to) const
  {
    for (size_t r = 0; r < m_rules.size(); ++r) {
      if (m_estimates[r].count(from, to) + m_suffix_units[r] >
          static_cast<int64_t>(m_rules[r].limit)) {
        return false;
      }
    }
    return true;
  }

  bool inside_span(size_t at) const
  {
    return std::any_of(m_spans.begin(), m_spans.end(), [&](const TextSpan& span) {
      return span.byte_start < at && at < span.byte_end;
    });
  }

  // Whitespace runs and CJK full stops, in text order (never at the very start or end).
  void find_cuts()
  {
    size_t i = 0;
    while (i < m_text.size()) {
      if (is_space(m_text[i])) {
        const size_t start = i;
        int newlines = 0;
        while (i < m_text.size() && is_space(m_text[i])) {
          newlines += m_text[i] == '\n';
          ++i;
        }
        // Both ends on grapheme boundaries: a combining mark may follow a space, and a
        // prepended mark may precede one.
        if (start > 0 && i < m_text.size() && m_is_boundary[start] && m_is_boundary[i]) {
          const Boundary kind = newlines >= 2                    ? Boundary::paragraph
                                : newlines == 1                  ? Boundary::line
                                : closes_sentence(m_text, start) ? Boundary::sentence
                                                                 : Boundary::word;
          m_cuts.push_back({ start, i, kind });
        }
        continue;
      }
      if (const size_t stop = cjk_stop_length(m_text, i)) {
        i += stop;
        if (i < m_text.size() && !is_space(m_text[i]) && m_is_boundary[i] && !inside_span(i)) {
          m_cuts.push_back({ i, i, Boundary::sentence });
        }
        continue;
      }
      ++i;
    }
  }

  bool fits(size_t from, size_t to) const
  {
    std::string part(m_text.substr(from, to - from));
    part += m_suffix;
    return std::all_of(m_rules.begin(), m_rules.end(),
                       [&](const LengthRule& rule) { return measure(part, rule) <= rule.limit; });
  }

  // The index of the last of `cuts` (sorted by end; the first at `first`) whose part from `pos`
  // fits by `fit`, searching by doubling steps and then halving, since a longer part never
  // measures less.
  template<typename Fit>
  static std::optional<size_t> last_fitting(const std::vector<Cut>& cuts, size_t first, Fit&& fit)
  {
    if (first >= cuts.size() || !fit(cuts[first].end)) {
      return std::nullopt;
    }
    size_t good = first;
    size_t step = 1;
    size_t bad = cuts.size();
    while (good + step < cuts.size()) {
      if (!fit(cuts[good + step].end)) {
        bad = good + step;
        break;
      }
      good += step;
      step *= 2;
    }
    while (bad - good > 1) {
      const size_t mid = good + (bad - good) / 2;
      (fit(cuts[mid].end) ? good : bad) = mid;
    }
    return good;
  }

  static size_t first_after(const std::vector<Cut>& cuts, size_t pos)
  {
    return static_cast<size_t>(
      std::upper_bound(cuts.begin(), cuts.end(), pos,
                       [](size_t at, const Cut& cut) { return at < cut.end; }) -
      cuts.begin());
  }

  std::optional<Cut> best_cut(size_t pos)
  {
    const size_t first = first_after(m_cuts, pos);
    const auto estimated = [&](size_t end) { return estimated_fit(pos, end); };
    if (const auto last = last_fitting(m_cuts, first, estimated)) {
      const size_t chosen = preferred(first, *last, pos);
      // The estimate is nearly always right; where it is not, the part shrinks until it fits.
      for (size_t i = chosen + 1; i-- > first;) {
        if (fits(pos, m_cuts[i].end)) {
          return m_cuts[i];
        }
      }
    }
    // A word longer than a part: between two grapheme clusters, outside URLs and the like.
    const auto& graphemes = grapheme_cuts();
    const auto measured = [&](size_t end) { return fits(pos, end); };
    if (const auto last = last_fitting(graphemes, first_after(graphemes, pos), measured)) {
      return graphemes[*last];
    }
    return std::nullopt;
  }

  // Among the cuts [first, last] that fit, the index of the best boundary that keeps the part at
  // least half as long as the longest: a paragraph's end, else a line's, else a sentence's,
  // else the last word.
  size_t preferred(size_t first, size_t last, size_t pos) const
  {
    const size_t room = m_cuts[last].end - pos;
    for (const Boundary kind : { Boundary::paragraph, Boundary::line, Boundary::sentence }) {
      for (size_t i = last + 1; i-- > first;) {
        if ((m_cuts[i].end - pos) * 2 < room) {
          break;
        }
        if (m_cuts[i].kind == kind) {
          return i;
        }
      }
    }
    return last;
  }

  const std::vector<Cut>& grapheme_cuts()
  {
    if (!m_grapheme_cuts) {
      m_grapheme_cuts.emplace();
      for (const size_t at : m_boundaries) {
        if (at > 0 && at < m_text.size() && !inside_span(at)) {
          m_grapheme_cuts->push_back({ at, at, Boundary::grapheme });
        }
      }
    }
    return *m_grapheme_cuts;
  }

  std::string why_not(size_t pos) const
  {
    for (const auto& span : m_spans) {
      if (span.byte_end > pos && !fits(span.byte_start, span.byte_end)) {
        const char* kind = span.kind == TextSpan::Kind::url       ? "URL"
                           : span.kind == TextSpan::Kind::mention ? "mention"
                                                                  : "hashtag";
        return fmt::format("a {} cannot be cut and is too long for one part: {}", kind,
                           span.value.size() > 60 ? span.value.substr(0, 57) + "..." : span.value);
      }
    }
    return "the numbering leaves no room for the text";
  }

  std::string_view m_text;
  std::span<const LengthRule> m_rules;
  std::vector<TextSpan> m_spans;
  std::vector<size_t> m_boundaries; // of grapheme clusters
  std::vector<bool> m_is_boundary;  // by byte offset
  std::vector<Cut> m_cuts;
  std::optional<std::vector<Cut>> m_grapheme_cuts;
  std::vector<Estimate> m_estimates; // one per rule
  std::string m_suffix;
  std::vector<int64_t> m_suffix_units; // one per rule
};

size_t
digits(size_t n)
{
  size_t count = 1;
  while (n >= 10) {
    n /= 10;
    ++count;
  }
  return count;
}

} // namespace

std::string
format_numbering(std::string_view pattern, size_t index, size_t count)
{
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern.substr(i, 3) == "{i}") {
      out += std::to_string(index);
      i += 2;
    } else if (pattern.substr(i, 3) == "{n}") {
      out += std::to_string(count);
      i += 2;
    } else {
      out += pattern[i];
    }
  }
  return out;
}

Result<std::vector<std::string>, std::string>
split_to_fit(std::string_view text, std::span<const LengthRule> rules, const SplitOptions& options)
{
  Splitter splitter(text, rules);
  auto whole = splitter.split("");
  if (!whole) {
    return unexpected(whole.error());
  }
  if (whole->size() == 1 || options.numbering.empty()) {
    return std::vector<std::string>(whole->begin(), whole->end());
  }
  // Room for the widest numbering: "{n}/{n}" with as many digits as the count has; once the
  // count needs more digits, again with those.
  for (size_t width = digits(whole->size());; ++width) { // numbering never makes fewer parts
    size_t widest = 0;
    for (size_t i = 0; i < width; ++i) {
      widest = widest * 10 + 9;
    }
    auto parts = splitter.split(" " + format_numbering(options.numbering, widest, widest));
    if (!parts) {
      return unexpected(parts.error());
    }
    if (digits(parts->size()) > width) {
      continue;
    }
    std::vector<std::string> numbered;
    for (size_t i = 0; i < parts->size(); ++i) {
      numbered.push_back(std::string((*parts)[i]) + " " +
                         format_numbering(options.numbering, i + 1, parts->size()));
    }
    return numbered;
  }
}

} // namespace herald::text
