#pragma once

#include "platforms/platform.hpp"
#include "platforms/post.hpp"
#include "util/expected.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

// The pieces of the `bluesky` platform (bluesky.cpp) that are worth testing on their own: record
// keys, facets, image sizes and the stored session.
namespace herald::platforms::bluesky {

// --- Record keys -------------------------------------------------------------------------------

// A TID (atproto's timestamp identifier): 13 characters of base32-sortable
// ("234567abcdefghijklmnopqrstuvwxyz") over 64 bits: a zero top bit, 53 bits of microseconds
// since the Unix epoch, 10 bits of clock id. `micros` is taken modulo 2^53, `clock_id` modulo
// 1024.
std::string encode_tid(uint64_t micros, uint32_t clock_id);

// The PDS's rule for a TID record key: 13 characters of that alphabet, the first one of
// "234567abcdefghij" (the top bit is zero).
bool is_valid_tid(std::string_view text);

// The record key of thread part `part` of `post`: a TID derived only from the job (its due
// time, plus microseconds and a clock id hashed from its idempotency key, plus `part`), so that
// a resend of the same job and content revision writes to the same key and cannot make a
// second post. Keys of one thread increase with the part. A one-off post's due time is when the
// command ran, so its key leaves the due time out (a time within 2024 taken from the hash): a
// re-run of `herald post` on another runner targets the same key.
std::string record_key(const OutPost& post, size_t part);

// --- Record fields -----------------------------------------------------------------------------

// RFC 3339 in UTC with milliseconds, as the lexicon's datetime format and Bluesky's own
// clients write it: "2026-12-01T08:00:00.000Z".
std::string created_at(TimePoint t);

// Looks up a handle's DID: the DID, nullopt when the handle does not resolve (the mention is
// then left as plain text), or an error when the lookup itself failed.
using ResolveHandle =
  std::function<Result<std::optional<std::string>, PublishError>(const std::string& handle)>;

// The app.bsky.richtext.facet list for `text`: every URL (#link), hashtag (#tag, without '#')
// and resolvable @handle (#mention), as text::find_links() finds them, with byteStart and
// byteEnd in UTF-8 bytes. Remote Mastodon-style mentions (@user@host) and names without a dot
// are not Bluesky handles and are left alone. An empty array when there is nothing to mark.
Result<nlohmann::json, PublishError> facets_for(std::string_view text,
                                                const ResolveHandle& resolve);

struct ImageSize
{
  uint32_t width = 0;
  uint32_t height = 0;
};

// Width and height read from the header of a PNG, GIF, JPEG or WebP file's bytes, for the
// embed's optional aspectRatio; nullopt for other formats or a damaged header.
std::optional<ImageSize> image_size(std::string_view bytes);

// --- Session -----------------------------------------------------------------------------------

// What com.atproto.server.createSession and refreshSession answer, and what is kept of it.
struct Session
{
  std::string did;
  std::string handle;
  std::string access_jwt;
  std::string refresh_jwt;
};

// A string member of a JSON object; empty when absent or not a string.
std::string string_field(const nlohmann::json& json, const char* key);

// The session in an answer of createSession or refreshSession, or in a session file (which uses
// the same names: did, handle, accessJwt, refreshJwt); nullopt without a did and an access token.
std::optional<Session> session_from_json(const nlohmann::json& json);

// Where an account's session is kept: <state_dir>/bluesky/<handle>@<host>.json (characters
// other than letters, digits, '.', '-', '_' and '@' become '_'). Empty when `state_dir` is
// empty: the session then lives in memory only.
std::filesystem::path session_file(const std::filesystem::path& state_dir, std::string_view handle,
                                   std::string_view service_url);

// The session file of one account. It holds JWTs, so it is treated like an SSH private key
// (reliability.md K2): written atomically (a temporary file created 0600, then renamed) in a
// directory made 0700, and refused when it is a symbolic link, not owned by this user, or
// accessible by group or others.
class SessionFile
{
public:
  // `identifier` and `service` are stored with the session and must match when it is loaded,
  // so a changed `handle:` or `url:` never reuses another account's tokens.
  SessionFile(std::filesystem::path path, std::string identifier, std::string service);

  const std::filesystem::path& path() const { return m_path; }

  // The stored session; nullopt when there is none (no file, an empty path, another account's,
  // unreadable JSON). An error (saying why, never what the file holds) when the file must not be
  // used.
  Result<std::optional<Session>> load() const;

  // Replaces the stored session. Does nothing for an empty path.
  Result<void> save(const Session& session) const;

private:
  std::filesystem::path m_path;
  std::string m_identifier;
  std::string m_service;
};

} // namespace herald::platforms::bluesky
