#pragma once

#include "platforms/conversations.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// Reading LinkedIn's comments (the Comments API under /rest/socialActions) as engage messages:
// the pieces of the `linkedin` conversations (conversations.cpp) worth testing on their own.
namespace herald::platforms::linkedin {

// One comment as an engage message, with LinkedIn's own time (created.time, milliseconds),
// which the inbox cursor keeps whole.
struct Comment
{
  Message message;
  int64_t created_ms = 0;
};

// The comment `element` of an answer (GET /rest/socialActions/<urn>/comments) on the post
// `post_urn`, written by `me` (the account's author URN) or not. Its id is its comment URN
// ($URN, else commentUrn); it answers its parentComment, else the post. `cid` keeps the
// first-level comment a reply to it must name as parentComment: LinkedIn shows comments two
// levels deep, so a reply to a reply goes under the same first-level comment. nullopt when the
// element names no comment URN.
std::optional<Comment> parse_comment(const nlohmann::json& element, std::string_view post_urn,
                                     std::string_view me);

// A post (an element of GET /rest/posts?q=author) as the first message of its thread; nullopt
// when it has no id.
std::optional<Message> parse_post(const nlohmann::json& element, std::string_view me);

// The entity a comment URN names ("urn:li:activity:1" of "urn:li:comment:(urn:li:activity:1,2)"),
// whose comments are the thread it is in; nullopt for anything else.
std::optional<std::string> commented_entity(std::string_view comment_urn);

// Whether `urn` names a comment rather than a post.
bool is_comment(std::string_view urn);

// Where a person reads the comment `comment_urn` on the post `post_urn`.
std::string comment_url(std::string_view post_urn, std::string_view comment_urn);

// The text a "little" commentary shows: each backslash escape undone (escape_little_text()'s
// inverse).
std::string unescape_little_text(std::string_view commentary);

// Whether a list answer (elements and paging{start, count, total}) that started at `start`
// has more after it: by paging.total when LinkedIn gives it, else by a full page.
bool has_more(const nlohmann::json& body, size_t start, size_t count);

} // namespace herald::platforms::linkedin
