#pragma once

#include <string>
#include <string_view>

namespace herald::text {

// What a web page says about itself for a link preview, from its <head>: the Open Graph tags
// (og:title, og:description, og:image), else the Twitter Card ones, else <title> and the
// description meta tag. White space is folded; the image URL is as written (maybe relative).
struct PageMeta
{
  std::string title;
  std::string description;
  std::string image;
};

// Parses `html` with libxml2's forgiving HTML parser (no network, no error output). Throws
// herald::Error when libxml2 cannot be loaded.
PageMeta page_meta(std::string_view html);

} // namespace herald::text
