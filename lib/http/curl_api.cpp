#include "curl_api.hpp"

#include "util/shared_library.hpp"

#include <future>

namespace herald::http {

namespace {

constexpr const char* k_library = "libcurl.so.4";

CurlApi
load()
{
  const SharedLibrary library(k_library, "libcurl4", ExitStatus::usage);
  CurlApi api{};
  library.resolve("curl_global_init", api.global_init);
  library.resolve("curl_easy_init", api.easy_init);
  library.resolve("curl_easy_cleanup", api.easy_cleanup);
  library.resolve("curl_easy_reset", api.easy_reset);
  library.resolve("curl_easy_setopt", api.easy_setopt);
  library.resolve("curl_easy_perform", api.easy_perform);
  library.resolve("curl_easy_getinfo", api.easy_getinfo);
  library.resolve("curl_easy_strerror", api.easy_strerror);
  library.resolve("curl_free", api.free);
  library.resolve("curl_getdate", api.getdate);
  library.resolve("curl_slist_append", api.slist_append);
  library.resolve("curl_slist_free_all", api.slist_free_all);
  library.resolve("curl_url", api.url);
  library.resolve("curl_url_cleanup", api.url_cleanup);
  library.resolve("curl_url_get", api.url_get);
  library.resolve("curl_url_set", api.url_set);
  library.resolve("curl_mime_init", api.mime_init);
  library.resolve("curl_mime_free", api.mime_free);
  library.resolve("curl_mime_addpart", api.mime_addpart);
  library.resolve("curl_mime_name", api.mime_name);
  library.resolve("curl_mime_data", api.mime_data);
  library.resolve("curl_mime_filedata", api.mime_filedata);
  library.resolve("curl_mime_filename", api.mime_filename);
  library.resolve("curl_mime_type", api.mime_type);
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
