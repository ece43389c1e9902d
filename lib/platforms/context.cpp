#include "context.hpp"

#include <cstdlib>

namespace herald::platforms {

AdapterContext
default_context(const Clock& clock, std::filesystem::path state_dir, http::LogSink log)
{
  AdapterContext context;
  context.make_transport = [log]() -> std::unique_ptr<http::HttpTransport> {
    http::CurlTransportOptions options;
    options.log = log;
    return std::make_unique<http::CurlTransport>(options);
  };
  context.getenv = [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (!value || !*value) {
      return std::nullopt;
    }
    return std::string(value);
  };
  context.clock = &clock;
  context.state_dir = std::move(state_dir);
  return context;
}

} // namespace herald::platforms
