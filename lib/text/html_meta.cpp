#include "html_meta.hpp"

#include "xml_api.hpp"

#include <climits>

#include <memory>

namespace herald::text {

namespace {

// Longer values are cut (at a character boundary): a card shows a line or two.
constexpr size_t k_max_title_bytes = 300;
constexpr size_t k_max_description_bytes = 1000;

std::string
folded(std::string_view text, size_t max_bytes)
{
  std::string out;
  bool space = false;
  for (const char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
      space = !out.empty();
      continue;
    }
    if (space) {
      out += ' ';
      space = false;
    }
    out += c;
  }
  if (out.size() > max_bytes) {
    size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) {
      --cut; // not inside a UTF-8 sequence
    }
    out.resize(cut);
  }
  return out;
}

struct XmlText
{
  void operator()(xmlChar* text) const { xml_api().free(text); }
};
using XmlTextPtr = std::unique_ptr<xmlChar, XmlText>;

std::string
text_of(xmlChar* owned)
{
  const XmlTextPtr text(owned);
  return text ? std::string(reinterpret_cast<const char*>(text.get())) : std::string();
}

std::string
attribute(const xmlNode* node, const char* name)
{
  return text_of(xml_api().get_prop(node, reinterpret_cast<const xmlChar*>(name)));
}

bool
named(const xmlNode* node, std::string_view name)
{
  return node->type == XML_ELEMENT_NODE && node->name &&
         name == reinterpret_cast<const char*>(node->name);
}

// What the walk found, by source: the first value of each wins.
struct Found
{
  std::string og_title, og_description, og_image;
  std::string twitter_title, twitter_description, twitter_image;
  std::string title, description;
};

void
keep_first(std::string& slot, std::string value)
{
  if (slot.empty()) {
    slot = std::move(value);
  }
}

void
visit_meta(const xmlNode* node, Found& found)
{
  std::string key = attribute(node, "property");
  if (key.empty()) {
    key = attribute(node, "name");
  }
  for (char& c : key) {
    c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  std::string content = attribute(node, "content");
  if (key == "og:title") {
    keep_first(found.og_title, std::move(content));
  } else if (key == "og:description") {
    keep_first(found.og_description, std::move(content));
  } else if (key == "og:image" || key == "og:image:url" || key == "og:image:secure_url") {
    keep_first(found.og_image, std::move(content));
  } else if (key == "twitter:title") {
    keep_first(found.twitter_title, std::move(content));
  } else if (key == "twitter:description") {
    keep_first(found.twitter_description, std::move(content));
  } else if (key == "twitter:image" || key == "twitter:image:src") {
    keep_first(found.twitter_image, std::move(content));
  } else if (key == "description") {
    keep_first(found.description, std::move(content));
  }
}

// Depth-first, in document order, up to the <body>: the tags live in the head (a parser that
// recovers from broken markup may still put some of them under <body>, so a body is walked only
// until its first element that is not one of them).
void
walk(const xmlNode* node, Found& found, int depth)
{
  for (; node; node = node->next) {
    if (named(node, "meta")) {
      visit_meta(node, found);
    } else if (named(node, "title")) {
      keep_first(found.title, text_of(xml_api().node_get_content(node)));
    } else if (node->children && depth < 64 && !named(node, "script") && !named(node, "style")) {
      walk(node->children, found, depth + 1);
    }
  }
}

const std::string&
first_of(const std::string& a, const std::string& b, const std::string& c)
{
  return !a.empty() ? a : !b.empty() ? b : c;
}

} // namespace

PageMeta
page_meta(std::string_view html)
{
  const auto& api = xml_api();
  if (html.empty() || html.size() > size_t(INT_MAX)) {
    return {};
  }
  const int options =
    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET;
  const std::unique_ptr<xmlDoc, decltype(api.free_doc)> doc(
    api.html_read_memory(html.data(), static_cast<int>(html.size()), nullptr, nullptr, options),
    api.free_doc);
  if (!doc) {
    return {};
  }
  Found found;
  walk(api.doc_get_root_element(doc.get()), found, 0);
  PageMeta meta;
  meta.title =
    folded(first_of(found.og_title, found.twitter_title, found.title), k_max_title_bytes);
  meta.description =
    folded(first_of(found.og_description, found.twitter_description, found.description),
           k_max_description_bytes);
  meta.image = folded(!found.og_image.empty() ? found.og_image : found.twitter_image, 4096);
  return meta;
}

} // namespace herald::text
