#include "request.hpp"

#include "ascii.hpp"

namespace herald::http {

std::optional<std::string>
Response::header(std::string_view name) const
{
  for (const auto& h : headers) {
    if (ascii::iequals(h.name, name)) {
      return h.value;
    }
  }
  return std::nullopt;
}

} // namespace herald::http
