#pragma once

#include "http/request.hpp"

#include <filesystem>
#include <string>

namespace herald::platforms {

// The MIME type platforms expect for an uploaded media file, from its extension
// (case-insensitive); application/octet-stream when unknown.
std::string media_type_for(const std::filesystem::path& file);

// A multipart part that uploads `file` as the form field `field`, under its base name and with
// its media type.
http::FormPart file_part(std::string field, const std::filesystem::path& file);

} // namespace herald::platforms
