#include "app/accounts.hpp"

#include <doctest/doctest.h>

#include <map>

using namespace herald;
using platforms::PublishError;
using platforms::Verified;

namespace {

// Answers each account's verify() from a table: a Verified or an error.
class ScriptedAdapter : public platforms::Adapter
{
public:
  explicit ScriptedAdapter(Result<Verified, PublishError> answer)
    : m_answer(std::move(answer))
  {
  }
  Result<platforms::Published, PublishError> publish(const platforms::OutPost&) override
  {
    FAIL("a check publishes nothing");
    return unexpected(PublishError{});
  }
  Result<Verified, PublishError> verify() override { return m_answer; }

private:
  Result<Verified, PublishError> m_answer;
};

class ScriptedAdapters : public queue::AdapterSource
{
public:
  Result<platforms::Adapter*> adapter_for(const platforms::AccountConfig& account, size_t) override
  {
    return &adapters.at(account.name);
  }
  platforms::Capabilities capabilities_of(const platforms::AccountConfig&) override { return {}; }
  std::map<std::string, ScriptedAdapter> adapters;
};

} // namespace

TEST_SUITE("app::accounts")
{
  TEST_CASE("accounts check: ok, not checked, or failed with the reason alone")
  {
    calendar::Calendar calendar;
    ScriptedAdapters adapters;
    const auto add = [&](const std::string& name, Result<Verified, PublishError> answer) {
      calendar.accounts[name] = calendar::Account{ name, "p", {}, {}, {}, {}, {} };
      adapters.adapters.emplace(name, ScriptedAdapter(std::move(answer)));
    };
    add("a-ok", Verified{ "@herald" });
    add("b-hook", Verified{ "an incoming webhook cannot be checked without posting to it", false });
    add("c-down",
        unexpected(PublishError{
          PublishError::Kind::maybe_sent, "p: GET https://host/api: Operation timed out", {} }));
    add("d-refused",
        unexpected(PublishError{ PublishError::Kind::auth, "p: GET /api: HTTP 401", {} }));
    add("e-odd",
        unexpected(PublishError{
          PublishError::Kind::permanent, "p: GET /api: the answer is not a webhook", {} }));

    const auto checks = app::verify_accounts(calendar, adapters);
    using Outcome = app::AccountCheck::Outcome;
    REQUIRE(checks.size() == 5);
    CHECK(checks[0].outcome == Outcome::ok);
    CHECK(checks[0].detail == "@herald");
    CHECK(checks[1].outcome == Outcome::not_checked);
    CHECK(app::to_string(checks[1].outcome) == "not checked");
    CHECK(checks[1].detail == "an incoming webhook cannot be checked without posting to it");
    // A check only reads: "maybe-sent" would say something went out.
    CHECK(checks[2].outcome == Outcome::failed);
    CHECK(checks[2].detail == "p: GET https://host/api: Operation timed out");
    CHECK(checks[3].outcome == Outcome::failed);
    CHECK(checks[3].detail == "auth: p: GET /api: HTTP 401");
    CHECK(checks[4].detail == "p: GET /api: the answer is not a webhook");
  }
}
