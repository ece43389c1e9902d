#pragma once

#include "platforms/platform.hpp"
#include "platforms/post.hpp"
#include "platforms/x/client.hpp"

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

// X's chunked media upload, for videos and GIFs (docs.x.com/x-api/media: initialize-media-upload,
// append-media-upload, finalize-media-upload, get-media-upload-status). The API reference
// documents these path-style endpoints with a JSON INIT; the v2 quickstart still shows the older
// command=INIT/APPEND/FINALIZE form on /2/media/upload, which herald does not use.
namespace herald::platforms::x {

// The bytes of one APPEND. X's v1.1 reference caps a chunk at 5 MB and the v2 reference states
// no size, so herald stays under the old cap.
inline constexpr size_t k_chunk_bytes = size_t(4) * 1024 * 1024;
// How long herald waits in all for X to process one upload, well inside a job's 10-minute
// lease, which the upload itself also uses.
inline constexpr std::chrono::seconds k_max_processing_wait{ 180 };

// Uploads `media` with `category` (tweet_video, tweet_gif): INIT (POST
// /2/media/upload/initialize), one APPEND per chunk in order (POST /2/media/upload/{id}/append),
// FINALIZE (POST /2/media/upload/{id}/finalize), then, while X processes it, STATUS (GET
// /2/media/upload?command=STATUS&media_id=) as often as X's check_after_secs says, through
// Client::sleep(). The media id once X says it succeeded. No failure here has made a post: a
// transport failure or an answer X refused is not_sent (rate limits keep their reset time);
// processing that failed is permanent, with X's explanation; processing that outlasts
// k_max_processing_wait is not_sent.
Result<std::string, PublishError> upload_chunked(Client& client, const OutMedia& media,
                                                 std::string_view category);

} // namespace herald::platforms::x
