#include "classify.hpp"

#include <curl/curl.h>

namespace herald::http {

TransportError::Kind
classify_curl_error(int curl_code, bool request_started)
{
  using Kind = TransportError::Kind;
  switch (static_cast<CURLcode>(curl_code)) {
  case CURLE_UNSUPPORTED_PROTOCOL:
  case CURLE_URL_MALFORMAT:
  case CURLE_COULDNT_RESOLVE_PROXY:
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_CONNECT:
  // TLS handshake and certificate failures happen before any HTTP byte is sent.
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_PEER_FAILED_VERIFICATION: // also CURLE_SSL_CACERT
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_CERTPROBLEM:
  case CURLE_SSL_CIPHER:
  case CURLE_SSL_ENGINE_NOTFOUND:
  case CURLE_SSL_ENGINE_SETFAILED:
  case CURLE_SSL_ENGINE_INITFAILED:
  case CURLE_SSL_CRL_BADFILE:
  case CURLE_SSL_ISSUER_ERROR:
  case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
  case CURLE_SSL_INVALIDCERTSTATUS:
    return Kind::not_sent;
  case CURLE_OPERATION_TIMEDOUT:
    return request_started ? Kind::maybe_sent : Kind::not_sent;
  default:
    return Kind::maybe_sent;
  }
}

} // namespace herald::http
