#pragma once
// A loopback fake of LinkedIn for the benchmarks (tests/unit/http_fake): GET /v2/userinfo and
// POST /rest/posts, with the version headers every /rest call must carry and LinkedIn's refusal
// of a text the author already posted (422 DUPLICATE_POST), so that "exactly once" is checked on
// what the fake would have published. tests/e2e/platforms/linkedin/fake.py checks the rest.
#include "http_fake.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <mutex>
#include <string>

namespace herald::bench {

class FakeLinkedin
{
public:
  explicit FakeLinkedin(std::string token)
    : m_token(std::move(token))
    , m_server([this](const herald::test::FakeRequest& request) { return handle(request); })
  {
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(m_server.port()); }

  void reset()
  {
    std::lock_guard lock(m_mutex);
    m_urns.clear();
    m_requests = 0;
  }

  size_t posts() const
  {
    std::lock_guard lock(m_mutex);
    return m_urns.size();
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
    const auto error = [&](int status, const std::string& code, const std::string& message) {
      return json(status, { { "status", status }, { "code", code }, { "message", message } });
    };
    if (request.header("Authorization").value_or("") != "Bearer " + m_token) {
      return error(401, "INVALID_ACCESS_TOKEN", "Invalid access token");
    }
    if (request.method == "GET" && request.target == "/v2/userinfo") {
      return json(200, { { "sub", "bench" }, { "name", "Bench" } });
    }
    const auto version = request.header("Linkedin-Version").value_or("");
    if (version.size() != 6 || version.find_first_not_of("0123456789") != std::string::npos) {
      return error(400, "VERSION_MISSING", "A version must be present.");
    }
    if (request.header("X-Restli-Protocol-Version").value_or("") != "2.0.0") {
      return error(400, "RESTLI_PROTOCOL_VERSION_MISSING", "X-Restli-Protocol-Version: 2.0.0");
    }
    if (request.method != "POST" || request.target != "/rest/posts") {
      return error(404, "NOT_FOUND", "No virtual resource found");
    }
    const auto body = nlohmann::json::parse(request.body, nullptr, false);
    if (!body.is_object() || !body.contains("commentary") || !body["commentary"].is_string() ||
        body.value("author", "") != "urn:li:person:bench") {
      return error(422, "INVALID_VALUE", "ERROR :: /commentary :: a string is expected");
    }
    std::lock_guard lock(m_mutex);
    ++m_requests;
    const auto text = body["commentary"].get<std::string>();
    if (const auto earlier = m_urns.find(text); earlier != m_urns.end()) {
      const auto message = "Content is a duplicate of " + earlier->second;
      return json(422,
                  { { "status", 422 },
                    { "message", message },
                    { "errorDetails",
                      { { "inputErrors",
                          { { { "code", "DUPLICATE_POST" }, { "description", message } } } } } } });
    }
    const auto urn = "urn:li:share:" + std::to_string(7100000000000000001ULL + m_urns.size());
    m_urns.emplace(text, urn);
    return { 201, { { "x-restli-id", urn } }, "" };
  }

  std::string m_token;
  mutable std::mutex m_mutex;
  std::map<std::string, std::string> m_urns; // commentary -> the post's URN
  size_t m_requests = 0;
  herald::test::FakeServer m_server;
};

} // namespace herald::bench
