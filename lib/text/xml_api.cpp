#include "xml_api.hpp"

#include "util/shared_library.hpp"

namespace herald::text {

namespace {

XmlApi
load()
{
  const SharedLibrary library("libxml2.so.2", "libxml2", ExitStatus::usage);
  XmlApi api{};
  library.resolve("htmlReadMemory", api.html_read_memory);
  library.resolve("xmlDocGetRootElement", api.doc_get_root_element);
  library.resolve("xmlFreeDoc", api.free_doc);
  library.resolve("xmlGetProp", api.get_prop);
  library.resolve("xmlNodeGetContent", api.node_get_content);
  xmlFreeFunc* free_variable = nullptr;
  library.resolve("xmlFree", free_variable);
  api.free = *free_variable;
  void (*init_parser)() = nullptr;
  // Once, before any thread parses: libxml2's own lazy initialisation is not thread-safe.
  library.resolve("xmlInitParser", init_parser);
  init_parser();
  return api;
}

} // namespace

const XmlApi&
xml_api()
{
  static const XmlApi api = load();
  return api;
}

} // namespace herald::text
