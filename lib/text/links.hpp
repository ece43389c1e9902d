#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

// Finding the parts of a post that platforms treat specially: URLs, mentions and hashtags.
// Bluesky needs them as facets (UTF-8 byte offsets) and Mastodon counts URLs and remote mentions
// differently, so both build on this one scanner.
namespace herald::text {

struct TextSpan
{
  enum class Kind
  {
    url,
    mention,
    hashtag,
  };

  Kind kind;
  size_t byte_start; // inclusive, in bytes of the UTF-8 text (Bluesky's byteStart)
  size_t byte_end;   // exclusive (Bluesky's byteEnd)
  // url: the URL as written; mention: the name without '@' ("user", "user@domain" or
  // "handle.example"); hashtag: the tag without '#'.
  std::string value;

  bool operator==(const TextSpan&) const = default;
};

// Every URL, mention and hashtag in `text`, in text order and never overlapping (a mention or
// hashtag inside a URL is part of the URL). Offsets always fall on code point boundaries.
// Ill-formed UTF-8 never crashes: bad bytes end a URL and never count as letters.
//
// - url: "http://" or "https://" (any case), not preceded by a letter, digit or '_', then a host
//   (starting with a letter, digit or '[') and all up to whitespace; trailing . , ; : ! ? and
//   unbalanced ')' are dropped, so "(see https://x.org/a_(b))." yields https://x.org/a_(b).
//   Bare domains are not URLs (Mastodon does not count them as URLs either).
// - mention: '@' not preceded by a letter, digit, '_', '=' or '/', then a name of ASCII letters,
//   digits and '_' joined by '.' or '-' (Mastodon's USERNAME_RE; this also covers Bluesky
//   handles such as @alice.bsky.social), then optionally '@' and a dotted host name (a remote
//   Mastodon account). Trailing dots and hyphens belong to the sentence, not the name.
// - hashtag: '#' not preceded by a letter, digit, '_', '=', '/' or ')', then letters, marks,
//   digits and '_' (any script), with at least one letter: "#123" and "a#b" are not hashtags.
std::vector<TextSpan> find_links(std::string_view text);

} // namespace herald::text
