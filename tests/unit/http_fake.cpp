#include "http_fake.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <cstring>
#include <stdexcept>

namespace herald::test {

namespace {

bool
iequals(std::string_view a, std::string_view b)
{
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view
trim(std::string_view s)
{
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// A TCP socket bound to 127.0.0.1 on an ephemeral port.
int
bound_socket(uint16_t& port)
{
  // herald's main ignores SIGPIPE and the transport relies on it; so does this test process.
  std::signal(SIGPIPE, SIG_IGN);
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    throw std::runtime_error("socket() failed");
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("bind() failed");
  }
  port = ntohs(addr.sin_port);
  return fd;
}

bool
send_all(int fd, std::string_view data)
{
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) {
      return false;
    }
    data.remove_prefix(size_t(n));
  }
  return true;
}

const char*
reason(int status)
{
  switch (status) {
  case 200:
    return "OK";
  case 201:
    return "Created";
  case 204:
    return "No Content";
  case 301:
    return "Moved Permanently";
  case 302:
    return "Found";
  case 400:
    return "Bad Request";
  case 404:
    return "Not Found";
  case 429:
    return "Too Many Requests";
  case 500:
    return "Internal Server Error";
  default:
    return "Status";
  }
}

} // namespace

std::optional<std::string>
FakeRequest::header(std::string_view name) const
{
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) {
      return value;
    }
  }
  return std::nullopt;
}

FakeServer::FakeServer(Handler handler)
  : m_handler(std::move(handler))
{
  if (!m_handler) {
    m_handler = [](const FakeRequest&) { return FakeResponse{ 200, {}, "ok" }; };
  }
  m_listen_fd = bound_socket(m_port);
  if (::listen(m_listen_fd, 16) != 0) {
    ::close(m_listen_fd);
    throw std::runtime_error("listen() failed");
  }
  m_acceptor = std::thread([this] { accept_loop(); });
}

FakeServer::~FakeServer()
{
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
    // shutdown() wakes a thread blocked in accept() or recv() on that socket.
    ::shutdown(m_listen_fd, SHUT_RDWR);
    for (const int fd : m_open_fds) {
      ::shutdown(fd, SHUT_RDWR);
    }
  }
  m_stopping_cv.notify_all();
  m_acceptor.join();
  for (auto& worker : m_workers) {
    worker.join();
  }
  ::close(m_listen_fd);
}

std::string
FakeServer::url(std::string_view path) const
{
  return "http://127.0.0.1:" + std::to_string(m_port) + std::string(path);
}

std::vector<FakeRequest>
FakeServer::requests() const
{
  std::lock_guard lock(m_mutex);
  return m_requests;
}

size_t
FakeServer::request_count() const
{
  std::lock_guard lock(m_mutex);
  return m_requests.size();
}

size_t
FakeServer::connection_count() const
{
  std::lock_guard lock(m_mutex);
  return m_connections;
}

bool
FakeServer::wait(std::chrono::milliseconds delay)
{
  std::unique_lock lock(m_mutex);
  return !m_stopping_cv.wait_for(lock, delay, [this] { return m_stopping; });
}

void
FakeServer::accept_loop()
{
  while (true) {
    const int fd = ::accept4(m_listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    std::lock_guard lock(m_mutex);
    if (m_stopping) {
      if (fd >= 0) {
        ::close(fd);
      }
      return;
    }
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) {
        continue;
      }
      return;
    }
    ++m_connections;
    m_open_fds.push_back(fd);
    m_workers.emplace_back([this, fd] { serve(fd); });
  }
}

void
FakeServer::serve(int fd)
{
  std::string buffer;
  char chunk[16384];
  const auto fill = [&] {
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n > 0) {
      buffer.append(chunk, size_t(n));
    }
    return n > 0;
  };
  bool open = true;
  while (open) {
    size_t head_end;
    while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
      // Not HTTP (a TLS ClientHello, say): answer like a plain server would, then hang up.
      if (!buffer.empty() && !(buffer[0] >= 'A' && buffer[0] <= 'Z')) {
        send_all(fd, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        open = false;
        break;
      }
      if (!fill()) {
        open = false;
        break;
      }
    }
    if (!open) {
      break;
    }
    FakeRequest request;
    std::string_view head(buffer.data(), head_end);
    const size_t line_end = std::min(head.find("\r\n"), head.size());
    const std::string_view request_line = head.substr(0, line_end);
    const size_t space1 = request_line.find(' ');
    const size_t space2 = request_line.rfind(' ');
    request.method = std::string(request_line.substr(0, space1));
    request.target = std::string(request_line.substr(space1 + 1, space2 - space1 - 1));
    head.remove_prefix(std::min(line_end + 2, head.size()));
    while (!head.empty()) {
      const size_t end = std::min(head.find("\r\n"), head.size());
      const std::string_view line = head.substr(0, end);
      if (const size_t colon = line.find(':'); colon != std::string_view::npos) {
        request.headers.emplace_back(std::string(trim(line.substr(0, colon))),
                                     std::string(trim(line.substr(colon + 1))));
      }
      head.remove_prefix(std::min(end + 2, head.size()));
    }
    buffer.erase(0, head_end + 4);
    const size_t length = std::stoul(request.header("Content-Length").value_or("0"));
    while (buffer.size() < length && fill()) {
    }
    if (buffer.size() < length) {
      break;
    }
    request.body = buffer.substr(0, length);
    buffer.erase(0, length);
    {
      // Recorded before answering, so a test sees the request as soon as send() returns.
      std::lock_guard lock(m_mutex);
      m_requests.push_back(request);
    }
    const FakeResponse response = m_handler(request);
    if (response.delay.count() > 0 && !wait(response.delay)) {
      break;
    }
    if (response.close_without_answer) {
      break;
    }
    std::string out =
      "HTTP/1.1 " + std::to_string(response.status) + " " + reason(response.status) + "\r\n";
    for (const auto& [name, value] : response.headers) {
      out += name + ": " + value + "\r\n";
    }
    if (response.close_delimited) {
      out += "Connection: close\r\n\r\n" + response.body;
      send_all(fd, out);
      break;
    }
    out += "Content-Length: " + std::to_string(response.body.size()) + "\r\n\r\n";
    out += response.body;
    open = send_all(fd, out) && !iequals(request.header("Connection").value_or(""), "close");
  }
  std::lock_guard lock(m_mutex);
  std::erase(m_open_fds, fd);
  ::close(fd);
}

ClosedPort::ClosedPort()
  : m_fd(bound_socket(m_port))
{
}

ClosedPort::~ClosedPort()
{
  ::close(m_fd);
}

BlackholePort::BlackholePort()
  : m_fd(bound_socket(m_port))
{
  // Backlog 0 holds one connection; the kernel then drops SYNs instead of refusing them.
  if (::listen(m_fd, 0) != 0) {
    throw std::runtime_error("listen() failed");
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(m_port);
  for (int i = 0; i < 2; ++i) {
    const int filler = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    (void)::connect(filler, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    m_fillers.push_back(filler);
  }
}

BlackholePort::~BlackholePort()
{
  for (const int fd : m_fillers) {
    ::close(fd);
  }
  ::close(m_fd);
}

} // namespace herald::test
