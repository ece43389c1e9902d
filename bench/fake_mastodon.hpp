#pragma once
// A loopback fake of Mastodon for the benchmarks (tests/unit/http_fake): POST /api/v1/statuses,
// and what herald reads before the first send of a one-off post.
#include "http_fake.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <ctime>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace herald::bench {

using herald::test::FakeRequest;
using herald::test::FakeResponse;
using herald::test::FakeServer;

// Each account may have a token of its own ("bench-token-0", ...): the fake tells them apart.
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
    m_statuses.clear();
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
    const std::string token = request.header("Authorization").value_or("");
    if (!token.starts_with(std::string("Bearer ") + k_token)) { // one token per account, or one
      return { 401, {}, R"({"error":"The access token is invalid"})" };
    }
    if (request.method == "GET") {
      return read(request.target, token);
    }
    if (request.method != "POST" || request.target != "/api/v1/statuses") {
      return { 404, {}, R"({"error":"Record not found"})" };
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
    if (fresh) {
      m_statuses.push_back({ id, body["status"].get<std::string>(), token });
    }
    return { 200,
             { { "Content-Type", "application/json" } },
             nlohmann::json{ { "id", id }, { "url", url() + "/@bench/" + id } }.dump() };
  }

  struct Status
  {
    std::string id;
    std::string text;
    std::string token; // whose
  };

  // The look-up before a first send: who the token is, its statuses (newest first, 40 a page,
  // max_id paging), and one status's source text.
  FakeResponse read(const std::string& target, const std::string& token)
  {
    const auto json = [](const nlohmann::json& body) {
      return FakeResponse{ 200, { { "Content-Type", "application/json" } }, body.dump() };
    };
    if (target == "/api/v1/accounts/verify_credentials") {
      return json({ { "id", "1" }, { "acct", "bench" } });
    }
    std::lock_guard lock(m_mutex);
    if (target.starts_with("/api/v1/accounts/1/statuses")) {
      size_t below = m_statuses.size() + 1;
      if (const auto at = target.find("max_id="); at != std::string::npos) {
        below = std::stoul(target.substr(at + 7));
      }
      auto page = nlohmann::json::array();
      for (size_t i = std::min(below - 1, m_statuses.size()); i > 0 && page.size() < 40; --i) {
        const auto& status = m_statuses[i - 1];
        if (status.token != token) {
          continue;
        }
        page.push_back({ { "id", status.id },
                         { "url", url() + "/@bench/" + status.id },
                         { "created_at", m_created_at },
                         { "content", "<p>" + status.text + "</p>" } });
      }
      return json(page);
    }
    if (target.starts_with("/api/v1/statuses/") && target.ends_with("/source")) {
      const size_t id = std::stoul(target.substr(17));
      if (id >= 1 && id <= m_statuses.size()) {
        return json({ { "id", m_statuses[id - 1].id }, { "text", m_statuses[id - 1].text } });
      }
    }
    return { 404, {}, R"({"error":"Record not found"})" };
  }

  mutable std::mutex m_mutex;
  std::map<std::string, size_t> m_by_key;
  std::vector<Status> m_statuses; // in the order they were made; ids count from 1
  // Every status is as new as the run that reads it: within the look-back of any post.
  std::string m_created_at = [] {
    const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S.000Z", std::gmtime(&now));
    return std::string(text);
  }();
  size_t m_requests = 0;
  FakeServer m_server;
};

} // namespace herald::bench
