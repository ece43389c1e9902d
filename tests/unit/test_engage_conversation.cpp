#include "engage/conversation.hpp"

#include "platforms/conversations.hpp"
#include "schedule/zone.hpp"

#include <doctest/doctest.h>

using namespace herald;
using namespace herald::engage;
using namespace std::chrono_literals;

namespace {

TimePoint
t(const char* text)
{
  return *parse_rfc3339(text);
}

Message
msg(std::string id, std::string author, const char* at, std::string text, std::string parent = "")
{
  Message m;
  m.id = std::move(id);
  m.author = std::move(author);
  m.created_at = t(at);
  m.text = std::move(text);
  m.in_reply_to = std::move(parent);
  m.url = "https://example.social/" + m.id;
  return m;
}

Message
ours(std::string id, const char* at, std::string text, std::string parent = "")
{
  auto m = msg(std::move(id), "herald@example.social", at, std::move(text), std::move(parent));
  m.ours = true;
  return m;
}

Message
reply_to_us(std::string id, std::string author, const char* at, std::string text,
            std::string parent)
{
  auto m = msg(std::move(id), std::move(author), at, std::move(text), std::move(parent));
  m.addressed.reply = true;
  return m;
}

Conversation
conv(std::string id, std::vector<Message> messages)
{
  Conversation c;
  c.id = std::move(id);
  c.account = "masto";
  c.platform = "mastodon";
  c.key = messages.empty() ? "" : messages.front().id;
  c.messages = std::move(messages);
  return c;
}

const TimePoint k_now = t("2026-12-03T12:00:00Z");

} // namespace

