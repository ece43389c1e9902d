// The conversation sources by platform, and the HTML-to-text reduction for Mastodon statuses.
#include "conversations.hpp"

#include "registry.hpp"

#include <array>
#include <map>
#include <utility>

namespace herald::platforms {

Result<std::unique_ptr<ConversationSource>>
Platform::make_conversations(const AccountConfig& /*account*/,
                             const AdapterContext& /*context*/) const
{
  return std::unique_ptr<ConversationSource>();
}

Result<std::unique_ptr<ConversationSource>>
make_conversation_source(const AccountConfig& account, const AdapterContext& context)
{
  const Platform* platform = find_platform(account.platform);
  if (platform == nullptr) {
    return std::unique_ptr<ConversationSource>();
  }
  return platform->make_conversations(account, context);
}

std::string
text_of_html(std::string_view html)
{
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> k_entities{ {
    { "&amp;", "&" },
    { "&lt;", "<" },
    { "&gt;", ">" },
    { "&quot;", "\"" },
    { "&#39;", "'" },
    { "&apos;", "'" },
    { "&nbsp;", " " },
  } };
  std::string out;
  size_t i = 0;
  while (i < html.size()) {
    const char c = html[i];
    if (c == '<') {
      const auto end = html.find('>', i);
      if (end == std::string_view::npos) {
        break;
      }
      const auto tag = html.substr(i + 1, end - i - 1);
      const bool paragraph_start =
        tag.size() >= 1 && (tag[0] == 'p' || tag[0] == 'P') && (tag.size() == 1 || tag[1] == ' ');
      if (tag.starts_with("br") || tag.starts_with("BR")) {
        out += '\n';
      } else if (paragraph_start && !out.empty()) {
        out += "\n\n";
      }
      i = end + 1;
      continue;
    }
    if (c == '&') {
      bool decoded = false;
      for (const auto& [entity, text] : k_entities) {
        if (html.substr(i, entity.size()) == entity) {
          out += text;
          i += entity.size();
          decoded = true;
          break;
        }
      }
      if (decoded) {
        continue;
      }
    }
    out += c;
    ++i;
  }
  return out;
}

void
note_replies_to_us(Thread& thread, bool mark_replies)
{
  std::map<std::string, const Message*> by_id;
  for (const auto& m : thread.messages) {
    by_id.emplace(m.id, &m);
  }
  for (auto& m : thread.messages) {
    const auto parent = by_id.find(m.in_reply_to);
    if (!m.ours && parent != by_id.end() && parent->second->ours) {
      m.addressed.reply = m.addressed.reply || mark_replies;
      m.quoted_text = parent->second->text;
    }
  }
}

} // namespace herald::platforms
