#pragma once

#include "http/request.hpp"

#include "platforms/context.hpp"
#include "platforms/platform.hpp"
#include "schedule/clock.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// What every part of the `devto` platform (platforms.md section 9, the Forem API v1) shares: the
// pure parts, apart so that they can be tested alone (the article's request body, what a post
// needs to be an article, the reading of Forem's errors, the matching of an article by its
// title), and the Client that makes the requests.
namespace herald::platforms::devto {

inline constexpr std::string_view k_default_url = "https://dev.to";
// Forem takes at most four tags on an article.
inline constexpr size_t k_max_tags = 4;
// Forem's Article model: a title of at most 128 characters.
inline constexpr size_t k_max_title = 128;

// Why `article` (with the text `parts`) cannot be published as a dev.to article, each naming the
// key it is about; empty when it can.
std::vector<ArticleProblem> article_problems(const OutArticle& article);
// Why a message cannot go to dev.to for a reason other than its title or tags: media (the API
// v1 has no upload endpoint).
std::vector<std::string> message_problems(const OutPart& part);

// The body of POST /api/articles: {"article": {title, body_markdown, published, tags?, series?,
// canonical_url?}}. `published` is always sent: the API's default is a draft, herald's is not.
nlohmann::json article_request(const OutArticle& article, std::string_view markdown);

// Forem's error text: {"error": "...", "status": N}; empty when absent.
std::string forem_error(std::string_view body);

// The error of an answer other than 2xx: from_response()'s mapping (401 auth, 422 permanent with
// Forem's message, 429 rate_limited at Retry-After, 5xx maybe_sent).
PublishError answer_error(const http::Response& response, std::string_view what,
                          const std::vector<std::string>& secrets, TimePoint now);

// Whether an article's title (as Forem answers it) is the title herald sent: the same once
// white space at the ends is dropped and runs of it are one space.
bool same_title(std::string_view ours, std::string_view theirs);

// Whether an article of the account's list (GET /api/articles/me/all) is the post herald may
// have published at or after `since`: the same title, and published at or after `since` (a
// draft has no date and matches on its title).
bool is_our_article(const nlohmann::json& article, std::string_view title, TimePoint since);

// Whether `text` names the account `username` (@username, not followed by another character
// of a username: letters, digits, '_').
bool names(std::string_view text, std::string_view username);

// The web address of a comment: <instance>/<commenter>/comment/<id_code>.
std::string comment_url(std::string_view base_url, std::string_view author,
                        std::string_view id_code);

// One account's requests: `url:` (the Forem instance), the key of `token_env:` in the api-key
// header, and the Accept header that selects the API v1.
class Client
{
public:
  // Throws herald::Error when the key is not set (check() reported it already).
  Client(const AccountConfig& account, const AdapterContext& context);
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  TimePoint now() const;
  const std::string& base_url() const { return m_base_url; }
  const std::vector<std::string>& secrets() const { return m_secrets; }
  // The account's username (GET /api/users/me), once per client.
  Result<std::string, PublishError> username();
  // A GET that must answer 200 with JSON (an object or a list); it publishes nothing, so every
  // failure is not_sent rather than maybe_sent.
  Result<nlohmann::json, PublishError> get_json(const std::string& path, std::string_view what);
  // POST /api/articles: the new article. A lost answer is maybe_sent.
  Result<Published, PublishError> create_article(const nlohmann::json& body);

private:
  http::Request request(std::string method, const std::string& path) const;

  std::string m_base_url;
  std::string m_key;
  std::vector<std::string> m_secrets;
  std::optional<std::string> m_username;
  AdapterContext m_context;
  LazyTransport m_transport{ m_context };
};

} // namespace herald::platforms::devto
