#include "inbox.hpp"

#include "platforms/conversations.hpp"
#include "util/error.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <set>

namespace herald::engage {

namespace {

using platforms::AccountConfig;
using platforms::ConversationSource;

AccountConfig
config_of(const calendar::Account& account)
{
  return { account.name, account.platform, account.settings, account.base_dir };
}

// The cursor's key: the account's name and where it points, so that an account pointed at
// another instance or handle starts afresh.
std::string
cursor_key(const calendar::Account& account)
{
  return fmt::format("{} {} {} {}", account.name, account.platform,
                     account.settings.value("url", ""), account.settings.value("handle", ""));
}

std::string
describe(const platforms::PublishError& error)
{
  return error.message;
}

// A refusal that asking again will not change (404: deleted; blocked), as opposed to a failure
// of the account or the network, which keeps the cursor where it was.
bool
gone(const platforms::PublishError& error)
{
  return error.kind == platforms::PublishError::Kind::permanent;
}

// Stores one conversation cut from a fresh thread (creating it), and whether it waits for us.
void
save_branch(store::ConversationStore& store, const calendar::Account& account,
            const platforms::Thread& thread, Branch branch,
            const std::vector<platforms::Message>& hits, const Audience& audience, TimePoint now)
{
  Conversation conversation;
  if (auto stored = store.find(account.name, branch.key)) {
    conversation = from_record(*stored);
  } else {
    conversation.id = short_id(account.name, branch.key);
    conversation.account = account.name;
    conversation.platform = account.platform;
    conversation.key = branch.key;
  }
  conversation.root_id = thread.root_id;
  conversation.root_cid = thread.root_cid;
  // What a notification said about a message (a mention the thread view does not show).
  for (auto& m : branch.messages) {
    for (const auto& hit : hits) {
      if (hit.id == m.id) {
        m.addressed.merge(hit.addressed);
      }
    }
  }
  std::set<std::string> known;
  for (const auto& m : conversation.messages) {
    known.insert(m.id);
  }
  merge_thread(conversation, std::move(branch.messages), thread.whole);
  const auto assessment = assess(conversation, audience, now);
  // A message that waits for us and was not there before is news: it ends a done or a snooze,
  // whatever time its author's client wrote on it (the triage mark compares times).
  const bool news =
    std::any_of(assessment.waiting_messages.begin(), assessment.waiting_messages.end(),
                [&](const Message* m) { return !known.contains(m->id); });
  if (news && !known.empty()) {
    conversation.triage = {};
  }
  const bool open = assessment.needs_reply;
  store.put(to_record(conversation, open, now));
}

// Fetches the conversation that starts at `key` (its thread from there down) and stores it.
Result<void, std::string>
refresh(ConversationSource& source, store::ConversationStore& store,
        const calendar::Account& account, const std::string& key,
        const std::vector<platforms::Message>& hits, const Audience& audience, TimePoint now,
        std::set<std::string>& seen)
{
  auto thread = source.thread(key);
  if (!thread) {
    if (!gone(thread.error())) {
      return unexpected(describe(thread.error()));
    }
    // Deleted, or hidden from us: nobody can be answered there any more.
    if (auto stored = store.find(account.name, key)) {
      stored->open = false;
      stored->updated_at = now;
      store.put(*stored);
    }
    return {};
  }
  for (auto& branch : split_thread(*thread, audience)) {
    // The thread view of `key` may show other conversations above it only in part, or beside
    // it (a whole comment tree): only this one is saved, so only its messages count as seen.
    if (branch.key == key) {
      for (const auto& m : branch.messages) {
        seen.insert(m.id);
      }
      save_branch(store, account, *thread, std::move(branch), hits, audience, now);
    }
  }
  return {};
}

Result<void, std::string>
fetch_account(const calendar::Calendar& calendar, const calendar::Account& account,
              ConversationSource& source, store::ConversationStore& store, Audience audience,
              TimePoint now)
{
  auto me = source.whoami();
  if (!me) {
    return unexpected(describe(me.error()));
  }
  if (!me->empty()) {
    audience.ours.insert(normalise_handle(*me));
  }
  const std::string cursor_name = cursor_key(account);
  const std::string cursor = store.cursor(cursor_name).value_or("");
  auto inbox = source.inbox(cursor, now - calendar.engage.lookback);
  if (!inbox) {
    return unexpected(describe(inbox.error()));
  }
  std::set<std::string> seen; // messages of the conversations fetched in this run
  std::set<std::string> keys;
  for (const auto& hit : inbox->messages) {
    if (seen.count(hit.id)) {
      continue;
    }
    // The hit's thread says which conversation it belongs to; that conversation is then read
    // from its own first message down, so that replies beside the hit are in it too.
    auto thread = source.thread(hit.id);
    if (!thread && gone(thread.error())) {
      continue; // deleted since the notification
    }
    if (!thread) {
      return unexpected(describe(thread.error()));
    }
    for (const auto& branch : split_thread(*thread, audience)) {
      const bool has_hit = std::any_of(branch.messages.begin(), branch.messages.end(),
                                       [&](const auto& m) { return m.id == hit.id; });
      if (!has_hit || keys.count(branch.key)) {
        continue;
      }
      keys.insert(branch.key);
      if (branch.key == hit.id) {
        // The hit starts its conversation: its thread view already shows all of it.
        for (const auto& m : branch.messages) {
          seen.insert(m.id);
        }
        save_branch(store, account, *thread, branch, inbox->messages, audience, now);
      } else if (auto done = refresh(source, store, account, branch.key, inbox->messages, audience,
                                     now, seen);
                 !done) {
        return done;
      }
    }
  }
  // Conversations that waited for us: answered on the platform since?
  for (const auto& record : store.list(true)) {
    if (record.account != account.name || keys.count(record.key)) {
      continue;
    }
    if (auto done = refresh(source, store, account, record.key, {}, audience, now, seen); !done) {
      return done;
    }
  }
  // Only now: a failure above leaves the cursor where it was, and the next run asks again.
  store.set_cursor(cursor_name, inbox->cursor, *me, now);
  return {};
}

} // namespace

SourceFactory
registry_sources(const platforms::AdapterContext& context)
{
  return [context](const AccountConfig& account) {
    return platforms::make_conversation_source(account, context);
  };
}

Audience
audience_of(const calendar::Calendar& calendar, store::ConversationStore& store)
{
  Audience audience;
  for (const auto& handle : store.handles()) {
    if (!handle.empty()) {
      audience.ours.insert(normalise_handle(handle));
    }
  }
  for (const auto& handle : calendar.engage.ignore) {
    audience.ignored.insert(normalise_handle(handle));
  }
  audience.ignore_bots = calendar.engage.ignore_bots;
  return audience;
}

std::vector<FetchProblem>
fetch(const calendar::Calendar& calendar, const SourceFactory& sources,
      store::ConversationStore& store, const Clock& clock)
{
  std::vector<FetchProblem> problems;
  const auto audience = audience_of(calendar, store);
  for (const auto& [name, account] : calendar.accounts) {
    std::unique_ptr<ConversationSource> source;
    try {
      auto made = sources(config_of(account));
      if (!made) {
        problems.push_back({ name, made.error() });
        continue;
      }
      source = std::move(*made);
    } catch (const Error& e) {
      problems.push_back({ name, e.what() });
      continue;
    }
    if (!source) {
      continue; // a platform that cannot be read
    }
    try {
      if (auto done = fetch_account(calendar, account, *source, store, audience, clock.now());
          !done) {
        problems.push_back({ name, done.error() });
      }
    } catch (const std::exception& e) {
      // An answer of a shape the source did not expect (a list where an object belongs) is
      // this account's problem: the others are still fetched.
      problems.push_back(
        { name, fmt::format("{}: an answer herald cannot read: {}", account.platform, e.what()) });
    }
  }
  return problems;
}

std::vector<Entry>
waiting(const calendar::Calendar& calendar, store::ConversationStore& store, TimePoint now)
{
  const auto audience = audience_of(calendar, store);
  std::vector<Entry> entries;
  for (const auto& record : store.list(true)) {
    Entry entry{ from_record(record), {} };
    entry.assessment = assess(entry.conversation, audience, now);
    if (!entry.assessment.needs_reply ||
        hidden_by_triage(entry.conversation.triage, entry.assessment, now)) {
      continue;
    }
    entries.push_back(std::move(entry));
  }
  // Moving an Entry moves its messages' buffer with it, so the assessment's pointers stay good.
  rank(entries);
  return entries;
}

Result<Conversation>
find(store::ConversationStore& store, std::string_view id)
{
  const auto found = store.find_by_id(id);
  if (found.empty()) {
    return unexpected(fmt::format("no conversation '{}' (`herald engage` lists them)", id));
  }
  if (found.size() > 1) {
    std::string ids;
    for (const auto& r : found) {
      ids += (ids.empty() ? "" : ", ") + r.id;
    }
    return unexpected(fmt::format("'{}' names several conversations: {}", id, ids));
  }
  return from_record(found.front());
}

void
set_triage(store::ConversationStore& store, const Conversation& conversation, Triage::State state,
           std::optional<TimePoint> until, TimePoint now)
{
  auto record = store.find(conversation.account, conversation.key);
  if (!record) {
    return;
  }
  record->triage = std::string(to_string(state));
  record->triage_until = until;
  record->triage_mark = newest(conversation);
  record->updated_at = now;
  store.put(*record);
}

Result<platforms::Published>
reply(const calendar::Calendar& calendar, const SourceFactory& sources,
      store::ConversationStore& store, const Conversation& conversation, const std::string& text,
      TimePoint now)
{
  const auto account = calendar.accounts.find(conversation.account);
  if (account == calendar.accounts.end()) {
    return unexpected(fmt::format("conversation {} belongs to account '{}', which this calendar "
                                  "does not have",
                                  conversation.id, conversation.account));
  }
  auto made = sources(config_of(account->second));
  if (!made) {
    return unexpected(made.error());
  }
  if (!*made) {
    return unexpected(
      fmt::format("account '{}' ({}) cannot reply", conversation.account, conversation.platform));
  }
  auto& source = **made;
  const auto audience = audience_of(calendar, store);
  const auto assessment = assess(conversation, audience, now);
  const Message* parent = assessment.latest;
  for (auto it = conversation.messages.rbegin(); !parent && it != conversation.messages.rend();
       ++it) {
    if (!it->ours && !audience.ours.count(normalise_handle(it->author))) {
      parent = &*it; // nothing waits: answer the newest message from someone else
    }
  }
  if (!parent) {
    return unexpected(fmt::format("conversation {} has no message to answer", conversation.id));
  }
  if (auto me = source.whoami(); !me) {
    return unexpected(describe(me.error()));
  }
  platforms::ReplyTarget target{ conversation.root_id.empty() ? conversation.key
                                                              : conversation.root_id,
                                 conversation.root_cid,
                                 parent->id,
                                 parent->cid,
                                 parent->visibility,
                                 parent->author };
  auto published = source.reply(target, text);
  if (!published) {
    return unexpected(fmt::format("{}: {}", platforms::to_string(published.error().kind),
                                  describe(published.error())));
  }
  // Our answer is part of the conversation from now on, even before the platform shows it.
  Conversation answered = conversation;
  Message ours;
  ours.id = published->remote_id;
  ours.url = published->url;
  ours.ours = true;
  ours.text = text;
  ours.created_at = std::max(now, parent->created_at + std::chrono::seconds(1));
  ours.in_reply_to = parent->id;
  ours.visibility = parent->visibility;
  answered.messages.push_back(std::move(ours));
  sort_by_reply_tree(answered.messages);
  auto record = store.find(conversation.account, conversation.key);
  auto updated = to_record(answered, assess(answered, audience, now).needs_reply, now);
  if (record) {
    updated.triage = record->triage;
    updated.triage_until = record->triage_until;
    updated.triage_mark = record->triage_mark;
  }
  store.put(updated);
  return *published;
}

store::ConversationRecord
to_record(const Conversation& conversation, bool open, TimePoint now)
{
  store::ConversationRecord r;
  r.id = conversation.id;
  r.account = conversation.account;
  r.platform = conversation.platform;
  r.key = conversation.key;
  r.root_id = conversation.root_id;
  r.root_cid = conversation.root_cid;
  // A message's text comes from a platform: a bad byte becomes U+FFFD instead of an exception
  // that would stop the fetch.
  r.snapshot =
    to_json(conversation.messages).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  r.open = open;
  r.triage = std::string(to_string(conversation.triage.state));
  r.triage_until = conversation.triage.until;
  r.triage_mark = conversation.triage.mark;
  r.updated_at = now;
  return r;
}

Conversation
from_record(const store::ConversationRecord& record)
{
  Conversation c;
  c.id = record.id;
  c.account = record.account;
  c.platform = record.platform;
  c.key = record.key;
  c.root_id = record.root_id;
  c.root_cid = record.root_cid;
  c.messages = messages_from_json(nlohmann::json::parse(record.snapshot, nullptr, false));
  c.triage.state = parse_triage_state(record.triage).value_or(Triage::State::none);
  c.triage.until = record.triage_until;
  c.triage.mark = record.triage_mark;
  return c;
}

} // namespace herald::engage
