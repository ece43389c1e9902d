#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald::http {

struct Header
{
  std::string name;
  std::string value;
};

// One part of a multipart/form-data body (media uploads). The content is `data`, or, when `file`
// is set, that file's content, read by libcurl while sending.
struct FormPart
{
  std::string name;
  std::string filename;       // empty: a plain field (for a file part: the file's base name)
  std::string content_type;   // empty: none sent
  std::string data;           // ignored when `file` is set
  std::filesystem::path file; // empty: use `data`
};

struct Timeouts
{
  std::chrono::milliseconds connect{ 10'000 };
  // The whole exchange, redirects included; keep it under the job lease and the cron interval.
  std::chrono::milliseconds total{ 30'000 };
};

// One HTTP exchange as an adapter describes it. Nothing here is logged verbatim: every log line
// and error message goes through redact() with `secrets`.
struct Request
{
  std::string method = "GET"; // GET, HEAD, POST, PUT or DELETE
  std::string url;            // https://..., or http:// to a loopback host (tests, local dev)
  std::vector<Header> headers;
  std::string body;           // ignored when `form` is non-empty
  std::vector<FormPart> form; // non-empty: send multipart/form-data (POST or PUT only)
  // Extra strings to mask in logs and errors (a token, a webhook URL). Credentials in
  // Authorization, Proxy-Authorization and Cookie headers and URL user-info are added
  // automatically.
  std::vector<std::string> secrets;
  Timeouts timeouts;
  // Honoured for GET only: a POST/PUT/DELETE is never resent to another URL.
  bool follow_redirects = false;
};

struct Response
{
  int status = 0;
  std::vector<Header> headers; // of the final response only, in order received
  std::string body;
  std::string url; // the URL that answered, after any redirects (empty: the request's)

  // The first header called `name` (ASCII case-insensitive), if any.
  std::optional<std::string> header(std::string_view name) const;
};

} // namespace herald::http
