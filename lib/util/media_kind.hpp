#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace herald {

// The media type a file's first bytes (16 are enough) say it is: image/png, image/jpeg,
// image/gif, image/webp, video/mp4, video/quicktime, audio/mp4 (ISO base media files, told
// apart by their brand), video/webm, audio/mpeg. Empty when they match none of these.
std::string media_type_of_content(std::string_view head);

// The media type a file name's extension (any case) names, from the same list; empty when
// unknown.
std::string media_type_of_name(const std::filesystem::path& file);

// Whether content of type `content` may be published under a name that says `named`: the same
// type, or two kinds of ISO base media file (an .mp4 that is really a QuickTime movie plays the
// same everywhere).
bool media_types_agree(std::string_view named, std::string_view content);

} // namespace herald
