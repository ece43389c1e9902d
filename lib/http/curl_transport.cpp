#include "ascii.hpp"
#include "classify.hpp"
#include "curl_api.hpp"
#include "redact.hpp"
#include "transport.hpp"
#include "url_policy.hpp"

#include "util/error.hpp"
#include "util/unavailable_error.hpp"

#include <fmt/core.h>

#include <curl/curl.h>

#include <array>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>

namespace herald::http {

namespace {

namespace chr = std::chrono;
using Kind = TransportError::Kind;

constexpr int k_max_redirects = 3;
constexpr size_t k_log_body_bytes = 200;

struct SlistDeleter
{
  void operator()(curl_slist* list) const { curl_api().slist_free_all(list); }
};

struct MimeDeleter
{
  void operator()(curl_mime* mime) const { curl_api().mime_free(mime); }
};

struct UrlDeleter
{
  void operator()(CURLU* url) const { curl_api().url_cleanup(url); }
};

// What libcurl's callbacks fill in during one hop.
struct Hop
{
  Response response;
  size_t max_bytes = 0;
  bool too_large = false;
  const LogSink* log = nullptr;
  const std::vector<std::string>* secrets = nullptr;
  // The request body for -v, logged when libcurl starts sending it (so never for a body that
  // was not sent, and after the request headers).
  std::vector<std::string> body_lines;
  bool body_logged = false;
};

// Every -v line goes through here: split, redacted, and never allowed to throw into libcurl.
void
emit(const Hop& hop, std::string_view prefix, std::string_view text)
{
  if (hop.log == nullptr) {
    return;
  }
  try {
    while (!text.empty()) {
      const size_t end = std::min(text.find('\n'), text.size());
      const std::string_view line = ascii::trim(text.substr(0, end));
      text.remove_prefix(std::min(end + 1, text.size()));
      if (!line.empty()) {
        (*hop.log)(std::string(prefix) + redact(line, *hop.secrets));
      }
    }
  } catch (...) {
    // A failing log sink must not turn a delivered post into an error.
  }
}

// A body for -v: at most k_log_body_bytes, redacted, control characters shown as '.'. A body
// whose type says it is not text (an uploaded image) is only measured: its bytes would make the
// log unreadable, and not valid UTF-8.
std::string
body_preview(std::string_view body, std::optional<std::string_view> content_type,
             const std::vector<std::string>& secrets)
{
  std::string text;
  const std::string_view full_type = content_type.value_or("");
  const auto type = ascii::trim(full_type.substr(0, full_type.find(';')));
  const bool textual = type.empty() || ascii::iequals(type.substr(0, 5), "text/") ||
                       type.find("json") != std::string_view::npos ||
                       type.find("xml") != std::string_view::npos ||
                       ascii::iequals(type, "application/x-www-form-urlencoded");
  if (textual) {
    text =
      redact_head(body, k_log_body_bytes, secrets) + (body.size() > k_log_body_bytes ? "..." : "");
  } else {
    text = fmt::format("{}, not shown", type.substr(0, 100));
  }
  for (char& c : text) {
    if (uint8_t(c) < 0x20 || c == 0x7f) {
      c = '.';
    }
  }
  return fmt::format("{} ({} bytes)", text, body.size());
}

size_t
on_body(char* data, size_t size, size_t count, void* user)
{
  auto& hop = *static_cast<Hop*>(user);
  const size_t n = size * count;
  if (hop.response.body.size() + n > hop.max_bytes) {
    hop.too_large = true;
    return 0; // aborts the transfer with CURLE_WRITE_ERROR
  }
  try {
    hop.response.body.append(data, n);
  } catch (...) {
    return 0;
  }
  return n;
}

size_t
on_header(char* data, size_t size, size_t count, void* user)
{
  auto& hop = *static_cast<Hop*>(user);
  const size_t n = size * count;
  const std::string_view line = ascii::trim(std::string_view(data, n));
  try {
    if (line.starts_with("HTTP/")) {
      // A new response (after "100 Continue" or a proxy's CONNECT): keep only the last one's.
      hop.response.headers.clear();
    } else if (const size_t colon = line.find(':'); colon != std::string_view::npos) {
      hop.response.headers.push_back({ std::string(ascii::trim(line.substr(0, colon))),
                                       std::string(ascii::trim(line.substr(colon + 1))) });
    }
  } catch (...) {
    return 0;
  }
  return n;
}

int
on_debug(CURL* /*curl*/, curl_infotype type, char* data, size_t size, void* user)
{
  auto& hop = *static_cast<Hop*>(user);
  switch (type) {
  case CURLINFO_TEXT:
    emit(hop, "* ", std::string_view(data, size));
    break;
  case CURLINFO_HEADER_OUT:
    emit(hop, "> ", std::string_view(data, size));
    break;
  case CURLINFO_HEADER_IN:
    emit(hop, "< ", std::string_view(data, size));
    break;
  case CURLINFO_DATA_OUT:
    if (!hop.body_logged) {
      hop.body_logged = true;
      for (const auto& line : hop.body_lines) {
        emit(hop, "> ", line);
      }
    }
    break;
  default:
    // Bodies are logged once, as a bounded preview; TLS records never.
    break;
  }
  return 0;
}

bool
is_credential_header(std::string_view name)
{
  return ascii::iequals(name, "Authorization") || ascii::iequals(name, "Proxy-Authorization") ||
         ascii::iequals(name, "Cookie");
}

// The request's own secrets plus the credentials it carries, so that an adapter that forgets
// to list its token still gets it masked wherever it is echoed (a response body, an error).
std::vector<std::string>
secrets_of(const Request& request)
{
  std::vector<std::string> secrets = request.secrets;
  for (const auto& header : request.headers) {
    if (!is_credential_header(header.name)) {
      continue;
    }
    const std::string_view value = ascii::trim(header.value);
    const size_t space = value.find(' ');
    const bool has_scheme =
      space != std::string_view::npos && !ascii::iequals(header.name, "Cookie");
    // "Bearer <this>": the scheme word stays readable in the log.
    secrets.emplace_back(has_scheme ? ascii::trim(value.substr(space + 1)) : value);
  }
  std::unique_ptr<CURLU, UrlDeleter> url(curl_api().url());
  char* password = nullptr;
  if (url &&
      curl_api().url_set(url.get(), CURLUPART_URL, request.url.c_str(), CURLU_NON_SUPPORT_SCHEME) ==
        CURLUE_OK &&
      curl_api().url_get(url.get(), CURLUPART_PASSWORD, &password, CURLU_URLDECODE) == CURLUE_OK &&
      password != nullptr) {
    secrets.emplace_back(password);
    curl_api().free(password);
  }
  return secrets;
}

bool
has_line_break(std::string_view text)
{
  return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

// Misuse that must not reach the network; nullopt when the request is well-formed.
std::optional<std::string>
check_request(const Request& request)
{
  const auto& method = request.method;
  if (method != "GET" && method != "HEAD" && method != "POST" && method != "PUT" &&
      method != "DELETE") {
    return fmt::format("unsupported method '{}'", method);
  }
  if (!request.form.empty() && method != "POST" && method != "PUT") {
    return std::string("a multipart form needs POST or PUT");
  }
  for (const auto& header : request.headers) {
    // A line break in a header would let a value inject headers of its own.
    if (header.name.empty() || header.name.find_first_of(": \t") != std::string::npos ||
        has_line_break(header.name) || has_line_break(header.value)) {
      return fmt::format("invalid header name or value for '{}'", header.name);
    }
  }
  for (const auto& part : request.form) {
    // Checked here because libcurl would only fail mid-upload, which is maybe_sent.
    std::error_code error;
    if (!part.file.empty() && (!std::filesystem::is_regular_file(part.file, error) ||
                               !std::ifstream(part.file, std::ios::binary))) {
      return fmt::format("cannot read '{}' for form field '{}'", part.file.string(), part.name);
    }
  }
  return std::nullopt;
}

bool
is_redirect(int status)
{
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

void
drop_credentials(std::vector<Header>& headers)
{
  std::erase_if(headers, [](const Header& h) { return is_credential_header(h.name); });
}

} // namespace

class CurlTransport::Impl
{
public:
  explicit Impl(CurlTransportOptions options);
  ~Impl() { curl_api().easy_cleanup(m_curl); }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  Result<Response, TransportError> send(const Request& request);

private:
  struct HopResult
  {
    Response response;
    std::string redirect_url;
  };

  Result<HopResult, TransportError> perform(const Request& request, const std::string& url,
                                            const std::vector<Header>& headers,
                                            const UrlTarget& target, chr::milliseconds budget,
                                            const std::vector<std::string>& secrets);
  void log(const std::string& line) const;

  CurlTransportOptions m_options;
  std::string m_user_agent = user_agent();
  CURL* m_curl = nullptr;
  std::array<char, CURL_ERROR_SIZE> m_error{};
};

CurlTransport::Impl::Impl(CurlTransportOptions options)
  : m_options(std::move(options))
{
  static std::once_flag s_global_init;
  std::call_once(s_global_init, [] {
    if (curl_api().global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      throw UnavailableError("cannot initialise libcurl");
    }
  });
  m_curl = curl_api().easy_init();
  if (m_curl == nullptr) {
    throw UnavailableError("cannot initialise libcurl");
  }
}

void
CurlTransport::Impl::log(const std::string& line) const
{
  if (m_options.log) {
    try {
      m_options.log(line);
    } catch (...) {
      // As in emit(): logging never changes an outcome.
    }
  }
}

Result<Response, TransportError>
CurlTransport::Impl::send(const Request& request)
{
  const auto secrets = secrets_of(request);
  const auto failure = [&](Kind kind, const std::string& url, std::string_view what) {
    return unexpected(
      TransportError{ kind, fmt::format("{} {}: {}", request.method, redacted_url(url, secrets),
                                        redact(what, secrets)) });
  };
  if (const auto problem = check_request(request)) {
    return failure(Kind::not_sent, request.url, *problem);
  }

  // Redirects are followed here rather than by CURLOPT_FOLLOWLOCATION so that every hop passes
  // check_url() (REDIR_PROTOCOLS alone cannot express "http only to loopback") and credential
  // headers are dropped, visibly, whenever the origin changes.
  const auto deadline = chr::steady_clock::now() + request.timeouts.total;
  std::string url = request.url;
  std::vector<Header> headers = request.headers;
  std::optional<UrlTarget> previous;
  for (int hop = 0;; ++hop) {
    // After the first hop a server has seen the request, so nothing later is "not sent".
    const Kind refused = hop == 0 ? Kind::not_sent : Kind::maybe_sent;
    const auto target = check_url(url);
    if (!target) {
      return failure(refused, url, target.error());
    }
    if (previous && !same_origin(*previous, *target)) {
      drop_credentials(headers);
    }
    const auto budget = chr::duration_cast<chr::milliseconds>(deadline - chr::steady_clock::now());
    if (budget <= chr::milliseconds(0)) {
      return failure(refused, url, "timed out before following the redirect");
    }
    auto result = perform(request, url, headers, *target, budget, secrets);
    if (!result) {
      result.error().kind = hop == 0 ? result.error().kind : Kind::maybe_sent;
      return unexpected(std::move(result.error()));
    }
    const bool follow = request.follow_redirects && request.method == "GET" &&
                        is_redirect(result->response.status) && !result->redirect_url.empty();
    if (!follow) {
      result->response.url = url;
      return std::move(result->response);
    }
    if (hop == k_max_redirects) {
      return failure(Kind::maybe_sent, url, fmt::format("more than {} redirects", k_max_redirects));
    }
    log("* following redirect to " + redacted_url(result->redirect_url, secrets));
    previous = *target;
    url = std::move(result->redirect_url);
  }
}

Result<CurlTransport::Impl::HopResult, TransportError>
CurlTransport::Impl::perform(const Request& request, const std::string& url,
                             const std::vector<Header>& headers, const UrlTarget& target,
                             chr::milliseconds budget, const std::vector<std::string>& secrets)
{
  const auto failure = [&](Kind kind, std::string_view what) {
    return unexpected(
      TransportError{ kind, fmt::format("{} {}: {}", request.method, redacted_url(url, secrets),
                                        redact(what, secrets)) });
  };

  // Options from an earlier send must not leak into this one; connections and the DNS cache
  // survive a reset.
  curl_api().easy_reset(m_curl);
  m_error[0] = '\0';
  Hop hop;
  hop.max_bytes = m_options.max_response_bytes;
  hop.log = m_options.log ? &m_options.log : nullptr;
  hop.secrets = &secrets;

  std::unique_ptr<curl_slist, SlistDeleter> header_list;
  const auto add_header = [&header_list](const std::string& line) {
    curl_slist* grown = curl_api().slist_append(header_list.get(), line.c_str());
    if (grown != nullptr) {
      (void)header_list.release();
      header_list.reset(grown);
    }
    return grown != nullptr;
  };
  bool headers_ok = true;
  for (const auto& header : headers) {
    // "Name;" is libcurl's way of sending a header with an empty value.
    headers_ok &=
      add_header(header.value.empty() ? header.name + ";" : header.name + ": " + header.value);
  }
  // No "Expect: 100-continue" round trip: it costs a second on servers that ignore it.
  headers_ok &= add_header("Expect:");
  if (!headers_ok) {
    return failure(Kind::not_sent, "out of memory building the headers");
  }

  CURLcode setup = CURLE_OK;
  const auto set = [this, &setup](CURLoption option, auto value) {
    if (setup == CURLE_OK) {
      setup = curl_api().easy_setopt(m_curl, option, value);
    }
  };
  set(CURLOPT_URL, url.c_str());
  set(CURLOPT_NOSIGNAL, 1L); // the process ignores SIGPIPE instead (see transport.hpp)
  set(CURLOPT_PROTOCOLS_STR, "http,https");
  set(CURLOPT_REDIR_PROTOCOLS_STR, "https");
  set(CURLOPT_FOLLOWLOCATION, 0L);
  set(CURLOPT_SSL_VERIFYPEER, 1L);
  set(CURLOPT_SSL_VERIFYHOST, 2L);
  const std::string ca_bundle = m_options.ca_bundle ? m_options.ca_bundle->string() : "";
  if (!ca_bundle.empty()) {
    set(CURLOPT_CAINFO, ca_bundle.c_str());
  }
  set(CURLOPT_CONNECTTIMEOUT_MS, long(std::min(request.timeouts.connect, budget).count()));
  set(CURLOPT_TIMEOUT_MS, long(budget.count()));
  set(CURLOPT_LOW_SPEED_LIMIT, m_options.low_speed_bytes);
  set(CURLOPT_LOW_SPEED_TIME, long(m_options.low_speed_time.count()));
  set(CURLOPT_USERAGENT, m_user_agent.c_str());
  set(CURLOPT_ACCEPT_ENCODING, "");
  set(CURLOPT_HTTPHEADER, header_list.get());
  set(CURLOPT_MAXFILESIZE_LARGE, curl_off_t(m_options.max_response_bytes));
  set(CURLOPT_WRITEFUNCTION, on_body);
  set(CURLOPT_WRITEDATA, static_cast<void*>(&hop));
  set(CURLOPT_HEADERFUNCTION, on_header);
  set(CURLOPT_HEADERDATA, static_cast<void*>(&hop));
  set(CURLOPT_ERRORBUFFER, m_error.data());
  if (target.loopback) {
    set(CURLOPT_PROXY, ""); // a proxy from the environment must not see loopback traffic
  }
  if (request.method != "GET") {
    // On a reused connection that dies silently libcurl resends the request on a new one; for
    // a POST that could publish twice, so a non-GET request always gets its own connection.
    set(CURLOPT_FRESH_CONNECT, 1L);
  }
  if (hop.log != nullptr) {
    set(CURLOPT_VERBOSE, 1L);
    set(CURLOPT_DEBUGFUNCTION, on_debug);
    set(CURLOPT_DEBUGDATA, static_cast<void*>(&hop));
  }

  std::unique_ptr<curl_mime, MimeDeleter> mime;
  if (request.method == "GET") {
    set(CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    set(CURLOPT_NOBODY, 1L);
  } else if (!request.form.empty()) {
    mime.reset(curl_api().mime_init(m_curl));
    for (const auto& part : request.form) {
      curl_mimepart* field = curl_api().mime_addpart(mime.get());
      CURLcode rc = curl_api().mime_name(field, part.name.c_str());
      if (rc == CURLE_OK && !part.file.empty()) {
        rc = curl_api().mime_filedata(field, part.file.c_str());
      } else if (rc == CURLE_OK) {
        rc = curl_api().mime_data(field, part.data.data(), part.data.size());
      }
      if (rc == CURLE_OK && !part.filename.empty()) {
        rc = curl_api().mime_filename(field, part.filename.c_str());
      }
      if (rc == CURLE_OK && !part.content_type.empty()) {
        rc = curl_api().mime_type(field, part.content_type.c_str());
      }
      setup = setup == CURLE_OK ? rc : setup;
    }
    set(CURLOPT_MIMEPOST, mime.get());
  } else if (request.method != "DELETE" || !request.body.empty()) {
    set(CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.size()));
    set(CURLOPT_POSTFIELDS, request.body.data());
  }
  if (request.method == "PUT" || request.method == "DELETE") {
    set(CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  if (setup != CURLE_OK) {
    return failure(Kind::not_sent, fmt::format("libcurl refused the request setup: {}",
                                               curl_api().easy_strerror(setup)));
  }

  if (hop.log != nullptr) {
    for (const auto& part : request.form) {
      hop.body_lines.push_back(fmt::format(
        "form field '{}'{}{}: {}", part.name,
        part.filename.empty() ? "" : " filename '" + part.filename + "'",
        part.content_type.empty() ? "" : " type " + part.content_type,
        part.file.empty() ? std::to_string(part.data.size()) + " bytes" : "from a file"));
    }
    if (request.form.empty()) {
      std::optional<std::string_view> type;
      for (const auto& header : request.headers) {
        if (ascii::iequals(header.name, "Content-Type")) {
          type = header.value;
        }
      }
      hop.body_lines.push_back("body: " + body_preview(request.body, type, secrets));
    }
  }

  const CURLcode code = curl_api().easy_perform(m_curl);
  if (code != CURLE_OK) {
    if (hop.too_large || code == CURLE_FILESIZE_EXCEEDED) {
      return failure(Kind::maybe_sent,
                     fmt::format("response larger than {} bytes", m_options.max_response_bytes));
    }
    curl_off_t uploaded = 0;
    curl_off_t pretransfer_us = 0;
    curl_api().easy_getinfo(m_curl, CURLINFO_SIZE_UPLOAD_T, &uploaded);
    curl_api().easy_getinfo(m_curl, CURLINFO_PRETRANSFER_TIME_T, &pretransfer_us);
    const Kind kind = classify_curl_error(code, uploaded > 0 || pretransfer_us > 0);
    return failure(kind, m_error[0] != '\0' ? m_error.data() : curl_api().easy_strerror(code));
  }

  long status = 0;
  char* location = nullptr;
  curl_api().easy_getinfo(m_curl, CURLINFO_RESPONSE_CODE, &status);
  curl_api().easy_getinfo(m_curl, CURLINFO_REDIRECT_URL, &location);
  hop.response.status = int(status);
  if (hop.log != nullptr && !hop.response.body.empty()) {
    const auto type = hop.response.header("Content-Type");
    log("< body: " + body_preview(hop.response.body,
                                  type ? std::optional<std::string_view>(*type) : std::nullopt,
                                  secrets));
  }
  return HopResult{ std::move(hop.response), location != nullptr ? location : "" };
}

CurlTransport::CurlTransport(CurlTransportOptions options)
  : m_impl(std::make_unique<Impl>(std::move(options)))
{
}

CurlTransport::~CurlTransport() = default;

Result<Response, TransportError>
CurlTransport::send(const Request& request)
{
  return m_impl->send(request);
}

} // namespace herald::http
