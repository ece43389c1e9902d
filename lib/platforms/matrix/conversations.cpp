// Matrix conversations for `herald engage` (platforms.md section 11, "Engage inbox"): the
// messages in the account's room that mention it or answer one of its events, since the last
// run. The room's timeline is read with GET /rooms/{roomId}/messages: the first time back from
// now (dir=b) to the lookback, then forward (dir=f) from the token the previous run stopped at,
// kept as the engage cursor. A thread is a thread root and its m.thread relations (GET
// /_matrix/client/v1/rooms/{roomId}/relations/{eventId}/m.thread); a plain reply chain is its
// parents, read one by one (GET /rooms/{roomId}/event/{eventId}), and the replies to them seen
// in this run's pages. An answer goes in the thread of the message it answers, else as a plain
// reply to it, under a fresh transaction id.
#include "platforms/conversations.hpp"

#include "http/ascii.hpp"

#include "platforms/matrix/matrix.hpp"
#include "platforms/registry_entries.hpp"

#include <fmt/core.h>

#include <map>
#include <random>
#include <set>

namespace herald::platforms {

namespace {

constexpr size_t k_page_size = 100;
// Pages read per fetch: a busy room's backlog is read over several runs (the cursor is where a
// fetch stopped), and a first fetch reads this far back at most.
constexpr int k_max_pages = 10;
// Parents read up a plain reply chain.
constexpr int k_max_depth = 20;

class MatrixConversations : public ConversationSource
{
public:
  MatrixConversations(const AccountConfig& account, const AdapterContext& context)
    : m_client(account, context)
  {
  }

  Result<std::string, PublishError> whoami() override { return m_client.user_id(); }

  Result<Inbox, PublishError> inbox(const std::string& cursor, TimePoint since) override
  {
    auto me = m_client.user_id();
    if (!me) {
      return unexpected(std::move(me.error()));
    }
    auto room = m_client.room_id();
    if (!room) {
      return unexpected(std::move(room.error()));
    }
    const std::string base = fmt::format("{}/rooms/{}/messages?limit={}", matrix::k_client,
                                         http::ascii::percent_encode(*room), k_page_size);
    constexpr std::string_view what = "matrix: GET /_matrix/client/v3/rooms/{roomId}/messages";
    Inbox inbox;
    inbox.cursor = cursor;
    std::vector<nlohmann::json> events;
    bool back = cursor.empty();
    if (!back) {
      std::string from = cursor;
      for (int page = 0; page < k_max_pages; ++page) {
        auto body =
          m_client.get_json(base + "&dir=f&from=" + http::ascii::percent_encode(from), what);
        if (!body && page == 0 && body.error().kind == PublishError::Kind::permanent) {
          // The homeserver no longer takes the token (400 M_INVALID_PARAM): start again from
          // now, back to the lookback, as on a first fetch.
          back = true;
          break;
        }
        if (!body) {
          return unexpected(std::move(body.error()));
        }
        const auto& chunk = json_member(*body, "chunk");
        for (const auto& event : chunk) {
          events.push_back(event);
        }
        const auto end = json_id(*body, "end");
        if (!chunk.is_array() || chunk.empty() || end.empty()) {
          break;
        }
        from = end;
        inbox.cursor = end;
      }
    }
    if (back) {
      // Back from now to `since`; the next fetch goes on from where this one started.
      std::string from;
      for (int page = 0; page < k_max_pages; ++page) {
        auto body = m_client.get_json(
          base + "&dir=b" + (from.empty() ? "" : "&from=" + http::ascii::percent_encode(from)),
          what);
        if (!body) {
          return unexpected(std::move(body.error()));
        }
        if (page == 0) {
          inbox.cursor = json_id(*body, "start");
        }
        bool older = false;
        for (const auto& event : json_member(*body, "chunk")) {
          older = older || time_of(event) < since;
          events.push_back(event);
        }
        from = json_id(*body, "end");
        if (older || from.empty()) {
          break;
        }
      }
    }
    for (const auto& event : events) {
      remember(event);
    }
    for (const auto& event : events) {
      auto message = matrix::message_of(event, *room, *me);
      if (!message || message->ours || message->created_at < since) {
        continue;
      }
      if (auto addressed = address(*message, event); !addressed) {
        return unexpected(std::move(addressed.error()));
      }
      if (message->addressed.any()) {
        inbox.messages.push_back(std::move(*message));
      }
    }
    return inbox;
  }

