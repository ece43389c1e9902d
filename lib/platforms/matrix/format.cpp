// The pure parts of the `matrix` platform (matrix.hpp): what is sent, and the reading of what
// engage is given.
#include "http/ascii.hpp"
#include "http/rate_limit.hpp"
#include "text/links.hpp"

#include "platforms/matrix/matrix.hpp"
#include "platforms/post.hpp"
#include "util/hash.hpp"

#include <fmt/core.h>

#include <algorithm>

namespace herald::platforms::matrix {

namespace {

bool
unreserved(char c)
{
  return http::ascii::is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

// `text` escaped for HTML text and attribute values.
void
append_escaped(std::string& out, std::string_view text, bool in_attribute)
{
  for (const char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += in_attribute ? "&quot;" : "\"";
      break;
    case '\n':
      out += in_attribute ? "" : "<br/>";
      break;
    case '\t':
      out += in_attribute ? "" : "\t";
      break;
    default:
      // Other control characters have no place in HTML; the plain body keeps them.
      if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) {
        out += c;
      }
    }
  }
}

// Whether `text` has `name` not run on into a longer name: "@herald:example.org." names
// @herald:example.org, "@herald:example.org.evil" does not.
bool
names_at_boundary(std::string_view text, std::string_view name)
{
  const auto part_of_name = [](char c) { return http::ascii::is_alnum(c) || c == '-' || c == '_'; };
  for (size_t at = text.find(name); at != std::string_view::npos; at = text.find(name, at + 1)) {
    const size_t end = at + name.size();
    if (end == text.size()) {
      return true;
    }
    const char next = text[end];
    const bool continues =
      part_of_name(next) ||
      ((next == '.' || next == ':') && end + 1 < text.size() && part_of_name(text[end + 1]));
    if (!continues) {
      return true;
    }
  }
  return false;
}

} // namespace

text::LengthRule
body_rule()
{
  return { "matrix", k_max_body_bytes, text::LengthRule::Unit::bytes, 0, false };
}

std::string
txn_id(std::string_view key, size_t part, size_t event)
{
  const bool usable =
    !key.empty() && key.size() <= 200 && std::all_of(key.begin(), key.end(), unreserved);
  const std::string base = usable ? std::string(key) : "herald-h" + Hasher().field(key).hex();
  return fmt::format("{}.{}.{}", base, part, event);
}

std::string
formatted_body(std::string_view text)
{
  std::string out;
  size_t at = 0;
  for (const auto& span : text::find_links(text)) {
    if (span.kind != text::TextSpan::Kind::url) {
      continue;
    }
    append_escaped(out, text.substr(at, span.byte_start - at), false);
    const auto url = text.substr(span.byte_start, span.byte_end - span.byte_start);
    out += "<a href=\"";
    append_escaped(out, url, true);
    out += "\">";
    append_escaped(out, url, false);
    out += "</a>";
    at = span.byte_end;
  }
  append_escaped(out, text.substr(at), false);
  return out;
}

nlohmann::json
text_content(std::string_view text)
{
  return { { "msgtype", "m.text" },
           { "body", std::string(text) },
           { "format", "org.matrix.custom.html" },
           { "formatted_body", formatted_body(text) } };
}

std::string
event_url(std::string_view room, std::string_view event_id)
{
  return fmt::format("https://matrix.to/#/{}/{}", http::ascii::percent_encode(room),
                     http::ascii::percent_encode(event_id));
}

MatrixError
matrix_error(std::string_view body)
{
  const auto json = nlohmann::json::parse(body, nullptr, false);
  MatrixError out{ json_id(json, "errcode"), json_id(json, "error"), std::nullopt };
  if (const auto& ms = json_member(json, "retry_after_ms"); ms.is_number_integer()) {
    out.retry_after_ms = ms.get<int64_t>();
  }
  return out;
}

std::optional<TimePoint>
retry_at(const http::Response& response, TimePoint now)
{
  if (auto header = http::retry_after(response, now)) {
    return header;
  }
  if (const auto ms = matrix_error(response.body).retry_after_ms) {
    // Rounded up to whole seconds: the clock herald schedules by counts seconds.
    const auto wait = std::chrono::seconds((std::max<int64_t>(*ms, 0) + 999) / 1000);
    return http::clamp_server_wait(now + wait, now);
  }
  return std::nullopt;
}

bool
is_room_id(std::string_view room)
{
  const auto colon = room.find(':');
  return room.size() > 3 && room.front() == '!' && colon != std::string_view::npos && colon > 1 &&
         colon + 1 < room.size();
}

bool
is_room_alias(std::string_view room)
{
  const auto colon = room.find(':');
  return room.size() > 3 && room.front() == '#' && colon != std::string_view::npos && colon > 1 &&
         colon + 1 < room.size();
}

std::string
plain_body(const nlohmann::json& content)
{
  std::string body = json_id(content, "body");
  if (json_member(json_member(content, "m.relates_to"), "m.in_reply_to").is_object() &&
      body.starts_with("> ")) {
    // The fallback: quoted lines, then one blank line.
    size_t at = 0;
    while (at < body.size() && body.compare(at, 2, "> ") == 0) {
      const size_t end = body.find('\n', at);
      at = end == std::string::npos ? body.size() : end + 1;
    }
    if (at < body.size() && body[at] == '\n') {
      return body.substr(at + 1);
    }
  }
  return body;
}

bool
mentions(const nlohmann::json& content, std::string_view user_id)
{
  if (user_id.empty()) {
    return false;
  }
  for (const auto& id : json_member(json_member(content, "m.mentions"), "user_ids")) {
    if (id.is_string() && id.get<std::string>() == user_id) {
      return true;
    }
  }
  const std::string encoded = "%40" + std::string(user_id.substr(1));
  for (const char* key : { "body", "formatted_body" }) {
    const auto text = json_id(content, key);
    for (const std::string_view name : { user_id, std::string_view(encoded) }) {
      if (names_at_boundary(text, name)) {
        return true;
      }
    }
  }
  return false;
}

std::string
thread_root_of(const nlohmann::json& content)
{
  const auto& relates = json_member(content, "m.relates_to");
  return json_id(relates, "rel_type") == "m.thread" ? json_id(relates, "event_id") : "";
}

std::string
parent_of(const nlohmann::json& content)
{
  const auto& relates = json_member(content, "m.relates_to");
  auto parent = json_id(json_member(relates, "m.in_reply_to"), "event_id");
  return parent.empty() ? thread_root_of(content) : parent;
}

std::optional<Message>
message_of(const nlohmann::json& event, std::string_view room, std::string_view user_id)
{
  const auto& content = json_member(event, "content");
  if (json_id(event, "type") != "m.room.message" || !content.is_object() ||
      !content.contains("msgtype")) {
    return std::nullopt; // another kind of event, or redacted (its content emptied)
  }
  Message m;
  m.id = json_id(event, "event_id");
  if (m.id.empty()) {
    return std::nullopt;
  }
  m.url = event_url(room, m.id);
  m.author = json_id(event, "sender");
  m.ours = !m.author.empty() && m.author == user_id;
  m.text = plain_body(content);
  if (json_id(content, "msgtype") == "m.image" && !m.text.empty()) {
    m.text = "[image: " + m.text + "]";
  }
  if (const auto& ts = json_member(event, "origin_server_ts"); ts.is_number_integer()) {
    m.created_at = TimePoint(std::chrono::seconds(ts.get<int64_t>() / 1000));
  }
  m.in_reply_to = parent_of(content);
  m.addressed.mention = !m.ours && mentions(content, user_id);
  return m;
}

} // namespace herald::platforms::matrix
