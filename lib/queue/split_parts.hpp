#pragma once

#include "calendar/model.hpp"
#include "platforms/platform.hpp"

#include <vector>

namespace herald::queue {

// What one account publishes for a post: calendar::render_for(), with a text too long for the
// account cut into a thread when the post asks for it (`split:`) and the platform sends threads
// (or consecutive messages): cut where the account's length rules allow (text::split_to_fit),
// numbered as `split:` says, media on the first part. A text that fits, a post written as a
// thread, an account of an unknown platform or with no limit, and a text that cannot be cut
// (a URL alone too long) are left as they are, for the length check to report.
std::vector<calendar::Content> parts_for(const calendar::Post& post,
                                         const calendar::Account& account);

// A calendar account as its platform sees it.
platforms::AccountConfig account_config(const calendar::Account& account);

// One calendar message as a platform sees it: its text and its media files.
platforms::OutPart out_part(const calendar::Content& content);

// A post's long-form keys (title, link, tags, ...) as a platform sees them.
platforms::OutArticle out_article(const calendar::Article& article);

} // namespace herald::queue