  // The thread that `id` is in: its root and every m.thread relation of it; or, for a message
  // in no thread, the chain of replies up from it and what this run saw answer them.
  Result<Thread, PublishError> thread(const std::string& id) override
  {
    auto me = m_client.user_id();
    if (!me) {
      return unexpected(std::move(me.error()));
    }
    auto room = m_client.room_id();
    if (!room) {
      return unexpected(std::move(room.error()));
    }
    auto asked = event(id);
    if (!asked) {
      return unexpected(std::move(asked.error()));
    }
    std::string root_id = matrix::thread_root_of(json_member(*asked, "content"));
    std::vector<nlohmann::json> events;
    if (root_id.empty()) {
      // The root of a thread, or a message in none: its own relations say which.
      auto relations = thread_events(*room, id);
      if (!relations) {
        return unexpected(std::move(relations.error()));
      }
      if (!relations->empty()) {
        root_id = id;
        events.push_back(*asked);
        events.insert(events.end(), relations->begin(), relations->end());
      } else {
        auto chain = reply_chain(*asked);
        if (!chain) {
          return unexpected(std::move(chain.error()));
        }
        events = std::move(*chain);
        root_id = json_id(events.front(), "event_id");
      }
    } else {
      auto root = event(root_id);
      if (!root) {
        return unexpected(std::move(root.error()));
      }
      auto relations = thread_events(*room, root_id);
      if (!relations) {
        return unexpected(std::move(relations.error()));
      }
      events.push_back(*root);
      events.insert(events.end(), relations->begin(), relations->end());
    }
    Thread thread;
    thread.root_id = root_id;
    std::set<std::string> ids;
    for (const auto& e : events) {
      auto message = matrix::message_of(e, *room, *me);
      if (message && ids.insert(message->id).second) {
        if (auto addressed = address(*message, e); !addressed) {
          return unexpected(std::move(addressed.error()));
        }
        thread.messages.push_back(std::move(*message));
      }
    }
    std::sort(thread.messages.begin(), thread.messages.end(),
              [](const Message& a, const Message& b) { return a.created_at < b.created_at; });
    return thread;
  }

  // In the thread of the message answered, if it is in one (or starts one), else a plain reply;
  // the author answered is mentioned (m.mentions), as the spec asks of a reply.
  Result<Published, PublishError> reply(const ReplyTarget& target, const std::string& text) override
  {
    auto room = m_client.room_id();
    if (!room) {
      return unexpected(std::move(room.error()));
    }
    auto parent = event(target.parent_id);
    if (!parent) {
      return unexpected(std::move(parent.error()));
    }
    auto content = matrix::text_content(text);
    const auto root = matrix::thread_root_of(json_member(*parent, "content"));
    const nlohmann::json in_reply_to = { { "event_id", target.parent_id } };
    if (!root.empty()) {
      content["m.relates_to"] = { { "rel_type", "m.thread" },
                                  { "event_id", root },
                                  { "is_falling_back", false },
                                  { "m.in_reply_to", in_reply_to } };
    } else {
      content["m.relates_to"] = { { "m.in_reply_to", in_reply_to } };
    }
    if (const auto sender = json_id(*parent, "sender"); !sender.empty()) {
      content["m.mentions"] = { { "user_ids", { sender } } };
    }
    auto sent = m_client.send(*room, content, fresh_txn_id());
    if (!sent) {
      return unexpected(std::move(sent.error()));
    }
    return Published{ *sent, matrix::event_url(*room, *sent) };
  }

private:
  static TimePoint time_of(const nlohmann::json& event)
  {
    const auto& ts = json_member(event, "origin_server_ts");
    return ts.is_number_integer() ? TimePoint(std::chrono::seconds(ts.get<int64_t>() / 1000))
                                  : TimePoint{};
  }

  // A reply from the command line has no job: a random id, new for every answer.
  static std::string fresh_txn_id()
  {
    std::random_device device;
    std::uniform_int_distribution<uint64_t> any;
    return fmt::format("herald-reply-{:016x}{:016x}", any(device), any(device));
  }

  void remember(const nlohmann::json& e)
  {
    const auto id = json_id(e, "event_id");
    if (!id.empty()) {
      m_events.emplace(id, e);
    }
  }

