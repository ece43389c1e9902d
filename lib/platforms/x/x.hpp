#pragma once

#include "platforms/post.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

// The pieces of the `x` platform (adapter.cpp) that are worth testing on their own.
namespace herald::platforms::x {

// X's own explanation in an error answer: the problem document's `detail` (else `title`), or
// the first of `errors[].message`/`detail`; empty when the body has neither.
std::string error_detail(std::string_view body);

// A post's page on x.com: under its author's name, or x.com/i/web/status/<id> (which reaches
// any post) when the name is not known.
std::string post_url(std::string_view author, std::string_view id);

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
// can): at most 4 images, or one GIF or one video alone; images up to 5 MB, GIFs up to 15 MB,
// videos (MP4 or MOV) up to 512 MB; alt text up to 1,000 characters. A video's length is not
// checked: that needs a decoder, and X's processing refuses what it cannot take.
std::vector<std::string> media_problems(const OutPart& part);

// The media_category a file is uploaded with (tweet_image, tweet_gif, tweet_video), from its
// type, and whether it goes through the chunked upload: X's docs send GIFs and videos that way
// and keep the one-request upload for images.
struct MediaCategory
{
  std::string_view name;
  bool chunked = false;
};
MediaCategory media_category(std::string_view media_type);

// What X says of an upload's processing: `data.processing_info` in the answers of FINALIZE and
// STATUS (docs.x.com/x-api/media/finalize-media-upload, .../get-media-upload-status).
struct Processing
{
  enum class State
  {
    ready,       // no processing_info: the media can be posted now
    pending,     // X has not started
    in_progress, // X is working on it
    succeeded,
    failed,
    unknown, // a state X's docs do not name: asked again, as for in_progress
  };
  State state = State::ready;
  std::string state_name;                // as X wrote it, for messages
  std::chrono::seconds check_after{ 0 }; // when X says to ask again (0: not said)
  std::string error; // failed: X's explanation (processing_info.error), else the answer's own
};
Processing processing(std::string_view body);

} // namespace herald::platforms::x
