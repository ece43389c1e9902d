#pragma once

#include "platforms/post.hpp"

#include <string>
#include <string_view>
#include <vector>

// The pieces of the `x` platform (adapter.cpp) that are worth testing on their own.
namespace herald::platforms::x {

// X's own explanation in an error answer: the problem document's `detail` (else `title`), or
// the first of `errors[].message`/`detail`; empty when the body has neither.
std::string error_detail(std::string_view body);

// Whether a 403 answer is X's refusal of a text the account already posted ("You are not
// allowed to create a Tweet with duplicate content."), rather than a refused token.
bool is_duplicate_refusal(std::string_view body);

// A post's text as X's API returns it, with the HTML entities X puts in (&amp; &lt; &gt;)
// decoded.
std::string decoded_text(std::string_view shown);

// Whether `shown`, a post's text as X's API returns it, is `written` as herald sent it: X
// replaces every link with a t.co link and escapes &, < and > as HTML entities, so links
// compare as links and the entities are decoded first.
bool same_text(std::string_view shown, std::string_view written);

// Why X cannot take the media of `part` as herald sends it (one reason each; empty when it
// can): at most 4 images, or one GIF alone; images up to 5 MB, GIFs up to 15 MB; alt text up
// to 1,000 characters; videos need the chunked upload, which herald does not send yet.
std::vector<std::string> media_problems(const OutPart& part);

} // namespace herald::platforms::x
