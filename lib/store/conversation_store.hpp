#pragma once

#include "schedule/clock.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald::store {

// One conversation of `herald engage` as the state keeps it. The messages are an opaque
// snapshot (JSON written by lib/engage): the store knows nothing of platforms.
struct ConversationRecord
{
  std::string id; // short, unique: what people type
  std::string account;
  std::string platform;
  std::string key;     // the conversation's first message on the platform; unique per account
  std::string root_id; // the whole thread's first message
  std::string root_cid;
  std::string snapshot;
  // Needed a reply at the last fetch: such conversations are checked again on the next one,
  // so that an answer given on the platform takes them off the list.
  bool open = false;
  std::string triage = "none"; // none, done or snoozed
  std::optional<TimePoint> triage_until;
  std::optional<TimePoint> triage_mark;
  TimePoint updated_at{};
};

// The engage inbox's part of the state: conversations, triage, and a fetch cursor per account.
class ConversationStore
{
public:
  virtual ~ConversationStore() = default;
  // The cursor the last fetch of `account` left, if any.
  virtual std::optional<std::string> cursor(std::string_view account) = 0;
  // Records the cursor and who the account is (its handle) after a fetch.
  virtual void set_cursor(std::string_view account, std::string_view cursor,
                          std::string_view handle, TimePoint at) = 0;
  // Every account's handle, as the last fetches found them.
  virtual std::vector<std::string> handles() = 0;
  virtual std::optional<ConversationRecord> find(std::string_view account,
                                                 std::string_view key) = 0;
  // Conversations whose id starts with `prefix`.
  virtual std::vector<ConversationRecord> find_by_id(std::string_view prefix) = 0;
  // Every conversation, or only the open ones, by id.
  virtual std::vector<ConversationRecord> list(bool open_only) = 0;
  // Inserts or replaces the conversation (by id).
  virtual void put(const ConversationRecord& record) = 0;
};

// The SQLite implementation on the state file at `path`: its own connection, opened after
// open_sqlite_store() has created or migrated the schema. Throws herald::Error (status `state`).
std::unique_ptr<ConversationStore> open_sqlite_conversation_store(
  const std::filesystem::path& path);

} // namespace herald::store