TEST_SUITE("engage::rules")
{
  TEST_CASE("a reply to our post waits; our answer after it settles it")
  {
    auto c = conv("a", { ours("1", "2026-12-01T09:00:00Z", "herald 2.0 is out"),
                         reply_to_us("2", "ada@x", "2026-12-02T10:00:00Z", "Thanks!", "1") });
    auto a = assess(c, {}, k_now);
    CHECK(a.needs_reply);
    CHECK(a.reason == Reason::reply);
    CHECK(a.reason_text == "reply to your post \"herald 2.0 is out\"");
    CHECK(a.waiting == 26h);
    REQUIRE(a.latest);
    CHECK(a.latest->id == "2");

    c.messages.push_back(ours("3", "2026-12-02T11:00:00Z", "You're welcome", "2"));
    CHECK_FALSE(assess(c, {}, k_now).needs_reply);

    SUBCASE("they write again after our answer")
    {
      c.messages.push_back(
        reply_to_us("4", "ada@x", "2026-12-03T09:00:00Z", "@herald One more: BSD?", "3"));
      a = assess(c, {}, k_now);
      CHECK(a.needs_reply);
      CHECK(a.reason == Reason::question);
      CHECK(a.waiting == 3h);
    }
  }

  TEST_CASE("a reply comes after what it answers, whatever time its client wrote on it")
  {
    // Bluesky's createdAt is the client's: our post made with a clock ahead (or --now), and a
    // question under it that carries an earlier time than the post.
    auto c = conv("a", { ours("1", "2026-12-02T10:00:05Z", "herald 2.0 is out"),
                         reply_to_us("2", "ada@x", "2026-12-02T10:00:00Z", "BSD?", "1") });
    auto a = assess(c, {}, k_now);
    CHECK(a.needs_reply);
    CHECK(a.reason == Reason::question);
    REQUIRE(a.first);
    CHECK(a.first->id == "2");

    SUBCASE("in the same second")
    {
      c.messages[0].created_at = c.messages[1].created_at;
      CHECK(assess(c, {}, k_now).needs_reply);
    }
    SUBCASE("our answer with a clock behind theirs still answers it")
    {
      c.messages.push_back(ours("3", "2026-12-02T09:59:00Z", "Yes", "2"));
      CHECK_FALSE(assess(c, {}, k_now).needs_reply);
    }
  }

  TEST_CASE("between branches, times decide, and a stranger's message on a tie waits")
  {
    // Our answer to one reply; another reply to our post, in another branch.
    auto c = conv("a", { ours("1", "2026-12-02T09:00:00Z", "herald 2.0 is out"),
                         reply_to_us("2", "ada@x", "2026-12-02T10:00:00Z", "Thanks", "1"),
                         ours("3", "2026-12-02T10:05:00Z", "You're welcome", "2"),
                         reply_to_us("4", "bob@x", "2026-12-02T10:04:00Z", "Nice", "1") });
    CHECK_FALSE(assess(c, {}, k_now).needs_reply); // bob wrote before our last answer
    c.messages[3].created_at = t("2026-12-02T10:05:00Z");
    auto a = assess(c, {}, k_now);
    CHECK(a.needs_reply);
    REQUIRE(a.latest);
    CHECK(a.latest->id == "4");
    c.messages[3].created_at = t("2026-12-02T10:06:00Z");
    CHECK(assess(c, {}, k_now).needs_reply);
  }

  TEST_CASE("reply order: parents first, siblings by time, a damaged cycle loses nothing")
  {
    std::vector<Message> messages = { reply_to_us("3", "bob@x", "2026-12-02T08:00:00Z", "b", "2"),
                                      reply_to_us("2", "ada@x", "2026-12-02T07:00:00Z", "a", "1"),
                                      ours("1", "2026-12-02T09:00:00Z", "post"),
                                      reply_to_us("4", "cy@x", "2026-12-02T07:30:00Z", "c", "1") };
    sort_by_reply_tree(messages);
    std::vector<std::string> ids;
    for (const auto& m : messages) {
      ids.push_back(m.id);
    }
    CHECK(ids == std::vector<std::string>{ "1", "2", "4", "3" });

    std::vector<Message> cycle = { msg("a", "x", "2026-12-02T08:00:00Z", "a", "b"),
                                   msg("b", "y", "2026-12-02T07:00:00Z", "b", "a") };
    const auto order = reply_order(cycle, [](const Message&) { return false; });
    CHECK(order == std::vector<size_t>{ 1, 0 });
  }

  TEST_CASE("our other accounts' answers count as ours")
  {
    auto c = conv("a", { reply_to_us("2", "ada@x", "2026-12-02T10:00:00Z", "Hi?", "1"),
                         msg("3", "herald.bsky.social", "2026-12-02T11:00:00Z", "Hello", "2") });
    CHECK(assess(c, {}, k_now).needs_reply);
    Audience audience;
    audience.ours.insert(normalise_handle("@Herald.bsky.social"));
    CHECK_FALSE(assess(c, audience, k_now).needs_reply);
  }

  TEST_CASE("what is not addressed to us, from bots or ignored authors, waits for nobody")
  {
    auto chatter = msg("2", "ada@x", "2026-12-02T10:00:00Z", "anyone around?");
    CHECK_FALSE(assess(conv("a", { chatter }), {}, k_now).needs_reply);

    auto quote = msg("3", "cat@x", "2026-12-02T10:00:00Z", "Neat launch");
    quote.addressed.quote = true;
    CHECK_FALSE(assess(conv("q", { quote }), {}, k_now).needs_reply);
    quote.text = "Does it do threads?";
    CHECK(assess(conv("q", { quote }), {}, k_now).reason_text == "question");

    auto bot = msg("4", "newsbot@x", "2026-12-02T10:00:00Z", "@herald new release?");
    bot.addressed.mention = true;
    bot.bot = true;
    CHECK_FALSE(assess(conv("b", { bot }), {}, k_now).needs_reply);
    Audience with_bots;
    with_bots.ignore_bots = false;
    CHECK(assess(conv("b", { bot }), with_bots, k_now).needs_reply);

    auto spam = msg("5", "Spammer@X", "2026-12-02T10:00:00Z", "@herald buy followers");
    spam.addressed.mention = true;
    Audience ignoring;
    ignoring.ignored.insert(normalise_handle("@spammer@x"));
    CHECK(assess(conv("s", { spam }), {}, k_now).reason_text == "mention");
    CHECK_FALSE(assess(conv("s", { spam }), ignoring, k_now).needs_reply);
  }

  TEST_CASE("reasons: DM before question before reply before mention")
  {
    auto dm = msg("1", "erin@x", "2026-12-03T11:00:00Z", "let us talk?");
    dm.addressed.direct = true;
    dm.addressed.mention = true;
    CHECK(assess(conv("d", { dm }), {}, k_now).reason_text == "DM");
    auto mention = msg("2", "eve@x", "2026-12-03T11:00:00Z", "@herald nice");
    mention.addressed.mention = true;
    CHECK(assess(conv("m", { mention }), {}, k_now).reason_text == "mention");
  }

  TEST_CASE("a question mark inside a link is no question")
  {
    CHECK(is_question("Does it run on BSD?"));
    CHECK(is_question("Marche-t-il \xEF\xBC\x9F"));
    CHECK_FALSE(is_question("see https://example.org/docs?page=2 for more"));
    CHECK_FALSE(is_question("Thanks!"));
  }

  TEST_CASE("excerpts are one line and cut on a character")
  {
    CHECK(excerpt("one\n\ntwo   three", 80) == "one two three");
    CHECK(excerpt("abcdef", 3) == "abc...");
    CHECK(excerpt("\xC3\xA9t\xC3\xA9 long", 3) == "\xC3\xA9t\xC3\xA9...");
  }

  TEST_CASE("ranking: DMs and questions first, then the longest wait, then the id")
  {
    const auto entry = [](std::string id, Reason reason, std::chrono::seconds waiting) {
      Entry e;
      e.conversation.id = std::move(id);
      e.assessment.reason = reason;
      e.assessment.waiting = waiting;
      return e;
    };
    std::vector<Entry> entries{ entry("a", Reason::reply, 48h), entry("b", Reason::dm, 1h),
                                entry("c", Reason::question, 26h), entry("d", Reason::mention, 3h),
                                entry("e", Reason::mention, 3h) };
    rank(entries);
    std::vector<std::string> ids;
    for (const auto& e : entries) {
      ids.push_back(e.conversation.id);
    }
    CHECK(ids == std::vector<std::string>{ "c", "b", "a", "d", "e" });
  }

  TEST_CASE("triage: done until news, snoozed until the time or news")
  {
    auto c = conv("a", { reply_to_us("2", "ada@x", "2026-12-02T10:00:00Z", "Thanks", "1") });
    auto a = assess(c, {}, k_now);
    Triage done{ Triage::State::done, std::nullopt, newest(c) };
    CHECK(hidden_by_triage(done, a, k_now));
    CHECK(hidden_by_triage(done, a, k_now + 1000h));
    Triage snoozed{ Triage::State::snoozed, k_now + 4h, newest(c) };
    CHECK(hidden_by_triage(snoozed, a, k_now + 3h));
    CHECK_FALSE(hidden_by_triage(snoozed, a, k_now + 4h));
    CHECK_FALSE(hidden_by_triage({}, a, k_now));

    c.messages.push_back(reply_to_us("3", "ada@x", "2026-12-03T11:00:00Z", "hello?", "1"));
    a = assess(c, {}, k_now);
    CHECK_FALSE(hidden_by_triage(done, a, k_now));
    CHECK_FALSE(hidden_by_triage(snoozed, a, k_now));
  }

  TEST_CASE("short ids are stable hex")
  {
    CHECK(short_id("masto", "109") == short_id("masto", "109"));
    CHECK(short_id("masto", "109") != short_id("masto", "110"));
    CHECK(short_id("masto", "109").size() == 6);
    // Ids that differ only in their last digit still differ at once.
    CHECK(short_id("masto", "1001").substr(0, 3) != short_id("masto", "1002").substr(0, 3));
  }
}

