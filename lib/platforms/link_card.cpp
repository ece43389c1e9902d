#include "link_card.hpp"

#include "http/ascii.hpp"
#include "http/url_join.hpp"
#include "text/html_meta.hpp"
#include "text/links.hpp"

#include <fmt/core.h>

namespace herald::platforms {

namespace {

constexpr size_t k_max_page_bytes = size_t(1) << 20;
constexpr size_t k_max_thumb_bytes = 1'000'000; // Bluesky's limit for a card's thumb blob
constexpr std::chrono::milliseconds k_connect_timeout{ 3'000 };
constexpr std::chrono::milliseconds k_total_timeout{ 5'000 };

// The media type without parameters, lower case ("text/html; charset=utf-8" -> "text/html").
std::string
media_type(const http::Response& response)
{
  const std::string header = response.header("Content-Type").value_or("");
  std::string type(http::ascii::trim(std::string_view(header).substr(0, header.find(';'))));
  for (char& c : type) {
    c = http::ascii::to_lower(c);
  }
  return type;
}

Result<http::Response, std::string>
get(http::HttpTransport& transport, const std::string& url, const char* accept)
{
  http::Request request;
  request.url = url;
  request.follow_redirects = true;
  request.headers.push_back({ "Accept", accept });
  request.timeouts.connect = k_connect_timeout;
  request.timeouts.total = k_total_timeout;
  auto response = transport.send(request);
  if (!response) {
    return unexpected(std::move(response.error().message));
  }
  if (response->status != 200) {
    return unexpected(fmt::format("GET {}: HTTP {}", url, response->status));
  }
  return std::move(*response);
}

// `link` as a URI: a link in a post may hold bytes a URI cannot (non-ASCII letters, control
// characters); each becomes %XX, as RFC 3987 turns an IRI into a URI.
std::string
as_uri(std::string_view link)
{
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : link) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f) {
      out += '%';
      out += k_hex[byte >> 4];
      out += k_hex[byte & 0x0f];
    } else {
      out += c;
    }
  }
  return out;
}

} // namespace

std::optional<std::string>
first_link(std::string_view text)
{
  for (auto& span : text::find_links(text)) {
    if (span.kind == text::TextSpan::Kind::url) {
      return std::move(span.value);
    }
  }
  return std::nullopt;
}

Result<LinkCard, std::string>
fetch_link_card(http::HttpTransport& transport, const std::string& link)
{
  const std::string url = as_uri(link);
  auto page = get(transport, url, "text/html,application/xhtml+xml");
  if (!page) {
    return unexpected(std::move(page.error()));
  }
  const std::string type = media_type(*page);
  if (type != "text/html" && type != "application/xhtml+xml") {
    return unexpected(
      fmt::format("GET {}: {} is not a web page", url, type.empty() ? "no Content-Type" : type));
  }
  if (page->body.size() > k_max_page_bytes) {
    return unexpected(
      fmt::format("GET {}: the page is larger than {} bytes", url, k_max_page_bytes));
  }
  const auto meta = text::page_meta(page->body);
  if (meta.title.empty() && meta.description.empty()) {
    return unexpected(fmt::format("GET {}: the page has no title or description", url));
  }
  LinkCard card{ url, meta.title, meta.description, {}, {} };
  if (meta.image.empty()) {
    return card;
  }
  const auto image_url = http::resolve_reference(page->url.empty() ? url : page->url, meta.image);
  if (!image_url) {
    return card;
  }
  auto image = get(transport, *image_url, "image/*");
  if (image && image->body.size() <= k_max_thumb_bytes &&
      media_type(*image).starts_with("image/")) {
    card.thumb = std::move(image->body);
    card.thumb_type = media_type(*image);
  }
  return card;
}

} // namespace herald::platforms
