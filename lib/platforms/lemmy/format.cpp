// The pure parts of the `lemmy` platform (lemmy.hpp): rules, errors, paths and times.
#include "text/graphemes.hpp"

#include "platforms/lemmy/lemmy.hpp"
#include "schedule/zone.hpp"
#include "util/secret_file.hpp"

#include <fmt/core.h>

#include <charconv>

namespace herald::platforms::lemmy {

// Rust's str::trim takes Unicode white space; ASCII white space is what calendars carry.
std::string_view
trimmed(std::string_view text)
{
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    return {};
  }
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

text::LengthRule
body_rule()
{
  return { "lemmy", k_max_post_body, text::LengthRule::Unit::utf16, 0, false };
}

std::vector<ArticleProblem>
title_problems(const OutArticle& article)
{
  std::vector<ArticleProblem> problems;
  const auto title = trimmed(article.title);
  const auto length = text::count_code_points(title);
  if (title.empty()) {
    problems.push_back({ "title", "a Lemmy post needs 'title:'" });
  } else if (title.find_first_of("\r\n") != std::string_view::npos) {
    problems.push_back({ "title", "a Lemmy title is one line" });
  } else if (length < k_min_title || length > k_max_title) {
    problems.push_back({ "title", fmt::format("the title is {} characters; Lemmy takes {} to {}",
                                              length, k_min_title, k_max_title) });
  }
  if (!article.link.empty() && !article.link.starts_with("https://") &&
      !article.link.starts_with("http://")) {
    problems.push_back({ "link", "a Lemmy post's link must be an http(s) address" });
  }
  if (!article.published) {
    problems.push_back({ "published", "Lemmy has no drafts: a post is published when sent" });
  }
  return problems;
}

bool
is_community_name(std::string_view community)
{
  const auto at = community.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < community.size() &&
         community.find('@', at + 1) == std::string_view::npos &&
         community.find_first_of(" /?#&!") == std::string_view::npos;
}

LemmyError
lemmy_error(std::string_view body)
{
  const auto json = nlohmann::json::parse(body, nullptr, false);
  return { json_id(json, "error"), json_id(json, "message") };
}

bool
login_refused(const http::Response& response)
{
  if (response.status == 401) {
    return true;
  }
  const auto code = lemmy_error(response.body).code;
  return code == "not_logged_in" || code == "incorrect_login";
}

std::vector<int64_t>
path_ids(std::string_view path)
{
  std::vector<int64_t> ids;
  size_t start = 0;
  bool first = true;
  while (start <= path.size()) {
    const auto end = std::min(path.find('.', start), path.size());
    const auto part = path.substr(start, end - start);
    int64_t id = 0;
    const auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), id);
    if (part.empty() || ec != std::errc() || ptr != part.data() + part.size()) {
      return {};
    }
    // The path starts with 0, the post.
    if (!first) {
      ids.push_back(id);
    } else if (id != 0) {
      return {};
    }
    first = false;
    start = end + 1;
  }
  return ids;
}

std::optional<TimePoint>
parse_time(std::string_view text)
{
  if (text.size() < 19) {
    return std::nullopt;
  }
  std::string written(text);
  const auto rest = written.substr(19);
  if (rest.find_first_of("Z+-") == std::string::npos) {
    written += 'Z';
  }
  auto parsed = parse_rfc3339(written);
  return parsed ? std::optional<TimePoint>(*parsed) : std::nullopt;
}

std::string
handle_of(const nlohmann::json& person)
{
  auto name = json_id(person, "name");
  const auto actor = json_id(person, "actor_id");
  const auto scheme = actor.find("://");
  if (name.empty() || scheme == std::string::npos) {
    return name;
  }
  const auto host_start = scheme + 3;
  const auto host_end = actor.find('/', host_start);
  return name + "@" + actor.substr(host_start, host_end - host_start);
}

std::filesystem::path
jwt_file(const std::filesystem::path& state_dir, std::string_view username, std::string_view url)
{
  return secret_file_path(state_dir, "lemmy", username, url);
}

} // namespace herald::platforms::lemmy
