#pragma once

#include "http/transport.hpp"

#include "schedule/clock.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace herald::platforms {

// What an adapter may use from the outside world, handed in so that tests can substitute any
// of it (style.md practice 7).
struct AdapterContext
{
  // A new HTTP transport (libcurl in production, with the -v log sink already attached).
  std::function<std::unique_ptr<http::HttpTransport>()> make_transport;
  // Reads an environment variable: credentials only ever come from the variables that an
  // account names (`token_env:` and friends), set in the environment or in the credentials
  // file (credentials_file.hpp).
  std::function<std::optional<std::string>(std::string_view name)> getenv;
  // "Now", for Retry-After and rate-limit resets.
  const Clock* clock = nullptr;
  // Waits while a platform processes what was sent (X's video): the thread sleeps in
  // production; tests and fuzzers count the waits instead. Empty: the thread sleeps.
  std::function<void(std::chrono::milliseconds)> sleep;
  // An owner-only directory for what an adapter must keep between runs (session tokens).
  std::filesystem::path state_dir;
  // The -v log (empty: not verbose), for what an adapter learns outside HTTP, such as a
  // plugin's stderr. Lines must be redacted first; may be called from any worker thread.
  http::LogSink log;
};

// An adapter's HTTP transport, built on first use: a run that sends nothing to an account
// never builds one, and no code path can reach the transport before it exists.
class LazyTransport
{
public:
  explicit LazyTransport(const AdapterContext& context)
    : m_context(context)
  {
  }

  http::HttpTransport* operator->() { return &get(); }
  http::HttpTransport& get()
  {
    if (!m_transport) {
      m_transport = m_context.make_transport();
    }
    return *m_transport;
  }

private:
  const AdapterContext& m_context;
  std::unique_ptr<http::HttpTransport> m_transport;
};

// The production context: CurlTransport (logging to `log` when set), the process environment
// and then the credentials file, the system clock, `state_dir`, and `log`.
AdapterContext default_context(const Clock& clock, std::filesystem::path state_dir,
                               http::LogSink log = {});

} // namespace herald::platforms
