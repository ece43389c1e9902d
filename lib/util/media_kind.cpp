#include "media_kind.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace herald {

namespace {

bool
is_iso_media(std::string_view type)
{
  return type == "video/mp4" || type == "video/quicktime" || type == "audio/mp4";
}

} // namespace

std::string
media_type_of_content(std::string_view head)
{
  const auto starts = [&](std::string_view magic, size_t at = 0) {
    return head.size() >= at + magic.size() && head.substr(at, magic.size()) == magic;
  };
  if (starts("\x89PNG")) {
    return "image/png";
  }
  if (starts("\xFF\xD8\xFF")) {
    return "image/jpeg";
  }
  if (starts("GIF87a") || starts("GIF89a")) {
    return "image/gif";
  }
  if (starts("RIFF") && starts("WEBP", 8)) {
    return "image/webp";
  }
  if (starts("ftyp", 4)) {
    // The major brand: QuickTime and MPEG-4 audio have their own; the rest is MP4 video.
    if (starts("qt  ", 8)) {
      return "video/quicktime";
    }
    if (starts("M4A ", 8)) {
      return "audio/mp4";
    }
    return "video/mp4";
  }
  if (starts("\x1A\x45\xDF\xA3")) {
    return "video/webm";
  }
  if (starts("ID3") || (head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0xFF &&
                        (static_cast<unsigned char>(head[1]) & 0xE0) == 0xE0)) {
    return "audio/mpeg";
  }
  return {};
}

std::string
media_type_of_name(const std::filesystem::path& file)
{
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 10> k_types{ {
    { ".png", "image/png" },
    { ".jpg", "image/jpeg" },
    { ".jpeg", "image/jpeg" },
    { ".gif", "image/gif" },
    { ".webp", "image/webp" },
    { ".mp4", "video/mp4" },
    { ".mov", "video/quicktime" },
    { ".webm", "video/webm" },
    { ".mp3", "audio/mpeg" },
    { ".m4a", "audio/mp4" },
  } };
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const auto& [extension, type] : k_types) {
    if (ext == extension) {
      return std::string(type);
    }
  }
  return {};
}

bool
media_types_agree(std::string_view named, std::string_view content)
{
  return named == content || (is_iso_media(named) && is_iso_media(content));
}

} // namespace herald
