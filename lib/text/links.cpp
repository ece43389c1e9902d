#include "links.hpp"

#include "icu_api.hpp"
#include "utf8.hpp"

#include <algorithm>
#include <optional>

namespace herald::text {

namespace {

// ASCII answers come without ICU (icu_api.hpp), which only other characters load.
bool
is_ascii(int32_t c)
{
  return c >= 0 && c < 0x80;
}

bool
is_space(int32_t c)
{
  // JavaScript's \s (Bluesky's URL rule) is White_Space plus U+FEFF.
  if (is_ascii(c)) {
    return c == ' ' || (c >= '\t' && c <= '\r');
  }
  return c >= 0 && (icu_api().is_u_white_space(c) || c == 0xFEFF);
}

bool
is_letter(int32_t c)
{
  if (is_ascii(c)) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }
  return c >= 0 && icu_api().has_binary_property(c, UCHAR_ALPHABETIC);
}

bool
is_word_char(int32_t c)
{
  // Unicode's \w (UTS #18): letters, marks, decimal digits, connector punctuation such as '_'.
  // Marks matter: in a decomposed "café" the accent is a separate code point inside the word.
  if (is_ascii(c)) {
    return is_letter(c) || (c >= '0' && c <= '9') || c == '_';
  }
  return c >= 0 && (is_letter(c) || (U_MASK(icu_api().char_type(c)) &
                                     (U_GC_M_MASK | U_GC_ND_MASK | U_GC_PC_MASK)) != 0);
}

bool
is_ascii_alnum(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool
is_name_char(char c)
{
  return is_ascii_alnum(c) || c == '_' || c == '.' || c == '-';
}

int32_t
previous(std::string_view text, size_t pos)
{
  return pos == 0 ? ' ' : code_point_before(text, pos).value;
}

bool
starts_with_ignoring_case(std::string_view text, std::string_view lower_prefix)
{
  if (text.size() < lower_prefix.size()) {
    return false;
  }
  return std::equal(lower_prefix.begin(), lower_prefix.end(), text.begin(), [](char p, char t) {
    return p == (t >= 'A' && t <= 'Z' ? static_cast<char>(t - 'A' + 'a') : t);
  });
}

// End of the run of name characters starting at `pos`, without trailing '.' and '-' (those end
// the sentence: "ask @alice." mentions alice).
size_t
name_end(std::string_view text, size_t pos)
{
  size_t end = pos;
  while (end < text.size() && is_name_char(text[end])) {
    ++end;
  }
  while (end > pos && (text[end - 1] == '.' || text[end - 1] == '-')) {
    --end;
  }
  return end;
}

// A DNS name with at least two labels and a top-level label starting with a letter (the rule
// for Bluesky handles; it also keeps "@user@1.2" from passing as a remote account).
bool
is_host_name(std::string_view name)
{
  if (name.empty() || name.size() > 253) {
    return false;
  }
  size_t labels = 0;
  size_t start = 0;
  while (true) {
    const size_t dot = name.find('.', start);
    const std::string_view label =
      name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-' ||
        !std::all_of(label.begin(), label.end(),
                     [](char c) { return is_ascii_alnum(c) || c == '-'; })) {
      return false;
    }
    ++labels;
    if (dot == std::string_view::npos) {
      const char first = label.front();
      return labels >= 2 && !(first >= '0' && first <= '9');
    }
    start = dot + 1;
  }
}

std::optional<TextSpan>
url_at(std::string_view text, size_t pos)
{
  const std::string_view rest = text.substr(pos);
  const size_t scheme = starts_with_ignoring_case(rest, "https://")  ? 8
                        : starts_with_ignoring_case(rest, "http://") ? 7
                                                                     : 0;
  if (scheme == 0 || is_word_char(previous(text, pos))) {
    return std::nullopt;
  }
  // A URL needs a host: "https://" alone, "https:///x" or "https://..." is text. Checking before
  // scanning also keeps "https:///https:///..." linear.
  const size_t host = pos + scheme;
  if (host == text.size() ||
      !(text[host] == '[' || is_word_char(code_point_at(text, host).value))) {
    return std::nullopt;
  }
  size_t end = host;
  while (end < text.size()) {
    const CodePoint cp = code_point_at(text, end);
    if (cp.value == k_ill_formed || is_space(cp.value)) {
      break;
    }
    end = cp.end;
  }
  // Sentence punctuation after a URL is not part of it; a ')' is, when it closes a '(' inside
  // the URL (Wikipedia-style paths). Trail bytes of multi-byte characters never match these, and
  // the host's first character is never stripped.
  const std::string_view candidate = text.substr(pos, end - pos);
  auto opening = std::count(candidate.begin(), candidate.end(), '(');
  auto closing = std::count(candidate.begin(), candidate.end(), ')');
  while (true) {
    const char last = text[end - 1];
    if (last == ')' && closing > opening) {
      --closing;
    } else if (std::string_view(".,;:!?").find(last) == std::string_view::npos) {
      break;
    }
    --end;
  }
  return TextSpan{ TextSpan::Kind::url, pos, end, std::string(text.substr(pos, end - pos)) };
}

std::optional<TextSpan>
mention_at(std::string_view text, size_t pos)
{
  // Mastodon's lookbehind: "bob@example.org" is an address, "a=@b" and "/@b" are not mentions.
  const int32_t before = previous(text, pos);
  if (is_word_char(before) || before == '=' || before == '/') {
    return std::nullopt;
  }
  const size_t start = pos + 1;
  const size_t end = name_end(text, start);
  if (end == start || !(is_ascii_alnum(text[start]) || text[start] == '_')) {
    return std::nullopt;
  }
  size_t span_end = end;
  if (end < text.size() && text[end] == '@') {
    const size_t domain_end = name_end(text, end + 1);
    if (is_host_name(text.substr(end + 1, domain_end - end - 1))) {
      span_end = domain_end;
    }
  }
  return TextSpan{ TextSpan::Kind::mention, pos, span_end,
                   std::string(text.substr(start, span_end - start)) };
}

std::optional<TextSpan>
hashtag_at(std::string_view text, size_t pos)
{
  // Mastodon's lookbehind: "a#b", "page/#top", "x=#y" and "(1)#2" are not hashtags.
  const int32_t before = previous(text, pos);
  if (is_word_char(before) || before == '=' || before == '/' || before == ')') {
    return std::nullopt;
  }
  size_t end = pos + 1;
  bool has_letter = false;
  while (end < text.size()) {
    const CodePoint cp = code_point_at(text, end);
    if (!is_word_char(cp.value)) {
      break;
    }
    has_letter = has_letter || is_letter(cp.value);
    end = cp.end;
  }
  if (!has_letter) {
    return std::nullopt; // "#1", "#2024" are numbers, not tags
  }
  return TextSpan{ TextSpan::Kind::hashtag, pos, end,
                   std::string(text.substr(pos + 1, end - pos - 1)) };
}

std::optional<TextSpan>
span_at(std::string_view text, size_t pos)
{
  switch (text[pos]) {
  case 'h':
  case 'H':
    return url_at(text, pos);
  case '@':
    return mention_at(text, pos);
  case '#':
    return hashtag_at(text, pos);
  default:
    return std::nullopt;
  }
}

} // namespace

std::vector<TextSpan>
find_links(std::string_view text)
{
  std::vector<TextSpan> spans;
  size_t pos = 0;
  while (pos < text.size()) {
    if (auto span = span_at(text, pos)) {
      pos = span->byte_end;
      spans.push_back(std::move(*span));
    } else {
      pos = code_point_at(text, pos).end; // whole code points: offsets stay on boundaries
    }
  }
  return spans;
}

} // namespace herald::text
