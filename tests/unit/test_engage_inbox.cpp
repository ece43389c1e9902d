#include "engage/inbox.hpp"
#include "testutil.hpp"

#include "schedule/zone.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>

using namespace herald;
using namespace herald::engage;
using platforms::PublishError;

namespace {

TimePoint
t(const char* text)
{
  return *parse_rfc3339(text);
}

Message
msg(std::string id, std::string author, const char* at, std::string text, std::string parent = "",
    bool ours = false)
{
  Message m;
  m.id = std::move(id);
  m.author = std::move(author);
  m.created_at = t(at);
  m.text = std::move(text);
  m.in_reply_to = std::move(parent);
  m.ours = ours;
  m.addressed.reply = !ours && !m.in_reply_to.empty();
  m.url = "https://x/" + m.id;
  return m;
}

// A platform as the tests script it: what the inbox holds and what each thread shows.
struct Platform
{
  std::vector<std::pair<std::string, TimePoint>> inbox_calls; // cursor, since
  std::vector<std::string> thread_calls;
  std::vector<platforms::ReplyTarget> replies;
  platforms::Inbox inbox;
  std::map<std::string, platforms::Thread> threads;
  std::map<std::string, PublishError::Kind> failing; // thread id -> error kind
  bool throws = false; // thread() throws, as a source surprised by an answer's shape would
};

class FakeSource : public platforms::ConversationSource
{
public:
  explicit FakeSource(Platform& platform)
    : m_platform(platform)
  {
  }
  Result<std::string, PublishError> whoami() override { return std::string("herald@x"); }
  Result<platforms::Inbox, PublishError> inbox(const std::string& cursor, TimePoint since) override
  {
    m_platform.inbox_calls.emplace_back(cursor, since);
    return m_platform.inbox;
  }
  Result<platforms::Thread, PublishError> thread(const std::string& id) override
  {
    m_platform.thread_calls.push_back(id);
    if (m_platform.throws) {
      throw std::runtime_error("cannot use value() with array");
    }
    if (const auto it = m_platform.failing.find(id); it != m_platform.failing.end()) {
      return unexpected(PublishError{ it->second, "thread " + id + " failed", {} });
    }
    return m_platform.threads.at(id);
  }
  Result<platforms::Published, PublishError> reply(const platforms::ReplyTarget& target,
                                                   const std::string& /*text*/) override
  {
    m_platform.replies.push_back(target);
    return platforms::Published{ "r1", "https://x/r1" };
  }

private:
  Platform& m_platform;
};

struct Fixture
{
  Fixture()
    : store(store::open_sqlite_conversation_store(dir.path() / "state.db"))
  {
    calendar::Account account;
    account.name = "masto";
    account.platform = "mastodon";
    calendar.accounts.emplace("masto", account);
    calendar.engage.lookback = std::chrono::hours(36);
    sources = [this](const platforms::AccountConfig&) {
      return Result<std::unique_ptr<platforms::ConversationSource>>(
        std::make_unique<FakeSource>(platform));
    };
    // Our post, a question under it, and a thank-you under it: two conversations.
    platform.threads["2"] = { "1",
                              "",
                              { msg("1", "herald@x", "2026-12-01T09:00:00Z", "launch", "", true),
                                msg("2", "ada@y", "2026-12-02T10:00:00Z", "BSD?", "1") } };
    platform.threads["3"] = { "1",
                              "",
                              { msg("1", "herald@x", "2026-12-01T09:00:00Z", "launch", "", true),
                                msg("3", "bob@y", "2026-12-03T08:00:00Z", "thanks", "1") } };
    platform.inbox.messages = { platform.threads["2"].messages[1],
                                platform.threads["3"].messages[1] };
    platform.inbox.cursor = "c1";
  }

  std::vector<std::string> authors(TimePoint now)
  {
    std::vector<std::string> out;
    for (const auto& e : waiting(calendar, *store, now)) {
      out.push_back(e.assessment.latest->author);
    }
    return out;
  }

  test::TestDir dir;
  std::unique_ptr<store::ConversationStore> store;
  calendar::Calendar calendar;
  Platform platform;
  SourceFactory sources;
  FixedClock clock{ t("2026-12-03T12:00:00Z") };
};

} // namespace

