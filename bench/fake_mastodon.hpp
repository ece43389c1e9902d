#pragma once
// A loopback fake of Mastodon's POST /api/v1/statuses for the benchmarks (tests/unit/http_fake).
#include "http_fake.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <mutex>
#include <string>

namespace herald::bench {

using herald::test::FakeRequest;
using herald::test::FakeResponse;
using herald::test::FakeServer;

inline constexpr const char* k_token = "bench-token";

// Statuses as Mastodon stores them: one per Idempotency-Key (a repeated key gets the first
// status back), so "exactly once" is checked on what the fake would have published.
class FakeMastodon
{
public:
  FakeMastodon()
    : m_server([this](const FakeRequest& request) { return handle(request); })
  {
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(m_server.port()); }

  void reset()
  {
    std::lock_guard lock(m_mutex);
    m_by_key.clear();
    m_requests = 0;
  }

  size_t statuses() const
  {
    std::lock_guard lock(m_mutex);
    return m_by_key.size();
  }

  size_t requests() const
  {
    std::lock_guard lock(m_mutex);
    return m_requests;
  }

private:
  FakeResponse handle(const FakeRequest& request)
  {
    if (request.method != "POST" || request.target != "/api/v1/statuses") {
      return { 404, {}, R"({"error":"Record not found"})" };
    }
    if (request.header("Authorization") != std::string("Bearer ") + k_token) {
      return { 401, {}, R"({"error":"The access token is invalid"})" };
    }
    const auto body = nlohmann::json::parse(request.body, nullptr, false);
    if (!body.is_object() || !body.contains("status")) {
      return { 422, {}, R"({"error":"Validation failed: Text can't be blank"})" };
    }
    const std::string key = request.header("Idempotency-Key").value_or("");
    std::lock_guard lock(m_mutex);
    ++m_requests;
    auto [it, fresh] = m_by_key.try_emplace(key, m_by_key.size() + 1);
    const auto id = std::to_string(it->second);
    return { 200,
             { { "Content-Type", "application/json" } },
             nlohmann::json{ { "id", id }, { "url", url() + "/@bench/" + id } }.dump() };
  }

  mutable std::mutex m_mutex;
  std::map<std::string, size_t> m_by_key;
  size_t m_requests = 0;
  FakeServer m_server;
};

} // namespace herald::bench
