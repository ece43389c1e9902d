// The pure parts of the `devto` platform (devto.hpp): what a post needs to be an article, the
// request body, Forem's errors and the matching of an article by its title.
#include "text/graphemes.hpp"

#include "platforms/devto/devto.hpp"
#include "platforms/http_errors.hpp"
#include "platforms/post.hpp"
#include "schedule/zone.hpp"

#include <fmt/core.h>

#include <cctype>

namespace herald::platforms::devto {

std::vector<ArticleProblem>
article_problems(const OutArticle& article)
{
  std::vector<ArticleProblem> problems;
  if (article.title.empty()) {
    problems.push_back({ "title", "a dev.to article needs a title (title:)" });
  } else if (const auto length = text::count_code_points(article.title); length > k_max_title) {
    problems.push_back({ "title", fmt::format("the title is {} characters, dev.to takes at most {}",
                                              length, k_max_title) });
  }
  if (article.tags.size() > k_max_tags) {
    problems.push_back({ "tags", fmt::format("{} tags, a dev.to article takes at most {}",
                                             article.tags.size(), k_max_tags) });
  }
  return problems;
}

std::vector<std::string>
message_problems(const OutPart& part)
{
  std::vector<std::string> problems;
  if (!part.media.empty()) {
    problems.emplace_back(
      "dev.to's API cannot upload media; put images in the text as Markdown links to hosted "
      "URLs (![alt](https://...))");
  }
  return problems;
}

nlohmann::json
article_request(const OutArticle& article, std::string_view markdown)
{
  nlohmann::json fields = { { "title", article.title },
                            { "body_markdown", std::string(markdown) },
                            { "published", article.published } };
  if (!article.tags.empty()) {
    fields["tags"] = article.tags;
  }
  if (!article.series.empty()) {
    fields["series"] = article.series;
  }
  if (!article.canonical_url.empty()) {
    fields["canonical_url"] = article.canonical_url;
  }
  return { { "article", std::move(fields) } };
}

std::string
forem_error(std::string_view body)
{
  const auto json = nlohmann::json::parse(body, nullptr, false);
  return json_id(json, "error");
}

PublishError
answer_error(const http::Response& response, std::string_view what,
             const std::vector<std::string>& secrets, TimePoint now)
{
  return from_response(response, what, forem_error(response.body), secrets, now);
}

namespace {

// `text` without white space at its ends, each run of it inside as one space.
std::string
collapsed(std::string_view text)
{
  std::string out;
  bool space = false;
  for (const char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) {
      out += ' ';
      space = false;
    }
    out += c;
  }
  return out;
}

} // namespace

bool
same_title(std::string_view ours, std::string_view theirs)
{
  const auto a = collapsed(ours);
  return !a.empty() && a == collapsed(theirs);
}

bool
is_our_article(const nlohmann::json& article, std::string_view title, TimePoint since)
{
  if (!same_title(title, json_id(article, "title"))) {
    return false;
  }
  // A published article has published_at; a draft has none (null) and is matched by its title.
  const auto at = json_id(article, "published_at");
  if (at.empty()) {
    return true;
  }
  // The instance's clock may be a little behind ours.
  constexpr auto k_clock_margin = std::chrono::minutes(5);
  const auto when = parse_rfc3339(at);
  return !when || *when >= since - k_clock_margin;
}

bool
names(std::string_view text, std::string_view username)
{
  if (username.empty()) {
    return false;
  }
  const std::string handle = "@" + std::string(username);
  for (auto at = text.find(handle); at != std::string_view::npos; at = text.find(handle, at + 1)) {
    const auto after = at + handle.size();
    const bool ends =
      after == text.size() ||
      !(std::isalnum(static_cast<unsigned char>(text[after])) != 0 || text[after] == '_');
    if (ends) {
      return true;
    }
  }
  return false;
}

std::string
comment_url(std::string_view base_url, std::string_view author, std::string_view id_code)
{
  return fmt::format("{}/{}/comment/{}", base_url, author, id_code);
}

} // namespace herald::platforms::devto
