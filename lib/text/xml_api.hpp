#pragma once

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

namespace herald::text {

// libxml2's HTML parser, loaded with dlopen on first use instead of linked, as ICU, libcurl and
// libpq are: only a link card (a page's title, description and image) needs it. Types come
// from libxml2's headers; calls go through this table.
struct XmlApi
{
  decltype(&::htmlReadMemory) html_read_memory;
  decltype(&::xmlDocGetRootElement) doc_get_root_element;
  decltype(&::xmlFreeDoc) free_doc;
  decltype(&::xmlGetProp) get_prop;
  decltype(&::xmlNodeGetContent) node_get_content;
  xmlFreeFunc free; // libxml2's xmlFree, a variable holding the deallocator
};

// Loads libxml2 once (thread-safe) and initialises its parser. Throws herald::Error naming the
// library when it is missing.
const XmlApi& xml_api();

} // namespace herald::text
