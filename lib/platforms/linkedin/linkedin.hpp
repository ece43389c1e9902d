#pragma once

#include "schedule/clock.hpp"

#include <optional>
#include <string>
#include <string_view>

// The pieces of the `linkedin` platform (adapter.cpp) that are worth testing on their own.
namespace herald::platforms::linkedin {

// `text` as LinkedIn's "little" text format must carry it: every reserved character
// (| { } @ [ ] ( ) < > # * _ ~ and the backslash) escaped with a backslash. LinkedIn cuts a post
// silently at the first one left unescaped, and still answers 201.
std::string escape_little_text(std::string_view text);

// The post a 422 DUPLICATE_POST answer names ("Content is a duplicate of urn:li:share:123"):
// its URN, or nullopt when `body` is not such an answer.
std::optional<std::string> duplicate_of(std::string_view body);

// LinkedIn's own explanation in an error answer (`message`); empty when there is none.
std::string error_detail(std::string_view body);

// Where a person reads the post `urn`.
std::string post_url(std::string_view urn);

// The `token_expires:` date (YYYY-MM-DD, the day the token stops working, 00:00 UTC), or nullopt
// when `text` is not such a date.
std::optional<TimePoint> parse_expiry(std::string_view text);

// What to say about a token that expires at `expires`, seen at `now`: nullopt when it is more
// than 7 days away; a warning before it expires; `expired` says it has.
struct ExpiryNote
{
  bool expired = false;
  std::string message;
};
std::optional<ExpiryNote> expiry_note(TimePoint expires, TimePoint now, std::string_view date);

} // namespace herald::platforms::linkedin
