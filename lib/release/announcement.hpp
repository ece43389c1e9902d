#pragma once

#include "changelog.hpp"
#include "markdown.hpp"

#include <string>

namespace herald::release {

// "herald 1.4.0 is out", or "Version 1.4.0 is out" when the source names no release: the first
// line of an announcement, and the title of a titled post (`herald post --release-notes`).
std::string release_title(const ReleaseNotes& notes);

// The announcement of a release for an account, when no template says otherwise. Short form
// (a microblog's limit, such as Mastodon's or Bluesky's): the title ("herald 1.4.0 is out", or
// "Version 1.4.0 is out" when the source names no release), the summary, the link. Long form
// (chat platforms, webhooks): the title, all the notes, the link.
std::string default_announcement(const ReleaseNotes& notes, const PlainNotes& plain,
                                 bool short_form);

// Whether an account whose platform takes at most `max_text_length` characters (0: no known
// limit) gets the short form.
bool wants_short_form(size_t max_text_length);

} // namespace herald::release
