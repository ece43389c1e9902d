// Record keys, facets and image sizes for the `bluesky` platform (see bluesky.hpp).
#include "http/ascii.hpp"
#include "text/graphemes.hpp"
#include "text/links.hpp"

#include "platforms/bluesky/bluesky.hpp"
#include "schedule/zone.hpp"
#include "util/hash.hpp"

#include <algorithm>

namespace herald::platforms::bluesky {

namespace {

constexpr std::string_view k_base32_sortable = "234567abcdefghijklmnopqrstuvwxyz";
constexpr size_t k_tid_length = 13;
constexpr uint64_t k_micros_mask = (uint64_t(1) << 53) - 1;
// The record keys of one-off posts take their time from this year: 2024-01-01T00:00:00Z on.
constexpr uint64_t k_one_off_epoch_seconds = 1'704'067'200;
constexpr uint64_t k_one_off_span_seconds = uint64_t(365) * 24 * 3600;
// app.bsky.richtext.facet#tag: maxLength 640 (bytes), maxGraphemes 64.
constexpr size_t k_max_tag_bytes = 640;
constexpr size_t k_max_tag_graphemes = 64;

uint32_t
be16(std::string_view b, size_t at)
{
  return (uint32_t(uint8_t(b[at])) << 8) | uint8_t(b[at + 1]);
}

uint32_t
be32(std::string_view b, size_t at)
{
  return (be16(b, at) << 16) | be16(b, at + 2);
}

uint32_t
le16(std::string_view b, size_t at)
{
  return uint8_t(b[at]) | (uint32_t(uint8_t(b[at + 1])) << 8);
}

uint32_t
le24(std::string_view b, size_t at)
{
  return le16(b, at) | (uint32_t(uint8_t(b[at + 2])) << 16);
}

std::optional<ImageSize>
jpeg_size(std::string_view b)
{
  size_t pos = 2; // after SOI
  while (pos + 4 <= b.size()) {
    if (uint8_t(b[pos]) != 0xFF) {
      return std::nullopt;
    }
    const uint8_t marker = uint8_t(b[pos + 1]);
    if (marker == 0xFF) { // fill byte
      ++pos;
      continue;
    }
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) { // no length field
      pos += 2;
      continue;
    }
    const uint32_t length = be16(b, pos + 2);
    // SOF0..SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) are not frames.
    if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
      if (pos + 9 > b.size()) {
        return std::nullopt;
      }
      return ImageSize{ be16(b, pos + 7), be16(b, pos + 5) };
    }
    if (length < 2) {
      return std::nullopt;
    }
    pos += 2 + length;
  }
  return std::nullopt;
}

std::optional<ImageSize>
webp_size(std::string_view b)
{
  const auto chunk = b.substr(12, 4);
  if (chunk == "VP8X" && b.size() >= 30) {
    return ImageSize{ le24(b, 24) + 1, le24(b, 27) + 1 };
  }
  if (chunk == "VP8 " && b.size() >= 30) {
    return ImageSize{ le16(b, 26) & 0x3FFF, le16(b, 28) & 0x3FFF };
  }
  if (chunk == "VP8L" && b.size() >= 25 && uint8_t(b[20]) == 0x2F) {
    const uint32_t bits = le16(b, 21) | (le16(b, 23) << 16);
    return ImageSize{ (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1 };
  }
  return std::nullopt;
}

} // namespace

std::string
encode_tid(uint64_t micros, uint32_t clock_id)
{
  uint64_t value = ((micros & k_micros_mask) << 10) | (clock_id % 1024);
  std::string out(k_tid_length, k_base32_sortable[0]);
  for (size_t i = k_tid_length; i-- > 0;) {
    out[i] = k_base32_sortable[value & 31];
    value >>= 5;
  }
  return out;
}

bool
is_valid_tid(std::string_view text)
{
  if (text.size() != k_tid_length) {
    return false;
  }
  if (k_base32_sortable.substr(0, 16).find(text[0]) == std::string_view::npos) {
    return false;
  }
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return k_base32_sortable.find(c) != std::string_view::npos; });
}