TEST_SUITE("engage::fetch")
{
  TEST_CASE("the first fetch looks back; the next one starts at the cursor")
  {
    Fixture f;
    CHECK(fetch(f.calendar, f.sources, *f.store, f.clock).empty());
    REQUIRE(f.platform.inbox_calls.size() == 1);
    CHECK(f.platform.inbox_calls[0].first == "");
    CHECK(f.platform.inbox_calls[0].second == t("2026-12-02T00:00:00Z"));
    CHECK(f.authors(f.clock.now()) == std::vector<std::string>{ "ada@y", "bob@y" });

    f.platform.inbox.messages.clear();
    f.platform.inbox.cursor = "c1";
    CHECK(fetch(f.calendar, f.sources, *f.store, f.clock).empty());
    CHECK(f.platform.inbox_calls[1].first == "c1");
  }

  TEST_CASE("an answer given on the platform closes the conversation at the next fetch")
  {
    Fixture f;
    fetch(f.calendar, f.sources, *f.store, f.clock);
    f.platform.inbox.messages.clear();
    f.platform.threads["2"].messages.push_back(
      msg("4", "herald@x", "2026-12-03T11:00:00Z", "yes", "2", true));
    f.platform.thread_calls.clear();
    fetch(f.calendar, f.sources, *f.store, f.clock);
    // Both open conversations were read again, and ada's is answered.
    CHECK(f.platform.thread_calls == std::vector<std::string>{ "2", "3" });
    CHECK(f.authors(f.clock.now()) == std::vector<std::string>{ "bob@y" });
    // A closed conversation is not read again.
    f.platform.thread_calls.clear();
    fetch(f.calendar, f.sources, *f.store, f.clock);
    CHECK(f.platform.thread_calls == std::vector<std::string>{ "3" });
  }

  TEST_CASE("a failing account keeps its cursor; a deleted conversation just closes")
  {
    Fixture f;
    f.platform.failing["3"] = PublishError::Kind::not_sent;
    const auto problems = fetch(f.calendar, f.sources, *f.store, f.clock);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].account == "masto");
    CHECK(problems[0].message == "thread 3 failed");
    fetch(f.calendar, f.sources, *f.store, f.clock);
    CHECK(f.platform.inbox_calls[1].first == ""); // asked again from the start

    f.platform.failing.clear();
    CHECK(fetch(f.calendar, f.sources, *f.store, f.clock).empty());
    f.platform.failing["2"] = PublishError::Kind::permanent;
    f.platform.inbox.messages.clear();
    CHECK(fetch(f.calendar, f.sources, *f.store, f.clock).empty());
    CHECK(f.authors(f.clock.now()) == std::vector<std::string>{ "bob@y" });
  }

  TEST_CASE("a source that throws is that account's problem; the next account is fetched")
  {
    Fixture f;
    Platform broken;
    broken.inbox = f.platform.inbox;
    broken.throws = true;
    calendar::Account first;
    first.name = "a-broken";
    first.platform = "mastodon";
    f.calendar.accounts.emplace(first.name, first);
    f.sources = [&](const platforms::AccountConfig& account) {
      return Result<std::unique_ptr<platforms::ConversationSource>>(
        std::make_unique<FakeSource>(account.name == "a-broken" ? broken : f.platform));
    };
    const auto problems = fetch(f.calendar, f.sources, *f.store, f.clock);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].account == "a-broken");
    CHECK(problems[0].message ==
          "mastodon: an answer herald cannot read: cannot use value() with array");
    auto authors = f.authors(f.clock.now());
    std::sort(authors.begin(), authors.end());
    CHECK(authors == std::vector<std::string>{ "ada@y", "bob@y" });
  }

  TEST_CASE("a message that is not UTF-8 is kept with U+FFFD, not a failed fetch")
  {
    Fixture f;
    f.platform.threads["2"].messages[1].text = "BSD\xFF?";
    f.platform.threads["2"].messages[1].author = "ada\xC3@y";
    CHECK(fetch(f.calendar, f.sources, *f.store, f.clock).empty());
    std::vector<std::string> texts;
    for (const auto& e : waiting(f.calendar, *f.store, f.clock.now())) {
      texts.push_back(e.assessment.latest->author + ": " + e.assessment.latest->text);
    }
    std::sort(texts.begin(), texts.end());
    CHECK(texts == std::vector<std::string>{ "ada\uFFFD@y: BSD\uFFFD?", "bob@y: thanks" });
  }

  TEST_CASE("a reply goes to the newest waiting message and closes the conversation")
  {
    Fixture f;
    fetch(f.calendar, f.sources, *f.store, f.clock);
    auto ada = find(*f.store, short_id("masto", "2"));
    REQUIRE(ada);
    auto sent = reply(f.calendar, f.sources, *f.store, *ada, "Yes", f.clock.now());
    REQUIRE(sent);
    CHECK(sent->url == "https://x/r1");
    REQUIRE(f.platform.replies.size() == 1);
    CHECK(f.platform.replies[0].root_id == "1");
    CHECK(f.platform.replies[0].parent_id == "2");
    CHECK(f.platform.replies[0].mention == "ada@y");
    CHECK(f.authors(f.clock.now()) == std::vector<std::string>{ "bob@y" });
    CHECK_FALSE(find(*f.store, "zzz"));
  }

  TEST_CASE("done hides until someone writes again")
  {
    Fixture f;
    fetch(f.calendar, f.sources, *f.store, f.clock);
    auto bob = find(*f.store, short_id("masto", "3"));
    REQUIRE(bob);
    set_triage(*f.store, *bob, Triage::State::done, std::nullopt, f.clock.now());
    CHECK(f.authors(f.clock.now()) == std::vector<std::string>{ "ada@y" });
    f.platform.threads["3"].messages.push_back(
      msg("5", "bob@y", "2026-12-03T11:30:00Z", "one more", "3"));
    f.platform.inbox.messages = { f.platform.threads["3"].messages.back() };
    f.platform.threads["5"] = f.platform.threads["3"]; // the thread as seen from the new message
    fetch(f.calendar, f.sources, *f.store, f.clock);
    CHECK(f.authors(f.clock.now()) == std::vector<std::string>{ "ada@y", "bob@y" });
  }

  TEST_CASE("done ends when someone writes again, even with an earlier time on the message")
  {
    Fixture f;
    fetch(f.calendar, f.sources, *f.store, f.clock);
    auto bob = find(*f.store, short_id("masto", "3"));
    REQUIRE(bob);
    set_triage(*f.store, *bob, Triage::State::done, std::nullopt, f.clock.now());
    CHECK(f.authors(f.clock.now()) == std::vector<std::string>{ "ada@y" });
    // Bob's client clock is a day behind: his new message carries a time before the mark.
    f.platform.threads["3"].messages.push_back(
      msg("5", "bob@y", "2026-12-02T11:30:00Z", "one more", "3"));
    f.platform.inbox.messages = { f.platform.threads["3"].messages.back() };
    f.platform.threads["5"] = f.platform.threads["3"];
    fetch(f.calendar, f.sources, *f.store, f.clock);
    CHECK(f.authors(f.clock.now()) == std::vector<std::string>{ "ada@y", "bob@y" });
  }
}
