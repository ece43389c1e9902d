#include "conversation.hpp"

#include "schedule/zone.hpp"
#include "util/hash.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <map>

namespace herald::engage {

namespace {

constexpr size_t k_post_excerpt = 40;

bool
is_ours(const Message& message, const Audience& audience)
{
  return message.ours || audience.ours.count(normalise_handle(message.author)) > 0;
}

bool
is_ignored(const Message& message, const Audience& audience)
{
  return (audience.ignore_bots && message.bot) ||
         audience.ignored.count(normalise_handle(message.author)) > 0;
}

// Addressed to us, as the rules count it: a quote only when it asks something.
// Our post as a reason names it: without the @mentions a reply starts with.
std::string
post_excerpt(std::string_view text)
{
  while (text.starts_with("@")) {
    const auto space = text.find_first_of(" \n");
    if (space == std::string_view::npos) {
      break;
    }
    text.remove_prefix(space + 1);
    while (text.starts_with(" ") || text.starts_with("\n")) {
      text.remove_prefix(1);
    }
  }
  return excerpt(text, k_post_excerpt);
}

bool
counts_as_addressed(const Message& message)
{
  const auto& a = message.addressed;
  return a.reply || a.mention || a.direct || (a.quote && is_question(message.text));
}

} // namespace

std::string_view
to_string(Triage::State state)
{
  switch (state) {
  case Triage::State::done:
    return "done";
  case Triage::State::snoozed:
    return "snoozed";
  case Triage::State::none:
    break;
  }
  return "none";
}

std::optional<Triage::State>
parse_triage_state(std::string_view text)
{
  for (const auto state : { Triage::State::none, Triage::State::done, Triage::State::snoozed }) {
    if (text == to_string(state)) {
      return state;
    }
  }
  return std::nullopt;
}

std::string
short_id(std::string_view account, std::string_view key)
{
  // FNV-1a's high bits hardly change with the last bytes (ids that differ in their last digit):
  // a 64-bit finaliser (MurmurHash3's fmix64) spreads every input bit over the ones kept.
  uint64_t h = Hasher().field(account).field(key).digest();
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return fmt::format("{:06x}", h >> 40);
}

std::string
normalise_handle(std::string_view handle)
{
  if (!handle.empty() && handle.front() == '@') {
    handle.remove_prefix(1);
  }
  std::string out(handle);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = char(c - 'A' + 'a');
    }
  }
  return out;
}

bool
is_question(std::string_view text)
{
  size_t i = 0;
  while (i < text.size()) {
    // A '?' inside a link is a query string, not a question.
    if (text.substr(i, 7) == "http://" || text.substr(i, 8) == "https://") {
      while (i < text.size() && text[i] != ' ' && text[i] != '\n' && text[i] != '\t') {
        ++i;
      }
      continue;
    }
    if (text[i] == '?' || text.substr(i, 3) == "\xEF\xBC\x9F" /* fullwidth ? */) {
      return true;
    }
    ++i;
  }
  return false;
}

std::string
excerpt(std::string_view text, size_t max)
{
  std::string flat;
  bool space = false;
  for (const char c : text) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !flat.empty();
      continue;
    }
    if (space) {
      flat += ' ';
      space = false;
    }
    flat += c;
  }
  // Count code points, not bytes; cut before a continuation byte never happens.
  size_t points = 0;
  for (size_t i = 0; i < flat.size(); ++i) {
    if ((static_cast<unsigned char>(flat[i]) & 0xC0) != 0x80) {
      if (points == max) {
        return flat.substr(0, i) + "...";
      }
      ++points;
    }
  }
  return flat;
}

