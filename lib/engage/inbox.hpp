#pragma once

#include "conversation.hpp"

#include "calendar/model.hpp"
#include "platforms/context.hpp"
#include "store/conversation_store.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

// `herald engage`: fetching every account's conversations into the state, listing those that
// wait for us, triage, and replies.
namespace herald::engage {

// Builds an account's conversation source (nullptr: its platform has none). Tests substitute it.
using SourceFactory = std::function<Result<std::unique_ptr<platforms::ConversationSource>>(
  const platforms::AccountConfig& account)>;

// The production factory: platforms::make_conversation_source() with `context`.
SourceFactory registry_sources(const platforms::AdapterContext& context);

struct FetchProblem
{
  std::string account;
  std::string message;
};

// Fetches what is new for every account that can be read: the inbox after the account's cursor
// (the first time: `calendar.engage.lookback` back from now), each new message's thread, and
// again every conversation that waited for an answer at the last fetch (so one answered on the
// platform leaves the list). One account's failure is reported and the others go on.
std::vector<FetchProblem> fetch(const calendar::Calendar& calendar, const SourceFactory& sources,
                                store::ConversationStore& store, const Clock& clock);

// Our accounts' handles (from the last fetch) and the calendar's ignore list.
Audience audience_of(const calendar::Calendar& calendar, store::ConversationStore& store);

// The conversations that wait for us now, ranked (rank()), triage applied.
std::vector<Entry> waiting(const calendar::Calendar& calendar, store::ConversationStore& store,
                           TimePoint now);

// The conversation `id` (a unique prefix of an id), or an error saying that none or several
// match.
Result<Conversation> find(store::ConversationStore& store, std::string_view id);

// Triage: marks the conversation done, or snoozed until `until`, as of its newest message.
void set_triage(store::ConversationStore& store, const Conversation& conversation,
                Triage::State state, std::optional<TimePoint> until, TimePoint now);

// Posts `text` as a reply to the newest message waiting in the conversation (else its newest
// message from someone else), in its thread, and records it as our answer. The error says
// what failed.
Result<platforms::Published> reply(const calendar::Calendar& calendar, const SourceFactory& sources,
                                   store::ConversationStore& store,
                                   const Conversation& conversation, const std::string& text,
                                   TimePoint now);

// The state's record of a conversation, and back.
store::ConversationRecord to_record(const Conversation& conversation, bool open, TimePoint now);
Conversation from_record(const store::ConversationRecord& record);

} // namespace herald::engage
