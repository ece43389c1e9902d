// A web page behind a link (link cards): any bytes. No crash, no hang, and what comes out is
// bounded (the card's title and description are cut).
#include "text/html_meta.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  const auto meta =
    herald::text::page_meta(std::string_view(reinterpret_cast<const char*>(data), size));
  if (meta.title.size() > 300 || meta.description.size() > 1000 || meta.image.size() > 4096) {
    std::abort();
  }
  return 0;
}
