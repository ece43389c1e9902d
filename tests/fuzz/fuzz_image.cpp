// The image header reader behind Bluesky's aspectRatio: PNG, GIF, JPEG and WebP headers of the
// user's media files, damaged ones included.
#include "platforms/bluesky/bluesky.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  (void)herald::platforms::bluesky::image_size(
    std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