TEST_SUITE("engage::grouping")
{
  TEST_CASE("each reply to our post is a conversation of its own, with its replies")
  {
    platforms::Thread thread;
    thread.root_id = "1";
    thread.messages = { ours("1", "2026-12-01T09:00:00Z", "launch"),
                        reply_to_us("2", "ada@x", "2026-12-01T10:00:00Z", "q?", "1"),
                        reply_to_us("3", "bob@x", "2026-12-01T11:00:00Z", "thanks", "1"),
                        ours("4", "2026-12-01T12:00:00Z", "answer", "2"),
                        reply_to_us("5", "ada@x", "2026-12-01T13:00:00Z", "ok", "4") };
    const auto branches = split_thread(thread, {});
    REQUIRE(branches.size() == 2);
    CHECK(branches[0].key == "2");
    std::vector<std::string> ids;
    for (const auto& m : branches[0].messages) {
      ids.push_back(m.id);
    }
    CHECK(ids == std::vector<std::string>{ "1", "2", "4", "5" });
    CHECK(branches[1].key == "3");
    CHECK(branches[1].messages.size() == 2);
  }

  TEST_CASE("a thread someone else started is one conversation; our post alone is none")
  {
    platforms::Thread thread;
    thread.messages = { msg("1", "erin@x", "2026-12-01T09:00:00Z", "dm"),
                        ours("2", "2026-12-01T10:00:00Z", "reply", "1"),
                        msg("3", "erin@x", "2026-12-01T11:00:00Z", "again", "2") };
    const auto branches = split_thread(thread, {});
    REQUIRE(branches.size() == 1);
    CHECK(branches[0].key == "1");
    CHECK(branches[0].messages.size() == 3);

    platforms::Thread alone;
    alone.messages = { ours("9", "2026-12-01T09:00:00Z", "just us") };
    CHECK(split_thread(alone, {}).empty());
  }

  TEST_CASE("a fresh thread keeps what notifications said, and our unseen answer")
  {
    auto c = conv("a", { reply_to_us("2", "ada@x", "2026-12-02T10:00:00Z", "hi", "1"),
                         ours("9", "2026-12-02T11:00:00Z", "sent from herald", "2") });
    c.messages[0].addressed.mention = true;
    merge_thread(c, { msg("2", "ada@x", "2026-12-02T10:00:00Z", "hi", "1") });
    REQUIRE(c.messages.size() == 2);
    CHECK(c.messages[0].addressed.mention);
    CHECK(c.messages[1].id == "9");
  }

  TEST_CASE("messages survive the state's JSON")
  {
    auto m = reply_to_us("2", "ada@x", "2026-12-02T10:00:00Z", "hi", "1");
    m.addressed.direct = true;
    m.visibility = "direct";
    m.cid = "bafy";
    const auto back = messages_from_json(nlohmann::json::parse(to_json({ m }).dump()));
    REQUIRE(back.size() == 1);
    CHECK(back[0].id == "2");
    CHECK(back[0].cid == "bafy");
    CHECK(back[0].created_at == m.created_at);
    CHECK(back[0].addressed.reply);
    CHECK(back[0].addressed.direct);
    CHECK(back[0].visibility == "direct");
  }
}

TEST_SUITE("platforms::conversations")
{
  TEST_CASE("Mastodon HTML becomes text")
  {
    CHECK(platforms::text_of_html("<p><span class=\"h-card\"><a href=\"x\">@<span>herald</span>"
                                  "</a></span> Does it run on BSD?</p>") ==
          "@herald Does it run on BSD?");
    CHECK(platforms::text_of_html("<p>a &amp; b<br>c</p><p>d &lt;3 &#39;e&#39;</p>") ==
          "a & b\nc\n\nd <3 'e'");
  }
}
