#pragma once
// A loopback fake of X for the benchmarks (tests/unit/http_fake): GET /2/users/me and
// POST /2/tweets, with X's refusal of a text the account already posted, so that "exactly once"
// is checked on what the fake would have published. OAuth 1.0a signatures are checked for form
// only (tests/e2e/platforms/x/fake.py recomputes them): a bench measures, the e2e suite proves.
#include "http_fake.hpp"

#include <nlohmann/json.hpp>

#include <mutex>
#include <set>
#include <string>

namespace herald::bench {

class FakeX
{
public:
  FakeX()
    : m_server([this](const herald::test::FakeRequest& request) { return handle(request); })
  {
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(m_server.port()); }

  void reset()
  {
    std::lock_guard lock(m_mutex);
    m_texts.clear();
    m_requests = 0;
  }

  size_t tweets() const
  {
    std::lock_guard lock(m_mutex);
    return m_texts.size();
  }

  size_t requests() const
  {
    std::lock_guard lock(m_mutex);
    return m_requests;
  }

private:
  herald::test::FakeResponse handle(const herald::test::FakeRequest& request)
  {
    const auto json = [](int status, const nlohmann::json& body) {
      return herald::test::FakeResponse{ status,
                                         { { "Content-Type", "application/json" } },
                                         body.dump() };
    };
    const std::string auth = request.header("Authorization").value_or("");
    if (!auth.starts_with("OAuth ") || auth.find("oauth_signature=\"") == std::string::npos) {
      return json(401, { { "title", "Unauthorized" }, { "status", 401 } });
    }
    if (request.method == "GET" && request.target == "/2/users/me") {
      return json(200, { { "data", { { "id", "1001" }, { "username", "bench" } } } });
    }
    if (request.method != "POST" || request.target != "/2/tweets") {
      return json(404, { { "title", "Not Found Error" }, { "status", 404 } });
    }
    const auto body = nlohmann::json::parse(request.body, nullptr, false);
    if (!body.is_object() || !body.contains("text") || !body["text"].is_string()) {
      return json(400, { { "title", "Invalid Request" }, { "status", 400 } });
    }
    std::lock_guard lock(m_mutex);
    ++m_requests;
    if (!m_texts.insert(body["text"].get<std::string>()).second) {
      return json(403, { { "detail", "You are not allowed to create a Tweet with duplicate "
                                     "content." },
                         { "status", 403 } });
    }
    return json(201, { { "data",
                         { { "id", std::to_string(1900000000000000000ULL + m_texts.size()) },
                           { "text", body["text"] } } } });
  }

  mutable std::mutex m_mutex;
  std::set<std::string> m_texts;
  size_t m_requests = 0;
  herald::test::FakeServer m_server;
};

} // namespace herald::bench
