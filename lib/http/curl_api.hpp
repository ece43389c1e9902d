#pragma once

#include <curl/curl.h>

namespace herald::http {

// libcurl's functions, loaded with dlopen on first use instead of linked: libcurl pulls in some
// 30 shared libraries (TLS, HTTP/2, LDAP, Kerberos, ...), and loading them at every start
// would triple the time of a cron tick that publishes nothing. Types and constants still come
// from <curl/curl.h>; calls go through this table.
struct CurlApi
{
  decltype(&::curl_global_init) global_init;
  decltype(&::curl_easy_init) easy_init;
  decltype(&::curl_easy_cleanup) easy_cleanup;
  decltype(&::curl_easy_reset) easy_reset;
  decltype(&::curl_easy_setopt) easy_setopt;
  decltype(&::curl_easy_perform) easy_perform;
  decltype(&::curl_easy_getinfo) easy_getinfo;
  decltype(&::curl_easy_strerror) easy_strerror;
  decltype(&::curl_free) free;
  decltype(&::curl_getdate) getdate;
  decltype(&::curl_slist_append) slist_append;
  decltype(&::curl_slist_free_all) slist_free_all;
  decltype(&::curl_url) url;
  decltype(&::curl_url_cleanup) url_cleanup;
  decltype(&::curl_url_get) url_get;
  decltype(&::curl_url_set) url_set;
  decltype(&::curl_mime_init) mime_init;
  decltype(&::curl_mime_free) mime_free;
  decltype(&::curl_mime_addpart) mime_addpart;
  decltype(&::curl_mime_name) mime_name;
  decltype(&::curl_mime_data) mime_data;
  decltype(&::curl_mime_filedata) mime_filedata;
  decltype(&::curl_mime_filename) mime_filename;
  decltype(&::curl_mime_type) mime_type;
};

// Loads libcurl.so.4 once (thread-safe). Throws herald::Error, naming the library and the
// loader's reason, when it or one of the functions is missing.
const CurlApi& curl_api();

// Starts loading libcurl on a background thread, so that a command about to publish overlaps
// the ~10 ms of loading with its own work (reading the calendar, committing the claims).
// curl_api() then waits for it if it is not done. Loading errors surface from curl_api().
void preload_curl_api();

} // namespace herald::http
