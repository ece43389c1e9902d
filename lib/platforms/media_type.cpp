#include "media_type.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>
#include <utility>

namespace herald::platforms {

std::string
media_type_for(const std::filesystem::path& file)
{
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 9> k_types{ {
    { ".png", "image/png" },
    { ".jpg", "image/jpeg" },
    { ".jpeg", "image/jpeg" },
    { ".gif", "image/gif" },
    { ".webp", "image/webp" },
    { ".mp4", "video/mp4" },
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
  return "application/octet-stream";
}

} // namespace herald::platforms
