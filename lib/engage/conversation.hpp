#pragma once

#include "platforms/conversations.hpp"
#include "schedule/clock.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

// The engage inbox's rules, free of any platform or store: which conversations wait for a human
// answer, why, in what order, and what triage hides.
namespace herald::engage {

using platforms::Message;

// What a person decided about a conversation (`herald engage done` / `snooze`).
struct Triage
{
  enum class State
  {
    none,
    done,
    snoozed,
  };
  State state = State::none;
  std::optional<TimePoint> until; // snoozed: when it comes back
  // The newest message when the decision was made: a newer one from someone else brings the
  // conversation back.
  std::optional<TimePoint> mark;
};

std::string_view to_string(Triage::State state);
std::optional<Triage::State> parse_triage_state(std::string_view text);

// One thread (or direct-message conversation) of one account.
struct Conversation
{
  std::string id; // short and stable: what people type (short_id())
  std::string account;
  std::string platform;
  // The first message of the conversation: a reply to one of our posts starts a conversation of
  // its own (each person who answers a post is one conversation); in a thread someone else
  // started, it is that thread's first message.
  std::string key;
  std::string root_id; // the whole thread's first message (Bluesky replies name it)
  std::string root_cid;
  std::vector<Message> messages; // in reply_order()
  Triage triage;
};

// The id people type: 6 hex digits of a hash of the account and the thread's root.
std::string short_id(std::string_view account, std::string_view key);

// Who counts as "us", and whose messages never need an answer.
struct Audience
{
  std::set<std::string> ours;    // our accounts' handles, lower case, without a leading '@'
  std::set<std::string> ignored; // `engage: ignore:` handles, lower case, without '@'
  bool ignore_bots = true;
};

// A handle as compared: lower case, without a leading '@'.
std::string normalise_handle(std::string_view handle);

enum class Reason
{
  dm,
  question,
  reply,
  mention,
};

// Whether and why a conversation waits for us.
struct Assessment
{
  bool needs_reply = false;
  Reason reason = Reason::mention;
  std::string reason_text;         // "DM", "question", "reply to your post \"...\"", "mention"
  const Message* first = nullptr;  // the oldest message waiting for an answer
  const Message* latest = nullptr; // the newest one: a reply answers it
  std::vector<const Message*> waiting_messages; // every one that waits, first to latest
  std::chrono::seconds waiting{ 0 };
};

// The order a conversation went in: every message after the one it answers (the reply tree),
// and only between messages of different branches by their time; on a tie of times our
// message comes first, so that a stranger's message in the same second is never taken as
// answered. Times alone cannot be trusted: Bluesky's `createdAt` is set by each client, so a
// reply may carry an earlier time than the post it answers. Returns indices into `messages`.
std::vector<size_t> reply_order(const std::vector<Message>& messages,
                                const std::function<bool(const Message&)>& is_ours);

// Sorts messages into reply_order(), with `Message::ours` saying whose they are.
void sort_by_reply_tree(std::vector<Message>& messages);

// The rules (herald(1) repeats them): a conversation needs a reply when, after the last message
// from any of our accounts (in reply_order()), someone else (not ignored, not a bot) wrote a
// message addressed to us: a reply to our post, a mention, a direct message, or a quote of our
// post that asks a question. The reason is DM, else question (a '?' outside links), else the
// reply, else mention.
Assessment assess(const Conversation& conversation, const Audience& audience, TimePoint now);

// Whether triage hides the conversation now: done, or snoozed until later, and nothing newer
// than the decision is waiting.
bool hidden_by_triage(const Triage& triage, const Assessment& assessment, TimePoint now);

// A conversation to show, with its assessment.
struct Entry
{
  Conversation conversation;
  Assessment assessment;
};

// Direct messages and questions first, then whoever has waited longest, then by id.
void rank(std::vector<Entry>& entries);

// Whether `text` asks something: a question mark outside links.
bool is_question(std::string_view text);

// The first `max` characters of `text` on one line (white space runs become one space), with
// "..." when cut; never cuts a UTF-8 sequence.
std::string excerpt(std::string_view text, size_t max);

// The newest message's time (the triage mark).
std::optional<TimePoint> newest(const Conversation& conversation);

// The messages as kept in the state.
nlohmann::json to_json(const std::vector<Message>& messages);
std::vector<Message> messages_from_json(const nlohmann::json& json);

// One conversation cut out of a thread (split_thread()).
struct Branch
{
  std::string key;
  std::vector<Message> messages; // in reply_order(); our post that it answers comes first
};

// Cuts a thread into conversations: a thread that one of our posts starts is one conversation
// per reply to that post (with everything below it); any other thread is one conversation.
// Our post alone, with no reply, is none. A thread that is not whole is one conversation, named
// by its root_id.
std::vector<Branch> split_thread(const platforms::Thread& thread, const Audience& audience);

// Replaces a conversation's messages with a fresh copy of its thread (or, when `whole` is false,
// adds the fresh ones to them), keeping what the old copy knew about how each message reached
// us (a notification says it once).
void merge_thread(Conversation& conversation, std::vector<Message> fresh, bool whole = true);

} // namespace herald::engage
