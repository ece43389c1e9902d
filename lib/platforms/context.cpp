#include "context.hpp"

#include "credentials_file.hpp"

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
    auto secret = lookup_secret(name);
    if (secret.source == SecretSource::none) {
      return std::nullopt;
    }
    return std::move(secret.value);
  };
  context.clock = &clock;
  context.state_dir = std::move(state_dir);
  context.log = std::move(log);
  return context;
}

} // namespace herald::platforms
