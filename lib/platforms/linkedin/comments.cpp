#include "comments.hpp"

#include "http/ascii.hpp"

#include "platforms/linkedin/linkedin.hpp"

#include <fmt/core.h>

#include <chrono>

namespace herald::platforms::linkedin {

namespace {

constexpr std::string_view k_comment_prefix = "urn:li:comment:(";

TimePoint
time_of_ms(int64_t ms)
{
  return TimePoint(std::chrono::seconds(ms / 1000));
}

int64_t
integer(const nlohmann::json& value)
{
  return value.is_number_integer() ? value.get<int64_t>() : 0;
}

} // namespace

std::optional<Comment>
parse_comment(const nlohmann::json& element, std::string_view post_urn, std::string_view me)
{
  auto urn = json_id(element, "$URN");
  if (urn.empty()) {
    urn = json_id(element, "commentUrn");
  }
  if (urn.empty()) {
    return std::nullopt;
  }
  Comment c;
  auto& m = c.message;
  m.id = urn;
  m.author = json_id(element, "actor");
  m.ours = !m.author.empty() && m.author == me;
  m.text = json_id(json_member(element, "message"), "text");
  c.created_ms = integer(json_member(json_member(element, "created"), "time"));
  m.created_at = time_of_ms(c.created_ms);
  const auto parent = json_id(element, "parentComment");
  m.in_reply_to = parent.empty() ? std::string(post_urn) : parent;
  m.cid = parent.empty() ? urn : parent;
  m.url = comment_url(post_urn, urn);
  // Every comment under our posts is said to us, whichever comment it answers.
  m.addressed.reply = !m.ours;
  return c;
}

std::optional<Message>
parse_post(const nlohmann::json& element, std::string_view me)
{
  Message m;
  m.id = json_id(element, "id");
  if (m.id.empty()) {
    return std::nullopt;
  }
  m.author = json_id(element, "author");
  m.ours = !m.author.empty() && m.author == me;
  m.text = unescape_little_text(json_id(element, "commentary"));
  m.created_at = time_of_ms(integer(json_member(element, "createdAt")));
  m.url = post_url(m.id);
  return m;
}

std::optional<std::string>
commented_entity(std::string_view comment_urn)
{
  if (!comment_urn.starts_with(k_comment_prefix) || !comment_urn.ends_with(")")) {
    return std::nullopt;
  }
  const auto inner = comment_urn.substr(k_comment_prefix.size());
  const auto comma = inner.rfind(',');
  if (comma == std::string_view::npos || comma == 0 || !inner.starts_with("urn:li:")) {
    return std::nullopt;
  }
  return std::string(inner.substr(0, comma));
}

bool
is_comment(std::string_view urn)
{
  return urn.starts_with(k_comment_prefix);
}

std::string
comment_url(std::string_view post_urn, std::string_view comment_urn)
{
  return fmt::format("{}?commentUrn={}", post_url(post_urn),
                     http::ascii::percent_encode(comment_urn));
}

std::string
unescape_little_text(std::string_view commentary)
{
  std::string out;
  out.reserve(commentary.size());
  for (size_t i = 0; i < commentary.size(); ++i) {
    if (commentary[i] == '\\' && i + 1 < commentary.size()) {
      ++i;
    }
    out += commentary[i];
  }
  return out;
}

bool
has_more(const nlohmann::json& body, size_t start, size_t count)
{
  const auto& total = json_member(json_member(body, "paging"), "total");
  if (total.is_number_integer()) {
    return int64_t(start + count) < total.get<int64_t>();
  }
  return json_member(body, "elements").size() >= count;
}

} // namespace herald::platforms::linkedin
