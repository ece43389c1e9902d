#include "transport.hpp"

#include "version.hpp"

#include <fmt/core.h>

namespace herald::http {

std::string_view
to_string(TransportError::Kind kind)
{
  switch (kind) {
  case TransportError::Kind::not_sent:
    return "not sent";
  case TransportError::Kind::maybe_sent:
    return "maybe sent";
  }
  return "unknown";
}

std::string
user_agent()
{
  return fmt::format("herald/{} (+https://example.org/herald)", k_version);
}

} // namespace herald::http