std::vector<size_t>
reply_order(const std::vector<Message>& messages,
            const std::function<bool(const Message&)>& is_ours)
{
  // Kahn's topological sort of the reply tree, taking the earliest ready message each time.
  std::map<std::string_view, size_t> index_of;
  for (size_t i = 0; i < messages.size(); ++i) {
    index_of.emplace(messages[i].id, i);
  }
  std::vector<std::vector<size_t>> replies(messages.size());
  std::vector<bool> waits_for_parent(messages.size(), false);
  for (size_t i = 0; i < messages.size(); ++i) {
    const auto parent = index_of.find(messages[i].in_reply_to);
    if (parent != index_of.end() && parent->second != i) {
      replies[parent->second].push_back(i);
      waits_for_parent[i] = true;
    }
  }
  const auto earlier = [&](size_t a, size_t b) {
    const auto& ma = messages[a];
    const auto& mb = messages[b];
    if (ma.created_at != mb.created_at) {
      return ma.created_at < mb.created_at;
    }
    const bool oa = is_ours(ma);
    const bool ob = is_ours(mb);
    return oa != ob ? oa : a < b;
  };
  std::vector<size_t> ready;
  for (size_t i = 0; i < messages.size(); ++i) {
    if (!waits_for_parent[i]) {
      ready.push_back(i);
    }
  }
  std::vector<size_t> order;
  std::vector<bool> placed(messages.size(), false);
  while (order.size() < messages.size()) {
    if (ready.empty()) {
      // A cycle of replies (damaged data): the rest by time, so that nothing is lost.
      for (size_t i = 0; i < messages.size(); ++i) {
        if (!placed[i]) {
          ready.push_back(i);
        }
      }
    }
    const auto next = std::min_element(ready.begin(), ready.end(), earlier);
    const size_t i = *next;
    ready.erase(next);
    if (placed[i]) {
      continue;
    }
    placed[i] = true;
    order.push_back(i);
    for (const size_t reply : replies[i]) {
      if (!placed[reply]) {
        ready.push_back(reply);
      }
    }
  }
  return order;
}

void
sort_by_reply_tree(std::vector<Message>& messages)
{
  const auto order = reply_order(messages, [](const Message& m) { return m.ours; });
  std::vector<Message> sorted;
  sorted.reserve(messages.size());
  for (const size_t i : order) {
    sorted.push_back(std::move(messages[i]));
  }
  messages = std::move(sorted);
}

Assessment
assess(const Conversation& conversation, const Audience& audience, TimePoint now)
{
  Assessment result;
  const auto& messages = conversation.messages;
  const auto order = reply_order(messages, [&](const Message& m) { return is_ours(m, audience); });
  // Only what comes after our last message in the conversation's order can wait for us.
  size_t start = 0;
  for (size_t position = 0; position < order.size(); ++position) {
    if (is_ours(messages[order[position]], audience)) {
      start = position + 1;
    }
  }
  bool dm = false;
  bool question = false;
  const Message* reply = nullptr;
  for (size_t position = start; position < order.size(); ++position) {
    const Message& m = messages[order[position]];
    if (is_ours(m, audience) || is_ignored(m, audience) || !counts_as_addressed(m)) {
      continue;
    }
    if (!result.first) {
      result.first = &m;
    }
    result.latest = &m;
    result.waiting_messages.push_back(&m);
    dm = dm || m.addressed.direct;
    question = question || is_question(m.text);
    if (!reply && m.addressed.reply) {
      reply = &m;
    }
  }
  if (!result.first) {
    return result;
  }
  result.needs_reply = true;
  result.waiting = std::max(std::chrono::seconds(0), now - result.first->created_at);
  if (dm) {
    result.reason = Reason::dm;
    result.reason_text = "DM";
  } else if (question) {
    result.reason = Reason::question;
    result.reason_text = "question";
  } else if (reply) {
    result.reason = Reason::reply;
    std::string post = reply->quoted_text;
    for (const auto& m : messages) {
      if (m.id == reply->in_reply_to) {
        post = m.text;
      }
    }
    result.reason_text = post.empty()
                           ? "reply to your post"
                           : fmt::format("reply to your post \"{}\"", post_excerpt(post));
  } else {
    result.reason = Reason::mention;
    result.reason_text = "mention";
  }
  return result;
}

bool
hidden_by_triage(const Triage& triage, const Assessment& assessment, TimePoint now)
{
  if (triage.state == Triage::State::none || !assessment.latest) {
    return false;
  }
  const bool newer = !triage.mark || assessment.latest->created_at > *triage.mark;
  if (newer) {
    return false;
  }
  if (triage.state == Triage::State::snoozed) {
    return triage.until && now < *triage.until;
  }
  return true;
}

void
rank(std::vector<Entry>& entries)
{
  const auto tier = [](const Entry& e) {
    const auto r = e.assessment.reason;
    return r == Reason::dm || r == Reason::question ? 0 : 1;
  };
  std::sort(entries.begin(), entries.end(), [&](const Entry& a, const Entry& b) {
    if (tier(a) != tier(b)) {
      return tier(a) < tier(b);
    }
    if (a.assessment.waiting != b.assessment.waiting) {
      return a.assessment.waiting > b.assessment.waiting;
    }
    return a.conversation.id < b.conversation.id;
  });
}