  // One event, read once per source.
  Result<nlohmann::json, PublishError> event(const std::string& id)
  {
    if (const auto known = m_events.find(id); known != m_events.end()) {
      return known->second;
    }
    auto room = m_client.room_id();
    if (!room) {
      return unexpected(std::move(room.error()));
    }
    auto read = m_client.get_json(fmt::format("{}/rooms/{}/event/{}", matrix::k_client,
                                              http::ascii::percent_encode(*room),
                                              http::ascii::percent_encode(id)),
                                  "matrix: GET /_matrix/client/v3/rooms/{roomId}/event/{eventId}");
    if (!read) {
      return unexpected(std::move(read.error()));
    }
    remember(*read);
    return *read;
  }

  // The events of the thread rooted at `root`, oldest first, following next_batch.
  Result<std::vector<nlohmann::json>, PublishError> thread_events(const std::string& room,
                                                                  const std::string& root)
  {
    const std::string base = fmt::format("/_matrix/client/v1/rooms/{}/relations/{}/m.thread"
                                         "?dir=f&limit={}",
                                         http::ascii::percent_encode(room),
                                         http::ascii::percent_encode(root), k_page_size);
    std::vector<nlohmann::json> events;
    std::string from;
    for (int page = 0; page < k_max_pages; ++page) {
      auto body = m_client.get_json(
        from.empty() ? base : base + "&from=" + http::ascii::percent_encode(from),
        "matrix: GET /_matrix/client/v1/rooms/{roomId}/relations/{eventId}/m.thread");
      if (!body) {
        return unexpected(std::move(body.error()));
      }
      for (const auto& e : json_member(*body, "chunk")) {
        remember(e);
        events.push_back(e);
      }
      from = json_id(*body, "next_batch");
      if (from.empty()) {
        break;
      }
    }
    return events;
  }

  // `asked` and its parents up to the first message of the chain, oldest first, then the
  // messages seen this run that answer any of them (or each other).
  Result<std::vector<nlohmann::json>, PublishError> reply_chain(const nlohmann::json& asked)
  {
    std::vector<nlohmann::json> chain{ asked };
    for (int depth = 0; depth < k_max_depth; ++depth) {
      const auto parent = matrix::parent_of(json_member(chain.front(), "content"));
      if (parent.empty()) {
        break;
      }
      auto read = event(parent);
      if (!read) {
        if (read.error().kind == PublishError::Kind::permanent) {
          break; // gone, or never visible to us: the chain starts below it
        }
        return unexpected(std::move(read.error()));
      }
      chain.insert(chain.begin(), std::move(*read));
    }
    std::set<std::string> in_chain;
    for (const auto& e : chain) {
      in_chain.insert(json_id(e, "event_id"));
    }
    for (bool grew = true; grew;) {
      grew = false;
      for (const auto& [id, e] : m_events) {
        if (!in_chain.count(id) && in_chain.count(matrix::parent_of(json_member(e, "content")))) {
          in_chain.insert(id);
          chain.push_back(e);
          grew = true;
        }
      }
    }
    return chain;
  }

  // A reply to us: the message answers one of our events, or is in a thread we started.
  Result<void, PublishError> address(Message& message, const nlohmann::json& e)
  {
    if (message.ours) {
      return {};
    }
    const auto& content = json_member(e, "content");
    for (const auto& id : { matrix::parent_of(content), matrix::thread_root_of(content) }) {
      if (id.empty()) {
        continue;
      }
      auto parent = event(id);
      if (!parent) {
        if (parent.error().kind == PublishError::Kind::permanent) {
          continue;
        }
        return unexpected(std::move(parent.error()));
      }
      auto me = m_client.user_id();
      if (me && json_id(*parent, "sender") == *me) {
        message.addressed.reply = true;
        if (message.quoted_text.empty()) {
          message.quoted_text = matrix::plain_body(json_member(*parent, "content"));
        }
      }
    }
    return {};
  }

  matrix::Client m_client;
  std::map<std::string, nlohmann::json> m_events; // read this run, by id
};

} // namespace

std::unique_ptr<ConversationSource>
make_matrix_conversations(const AccountConfig& account, const AdapterContext& context)
{
  return std::make_unique<MatrixConversations>(account, context);
}

} // namespace herald::platforms
