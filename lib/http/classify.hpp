#pragma once

#include "transport.hpp"

namespace herald::http {

// How far a failed libcurl transfer can have got (reliability.md D2). `curl_code` is a
// CURLcode; `request_started` is true once any request byte may have left (pre-transfer phase
// reached or upload bytes counted). Only failures before the request (DNS, connect, TLS, a
// refused URL, a timeout before the request) are not_sent; everything else is maybe_sent.
TransportError::Kind classify_curl_error(int curl_code, bool request_started);

} // namespace herald::http
