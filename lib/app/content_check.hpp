#pragma once

#include "calendar/model.hpp"
#include "util/diagnostics.hpp"

#include <functional>
#include <string_view>

namespace herald::app {

// Reports every message that is too long for an account it goes to, measured the way that
// account's platform measures (graphemes, URLs as 23, UTF-8 bytes, ...), naming the account,
// the count and the limit. Variants are checked for the account they apply to.
void check_lengths(const calendar::Calendar& calendar, Diagnostics& diagnostics);

// Reports every message whose media an account it goes to cannot publish (a platform that takes
// no media, too many files, a kind of file it cannot send), naming the account and the reason.
void check_media(const calendar::Calendar& calendar, Diagnostics& diagnostics);

// Whether posts to `account` publish their long-form keys (`title:`, `tags:`, ...): only
// platforms with Capabilities::articles read them; the others leave them out.
bool publishes_articles(const calendar::Account& account);

// Reports every post whose long-form keys (`title:`, `tags:`, ...) an account it goes to cannot
// publish as written (dev.to needs a title, takes at most four tags), naming the account.
void check_articles(const calendar::Calendar& calendar, Diagnostics& diagnostics);

// Warns of each calendar post with long-form keys that none of its accounts publishes (most
// likely a post meant for a blog sent to the wrong accounts), and of a variant's `title:` for an
// account that publishes no titles. Not for `herald post`, whose release announcements have a
// title for whichever accounts read it.
void check_unread_articles(const calendar::Calendar& calendar, Diagnostics& diagnostics);

// `herald validate` only: hands each account's messages to its platform's own checks
// (Platform::check_messages), which may start a plugin and ask it, bounded in time. `log` gets
// what the plugins write on stderr (-v).
void check_with_platforms(const calendar::Calendar& calendar, Diagnostics& diagnostics,
                          const std::function<void(std::string_view)>& log = {});

} // namespace herald::app
