#include "curl_api.hpp"

#include "util/error.hpp"

#include <fmt/core.h>

#include <dlfcn.h>

#include <future>

namespace herald::http {

namespace {

constexpr const char* k_library = "libcurl.so.4";

template<typename Function>
void
resolve(void* library, const char* name, Function& slot)
{
  void* symbol = ::dlsym(library, name);
  if (symbol == nullptr) {
    throw Error(fmt::format("{} has no {}: {}", k_library, name, ::dlerror()));
  }
  slot = reinterpret_cast<Function>(symbol);
}

CurlApi
load()
{
  void* library = ::dlopen(k_library, RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    throw Error(fmt::format("cannot load {} (install libcurl4): {}", k_library, ::dlerror()));
  }
  CurlApi api{};
  resolve(library, "curl_global_init", api.global_init);
  resolve(library, "curl_easy_init", api.easy_init);
  resolve(library, "curl_easy_cleanup", api.easy_cleanup);
  resolve(library, "curl_easy_reset", api.easy_reset);
  resolve(library, "curl_easy_setopt", api.easy_setopt);
  resolve(library, "curl_easy_perform", api.easy_perform);
  resolve(library, "curl_easy_getinfo", api.easy_getinfo);
  resolve(library, "curl_easy_strerror", api.easy_strerror);
  resolve(library, "curl_free", api.free);
  resolve(library, "curl_getdate", api.getdate);
  resolve(library, "curl_slist_append", api.slist_append);
  resolve(library, "curl_slist_free_all", api.slist_free_all);
  resolve(library, "curl_url", api.url);
  resolve(library, "curl_url_cleanup", api.url_cleanup);
  resolve(library, "curl_url_get", api.url_get);
  resolve(library, "curl_url_set", api.url_set);
  resolve(library, "curl_mime_init", api.mime_init);
  resolve(library, "curl_mime_free", api.mime_free);
  resolve(library, "curl_mime_addpart", api.mime_addpart);
  resolve(library, "curl_mime_name", api.mime_name);
  resolve(library, "curl_mime_data", api.mime_data);
  resolve(library, "curl_mime_filedata", api.mime_filedata);
  resolve(library, "curl_mime_filename", api.mime_filename);
  resolve(library, "curl_mime_type", api.mime_type);
  // The library stays loaded for the life of the process.
  return api;
}

} // namespace

const CurlApi&
curl_api()
{
  static const CurlApi api = load();
  return api;
}

void
preload_curl_api()
{
  // std::async's future blocks in its destructor, so the load finishes before the process
  // exits instead of racing static destruction.
  static std::future<void> loading = std::async(std::launch::async, [] {
    try {
      curl_api();
    } catch (const std::exception&) {
      // Reported again, where it matters, by the first real curl_api() call.
    }
  });
}

} // namespace herald::http