std::string
record_key(const OutPost& post, size_t part)
{
  // The due time makes keys sort like the posts (readers order a repository by rkey); the hash
  // keeps two jobs due in the same second apart.
  const uint64_t h =
    Hasher().field("bluesky-rkey").field(post.job_id).field(post.idempotency_key).digest();
  if (post.one_off) {
    // Due when the command ran, so a re-run would get another key: the time part comes from
    // the job alone, a second within the year after k_one_off_epoch. The PDS checks only the
    // TID syntax of a key (atproto "Record Key" spec: keys are chosen by the writer and not
    // trusted as times), and a past time keeps it clear of the keys the PDS mints itself.
    const uint64_t second = (h >> 20) % k_one_off_span_seconds;
    const uint64_t micros =
      (k_one_off_epoch_seconds + second) * 1'000'000 + h % 1'000'000 / 64 * 64 + part;
    return encode_tid(micros, uint32_t(h >> 54));
  }
  const auto seconds = std::max<int64_t>(0, post.due.time_since_epoch().count());
  const uint64_t micros = uint64_t(seconds) * 1'000'000 + h % 1'000'000 + part;
  return encode_tid(micros, uint32_t(h >> 54));
}

std::string
created_at(TimePoint t)
{
  std::string text = format_utc(t); // "...T08:00:00Z"
  text.insert(text.size() - 1, ".000");
  return text;
}

Result<nlohmann::json, PublishError>
facets_for(std::string_view text, const ResolveHandle& resolve)
{
  auto facets = nlohmann::json::array();
  for (const auto& span : text::find_links(text)) {
    nlohmann::json feature;
    switch (span.kind) {
    case text::TextSpan::Kind::url:
      feature = { { "$type", "app.bsky.richtext.facet#link" }, { "uri", span.value } };
      break;
    case text::TextSpan::Kind::hashtag:
      if (span.value.size() > k_max_tag_bytes ||
          text::count_graphemes(span.value) > k_max_tag_graphemes) {
        continue;
      }
      feature = { { "$type", "app.bsky.richtext.facet#tag" }, { "tag", span.value } };
      break;
    case text::TextSpan::Kind::mention: {
      if (span.value.find('.') == std::string::npos || span.value.find('@') != std::string::npos) {
        continue;
      }
      std::string handle = span.value;
      std::transform(handle.begin(), handle.end(), handle.begin(), http::ascii::to_lower);
      auto did = resolve(handle);
      if (!did) {
        return unexpected(std::move(did.error()));
      }
      if (!*did) {
        continue;
      }
      feature = { { "$type", "app.bsky.richtext.facet#mention" }, { "did", **did } };
      break;
    }
    }
    facets.push_back(
      { { "index", { { "byteStart", span.byte_start }, { "byteEnd", span.byte_end } } },
        { "features", nlohmann::json::array({ std::move(feature) }) } });
  }
  return facets;
}

std::optional<ImageSize>
image_size(std::string_view b)
{
  std::optional<ImageSize> size;
  if (b.size() >= 24 && b.substr(0, 8) == "\x89PNG\r\n\x1a\n" && b.substr(12, 4) == "IHDR") {
    size = ImageSize{ be32(b, 16), be32(b, 20) };
  } else if (b.size() >= 10 && (b.substr(0, 6) == "GIF87a" || b.substr(0, 6) == "GIF89a")) {
    size = ImageSize{ le16(b, 6), le16(b, 8) };
  } else if (b.size() >= 4 && uint8_t(b[0]) == 0xFF && uint8_t(b[1]) == 0xD8) {
    size = jpeg_size(b);
  } else if (b.size() >= 16 && b.substr(0, 4) == "RIFF" && b.substr(8, 4) == "WEBP") {
    size = webp_size(b);
  }
  if (size && (size->width == 0 || size->height == 0)) {
    return std::nullopt;
  }
  return size;
}

} // namespace herald::platforms::bluesky
