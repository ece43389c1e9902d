#pragma once

#include "http/request.hpp"
#include "text/length_rules.hpp"

#include "platforms/context.hpp"
#include "platforms/conversations.hpp"
#include "platforms/platform.hpp"
#include "schedule/clock.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// What every part of the `lemmy` platform shares (Lemmy's HTTP API v3, Lemmy 0.19): the pure
// parts, apart so that they can be tested alone (the title rule, the body rule, the reading of
// the server's errors, comment paths), and the Client that logs in and makes the requests for
// publishing, engage and report.
namespace herald::platforms::lemmy {

// Lemmy's is_valid_post_title (crates/utils/src/utils/validation.rs): 3 to 200 characters
// (code points) once trimmed, and no line break.
inline constexpr size_t k_min_title = 3;
inline constexpr size_t k_max_title = 200;
// POST_BODY_MAX_LENGTH of the same file, counted in UTF-16 units (encode_utf16().count()).
inline constexpr size_t k_max_post_body = 50'000;
// BODY_MAX_LENGTH: comments, and so engage's answers.
inline constexpr size_t k_max_comment_body = 10'000;

// `text` without white space at either end, as Lemmy trims a title before checking and storing
// it.
std::string_view trimmed(std::string_view text);

// The rule `validate` and publish() check a post's body against.
text::LengthRule body_rule();

// Why `article` cannot be a Lemmy post (a title missing, too short or long, on two lines; a link
// that is not an http(s) address; a draft), each naming its key.
std::vector<ArticleProblem> title_problems(const OutArticle& article);

// Whether `community` is written name@instance, as the API's GetCommunity takes it.
bool is_community_name(std::string_view community);

// {"error": "<code>", "message": "..."}: the code and, when given, the message.
struct LemmyError
{
  std::string code;
  std::string message;
};
LemmyError lemmy_error(std::string_view body);

// Whether an answer refuses the JWT: 401, or the codes Lemmy gives a missing or stale login.
bool login_refused(const http::Response& response);

// The comment ids of a comment's `path` ("0.12.34": 12 answers the post, 34 answers 12), the
// comment's own last; empty when the path is not one.
std::vector<int64_t> path_ids(std::string_view path);

// Lemmy's timestamps: RFC 3339, with an offset since 0.19 ("2024-01-02T03:04:05.123456Z"),
// without one before (UTC).
std::optional<TimePoint> parse_time(std::string_view text);

// A person as engage names them: name@host of their actor_id.
std::string handle_of(const nlohmann::json& person);

// Where an account's JWT is kept: <state_dir>/lemmy/<username>@<host>.json, owner-only.
std::filesystem::path jwt_file(const std::filesystem::path& state_dir, std::string_view username,
                               std::string_view url);

inline constexpr std::string_view k_api = "/api/v3";

// One account's requests: `url:` (the instance), a JWT from POST /user/login with the
// username and password of `username_env:` and `password_env:`, kept in its file and renewed
// once when refused, and `community:`, resolved once.
class Client
{
public:
  // Throws herald::Error when a credential is not set (check() reported it already).
  Client(const AccountConfig& account, const AdapterContext& context);
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  TimePoint now() const;
  std::vector<std::string> secrets() const;
  const std::string& base_url() const { return m_base_url; }
  const std::string& community_name() const { return m_community; }
  const std::string& username() const { return m_username; }
  // The community's id (GET /community?name=), once per client.
  Result<int64_t, PublishError> community_id();
  // The account's person (GET /site, my_user.local_user_view.person), once per client.
  Result<nlohmann::json, PublishError> me();
  // A GET with the JWT that must answer 200 with a JSON object; it publishes nothing, so every
  // failure is not_sent.
  Result<nlohmann::json, PublishError> get_json(const std::string& path, std::string_view what);
  // A POST with the JWT that creates something: a lost answer or a 5xx is maybe_sent.
  Result<nlohmann::json, PublishError> post_json(const std::string& path,
                                                 const nlohmann::json& body, std::string_view what);
  // Uploads an image to the instance's pict-rs (POST /pictrs/image, the file as `images[]`) and
  // gives its address, /pictrs/image/<file>. It publishes nothing, so every failure is not_sent
  // or permanent.
  Result<std::string, PublishError> upload_image(const OutMedia& image);
  // Why the JWT could not be kept in its file, if it could not.
  const std::string& save_problem() const { return m_save_problem; }

private:
  Result<http::Response, PublishError> authed(const http::Request& r);
  Result<void, PublishError> login();
  PublishError answer_error(const http::Response& response, std::string_view what) const;

  std::string m_base_url;
  std::string m_community;
  std::string m_username;
  std::string m_password;
  std::filesystem::path m_file;
  std::string m_jwt;
  bool m_loaded = false;
  // The JWT in use came from a login of this client: a refusal of it is not retried.
  bool m_fresh = false;
  std::string m_save_problem;
  std::optional<int64_t> m_community_id;
  std::optional<nlohmann::json> m_me;
  AdapterContext m_context;
  LazyTransport m_transport{ m_context };
};

} // namespace herald::platforms::lemmy
