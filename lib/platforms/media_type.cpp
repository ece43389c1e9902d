#include "media_type.hpp"

#include "util/media_kind.hpp"

namespace herald::platforms {

std::string
media_type_for(const std::filesystem::path& file)
{
  std::string type = media_type_of_name(file);
  return type.empty() ? "application/octet-stream" : type;
}

http::FormPart
file_part(std::string field, const std::filesystem::path& file)
{
  return { std::move(field), file.filename().string(), media_type_for(file), "", file };
}

} // namespace herald::platforms