std::optional<TimePoint>
newest(const Conversation& conversation)
{
  std::optional<TimePoint> t;
  for (const auto& m : conversation.messages) {
    if (!t || m.created_at > *t) {
      t = m.created_at;
    }
  }
  return t;
}

nlohmann::json
to_json(const std::vector<Message>& messages)
{
  auto out = nlohmann::json::array();
  for (const auto& m : messages) {
    out.push_back({ { "id", m.id },
                    { "cid", m.cid },
                    { "url", m.url },
                    { "author", m.author },
                    { "author_name", m.author_name },
                    { "ours", m.ours },
                    { "bot", m.bot },
                    { "text", m.text },
                    { "created_at", format_utc(m.created_at) },
                    { "in_reply_to", m.in_reply_to },
                    { "visibility", m.visibility },
                    { "quoted_text", m.quoted_text },
                    { "reply", m.addressed.reply },
                    { "mention", m.addressed.mention },
                    { "quote", m.addressed.quote },
                    { "direct", m.addressed.direct } });
  }
  return out;
}

std::vector<Message>
messages_from_json(const nlohmann::json& json)
{
  std::vector<Message> out;
  if (!json.is_array()) {
    return out;
  }
  for (const auto& j : json) {
    if (!j.is_object()) {
      continue;
    }
    Message m;
    m.id = j.value("id", "");
    m.cid = j.value("cid", "");
    m.url = j.value("url", "");
    m.author = j.value("author", "");
    m.author_name = j.value("author_name", "");
    m.ours = j.value("ours", false);
    m.bot = j.value("bot", false);
    m.text = j.value("text", "");
    m.created_at = parse_rfc3339(j.value("created_at", "")).value_or(TimePoint{});
    m.in_reply_to = j.value("in_reply_to", "");
    m.visibility = j.value("visibility", "");
    m.quoted_text = j.value("quoted_text", "");
    m.addressed = { j.value("reply", false), j.value("mention", false), j.value("quote", false),
                    j.value("direct", false) };
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<Branch>
split_thread(const platforms::Thread& thread, const Audience& audience)
{
  if (!thread.whole) {
    if (thread.messages.empty()) {
      return {};
    }
    return { Branch{ thread.root_id, thread.messages } };
  }
  std::map<std::string, const Message*> by_id;
  for (const auto& m : thread.messages) {
    by_id.emplace(m.id, &m);
  }
  // Each message's ancestors, nearest last: the chain up to the first message shown.
  const auto chain_of = [&](const Message& m) {
    std::vector<const Message*> chain{ &m };
    while (chain.size() <= thread.messages.size()) {
      const auto parent = by_id.find(chain.back()->in_reply_to);
      if (parent == by_id.end()) {
        break;
      }
      chain.push_back(parent->second);
    }
    return chain;
  };
  std::map<std::string, Branch> branches;
  std::vector<std::string> order;
  for (const auto& m : thread.messages) {
    const auto chain = chain_of(m);
    const Message* top = chain.back();
    const bool our_post = is_ours(*top, audience);
    if (our_post && chain.size() == 1) {
      continue; // our post itself: context of each conversation below it
    }
    const std::string key = our_post ? chain[chain.size() - 2]->id : top->id;
    auto [it, added] = branches.try_emplace(key);
    if (added) {
      order.push_back(key);
      it->second.key = key;
      if (our_post) {
        it->second.messages.push_back(*top);
      }
    }
    it->second.messages.push_back(m);
  }
  std::vector<Branch> out;
  for (const auto& key : order) {
    auto& branch = branches[key];
    sort_by_reply_tree(branch.messages);
    out.push_back(std::move(branch));
  }
  return out;
}

void
merge_thread(Conversation& conversation, std::vector<Message> fresh, bool whole)
{
  std::map<std::string, const Message*> old;
  for (const auto& m : conversation.messages) {
    old.emplace(m.id, &m);
  }
  for (auto& m : fresh) {
    if (const auto it = old.find(m.id); it != old.end()) {
      m.addressed.merge(it->second->addressed);
      if (m.quoted_text.empty()) {
        m.quoted_text = it->second->quoted_text;
      }
    }
  }
  // A message that we wrote from herald and the platform does not show yet stays.
  for (const auto& m : conversation.messages) {
    const bool kept =
      std::any_of(fresh.begin(), fresh.end(), [&](const Message& f) { return f.id == m.id; });
    if (!kept && (m.ours || !whole)) {
      fresh.push_back(m);
    }
  }
  sort_by_reply_tree(fresh);
  conversation.messages = std::move(fresh);
}

} // namespace herald::engage
