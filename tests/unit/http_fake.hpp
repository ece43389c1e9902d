#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

// A plain HTTP/1.1 server on 127.0.0.1 for transport tests: it records every request and
// answers from a handler, with faults on demand (delay, no answer). Written on POSIX sockets
// rather than cpp-httplib because Debian's cpp-httplib is a compiled library that the unit
// test binary does not link, and because the faults need control of the raw connection.
namespace herald::test {

struct FakeRequest
{
  std::string method;
  std::string target; // path and query, as sent
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  std::optional<std::string> header(std::string_view name) const;
};

struct FakeResponse
{
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds delay{ 0 }; // before answering; cut short when the server stops
  bool close_without_answer = false;    // the client gets nothing back
  bool close_delimited = false;         // no Content-Length: the body ends when the server hangs up
};

class FakeServer
{
public:
  using Handler = std::function<FakeResponse(const FakeRequest&)>;

  // Listening as soon as the constructor returns (the socket is bound and listening, so no
  // readiness poll is needed). The default handler answers 200 "ok".
  explicit FakeServer(Handler handler = {});
  ~FakeServer();
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  uint16_t port() const { return m_port; }
  // "http://127.0.0.1:<port><path>"
  std::string url(std::string_view path = "/") const;
  std::vector<FakeRequest> requests() const;
  size_t request_count() const;
  size_t connection_count() const; // accepted, including ones that never sent a request

private:
  void accept_loop();
  void serve(int fd);
  bool wait(std::chrono::milliseconds delay); // false when the server is stopping

  Handler m_handler;
  int m_listen_fd = -1;
  uint16_t m_port = 0;
  mutable std::mutex m_mutex;
  std::condition_variable m_stopping_cv;
  bool m_stopping = false;
  std::vector<int> m_open_fds;
  std::vector<std::thread> m_workers;
  std::vector<FakeRequest> m_requests;
  size_t m_connections = 0;
  std::thread m_acceptor;
};

// A loopback port where a connection is refused: bound but not listening, so nothing else can
// take the port while the test runs.
class ClosedPort
{
public:
  ClosedPort();
  ~ClosedPort();
  ClosedPort(const ClosedPort&) = delete;
  ClosedPort& operator=(const ClosedPort&) = delete;
  uint16_t port() const { return m_port; }

private:
  uint16_t m_port = 0; // before m_fd: the constructor fills it while initialising m_fd
  int m_fd = -1;
};

// A loopback port where a connection attempt hangs: a listener with a full accept queue, so the
// kernel drops further SYNs (a local stand-in for a black-holed host).
class BlackholePort
{
public:
  BlackholePort();
  ~BlackholePort();
  BlackholePort(const BlackholePort&) = delete;
  BlackholePort& operator=(const BlackholePort&) = delete;
  uint16_t port() const { return m_port; }

private:
  uint16_t m_port = 0; // before m_fd: the constructor fills it while initialising m_fd
  int m_fd = -1;
  std::vector<int> m_fillers;
};

} // namespace herald::test
