#pragma once

#include "platform.hpp"

#include "schedule/clock.hpp"
#include "util/expected.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

// What `herald engage` reads from a platform: the people who talked to an account, the threads
// around what they said, and a way to answer. Kept apart from Adapter (which publishes) so that
// a platform gains it with one file, and platforms that cannot read anything never see it.
namespace herald::platforms {

// How a message reaches us; a message may reach us in several ways at once.
struct Addressed
{
  bool reply = false;   // a reply to one of our posts
  bool mention = false; // names one of our accounts
  bool quote = false;   // quotes one of our posts
  bool direct = false;  // a direct message
  bool any() const { return reply || mention || quote || direct; }
  void merge(const Addressed& other)
  {
    reply = reply || other.reply;
    mention = mention || other.mention;
    quote = quote || other.quote;
    direct = direct || other.direct;
  }
};

// One message of a thread as the platform shows it.
struct Message
{
  std::string id;          // the platform's id (a Mastodon status id, a Bluesky at:// URI)
  std::string cid;         // Bluesky: the record's CID (for reply references)
  std::string url;         // where a person reads it
  std::string author;      // a handle that names the author across instances ("ada@example.social")
  std::string author_name; // the display name, when there is one
  bool ours = false;       // written by the account that fetched it
  bool bot = false;        // the platform flags the author as automated
  std::string text;        // plain text (HTML reduced to text)
  TimePoint created_at{};
  std::string in_reply_to; // the parent message's id, empty for the first message
  std::string visibility;  // Mastodon: public, unlisted, private or direct
  Addressed addressed;     // how it reaches us
  std::string quoted_text; // the text of our post that it replies to or quotes, when known
};

// The messages of one thread (or one direct-message conversation), oldest first.
struct Thread
{
  std::string root_id; // the first message's id: the conversation's identity on the platform
  std::string root_cid;
  std::vector<Message> messages;
  // False when the platform shows only what is new in one conversation (exec plugins): the
  // messages then add to what is known instead of replacing it, and root_id names the
  // conversation.
  bool whole = true;
};

// What is new for an account since the last fetch.
struct Inbox
{
  // The messages that people addressed to us (notifications), each naming its thread.
  std::vector<Message> messages;
  // What to hand the next fetch so that it only asks for what came after this one.
  std::string cursor;
};

// Where a reply goes: the message it answers, in its thread.
struct ReplyTarget
{
  std::string root_id;
  std::string root_cid;
  std::string parent_id;
  std::string parent_cid;
  std::string visibility; // Mastodon: the reply keeps the conversation's visibility
  std::string mention;    // Mastodon: the author answered, whom the reply mentions first
};

// One account's conversations. Methods may throw nothing; errors are values saying which call
// failed and why (never a secret).
class ConversationSource
{
public:
  virtual ~ConversationSource() = default;
  // Who the account is (its handle), so that its messages in other accounts' threads count as
  // ours too.
  virtual Result<std::string, PublishError> whoami() = 0;
  // What people addressed to the account: after `cursor` when it is not empty (the previous
  // fetch's Inbox::cursor), else everything since `since`, following every page.
  virtual Result<Inbox, PublishError> inbox(const std::string& cursor, TimePoint since) = 0;
  // The whole thread that message `id` belongs to, as it is now.
  virtual Result<Thread, PublishError> thread(const std::string& id) = 0;
  // Posts `text` as a reply to `target`; the answer names the new message.
  virtual Result<Published, PublishError> reply(const ReplyTarget& target,
                                                const std::string& text) = 0;
};

// The conversation source of an account, or nullptr when its platform has none (Discord, Slack,
// Telegram, webhook, stub, and exec plugins without the `conversations` capability; the error
// says why an exec plugin could not be asked). Throws herald::Error when the settings cannot
// work, as make_adapter() does.
Result<std::unique_ptr<ConversationSource>> make_conversation_source(const AccountConfig& account,
                                                                     const AdapterContext& context);

// The builders behind Platform::make_conversations() of the platforms that have conversations
// (each in its folder), declared here for their tests.
std::unique_ptr<ConversationSource> make_mastodon_conversations(const AccountConfig& account,
                                                                const AdapterContext& context);
std::unique_ptr<ConversationSource> make_bluesky_conversations(const AccountConfig& account,
                                                               const AdapterContext& context);
std::unique_ptr<ConversationSource> make_x_conversations(const AccountConfig& account,
                                                         const AdapterContext& context);
std::unique_ptr<ConversationSource> make_linkedin_conversations(const AccountConfig& account,
                                                                const AdapterContext& context);
std::unique_ptr<ConversationSource> make_threads_conversations(const AccountConfig& account,
                                                               const AdapterContext& context);
std::unique_ptr<ConversationSource> make_matrix_conversations(const AccountConfig& account,
                                                              const AdapterContext& context);
std::unique_ptr<ConversationSource> make_devto_conversations(const AccountConfig& account,
                                                             const AdapterContext& context);
std::unique_ptr<ConversationSource> make_lemmy_conversations(const AccountConfig& account,
                                                             const AdapterContext& context);
Result<std::unique_ptr<ConversationSource>> make_exec_conversations(const AccountConfig& account,
                                                                    const AdapterContext& context);

// Gives each message that someone else wrote in answer to one of ours the text it answers
// (Message::quoted_text) and, with `mark_replies`, marks it as a reply to us: for the platforms
// whose thread, rather than a notification, says that a message answers us.
void note_replies_to_us(Thread& thread, bool mark_replies);

// Plain text of a Mastodon status's HTML `content`: paragraphs and <br> become line breaks,
// other tags are dropped, the common entities decoded.
std::string text_of_html(std::string_view html);

} // namespace herald::platforms
