#pragma once

#include <filesystem>
#include <string>

namespace herald::platforms {

// The MIME type platforms expect for an uploaded media file, from its extension
// (case-insensitive); application/octet-stream when unknown.
std::string media_type_for(const std::filesystem::path& file);

} // namespace herald::platforms
