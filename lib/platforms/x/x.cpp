#include "x.hpp"

#include "text/graphemes.hpp"
#include "text/links.hpp"

#include "platforms/media_type.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <filesystem>
#include <system_error>
#include <utility>

namespace herald::platforms::x {

namespace {

constexpr size_t k_max_media = 4;
constexpr uintmax_t k_max_image_bytes = uintmax_t(5) * 1024 * 1024;
constexpr uintmax_t k_max_gif_bytes = uintmax_t(15) * 1024 * 1024;
// The most POST /2/media/upload/initialize takes in total_bytes (536870912).
constexpr uintmax_t k_max_video_bytes = uintmax_t(512) * 1024 * 1024;
constexpr size_t k_max_alt_text = 1000;

bool
is_video_x_takes(std::string_view type)
{
  return type == "video/mp4" || type == "video/quicktime";
}

// processing_info.error's message (else its name), if any.
std::string
json_error(const nlohmann::json& info)
{
  if (!info.contains("error") || !info["error"].is_object()) {
    return "";
  }
  const auto& error = info["error"];
  for (const char* key : { "message", "name" }) {
    if (error.contains(key) && error[key].is_string()) {
      return error[key].get<std::string>();
    }
  }
  return "";
}

// `text` with every link replaced by one marker.
std::string
links_as_markers(const std::string& text)
{
  std::string out;
  size_t at = 0;
  for (const auto& span : text::find_links(text)) {
    if (span.kind != text::TextSpan::Kind::url) {
      continue;
    }
    out.append(text, at, span.byte_start - at);
    out += "\x01link\x01";
    at = span.byte_end;
  }
  out.append(text, at);
  return out;
}

} // namespace

std::string
decoded_text(std::string_view shown)
{
  static constexpr std::array<std::pair<std::string_view, char>, 3> k_entities{ {
    { "&amp;", '&' },
    { "&lt;", '<' },
    { "&gt;", '>' },
  } };
  std::string decoded;
  for (size_t i = 0; i < shown.size(); ++i) {
    bool replaced = false;
    for (const auto& [entity, c] : k_entities) {
      if (shown.substr(i, entity.size()) == entity) {
        decoded += c;
        i += entity.size() - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) {
      decoded += shown[i];
    }
  }
  return decoded;
}

std::string
error_detail(std::string_view body)
{
  const auto json = nlohmann::json::parse(body, nullptr, false);
  if (!json.is_object()) {
    return "";
  }
  for (const char* key : { "detail", "title" }) {
    if (json.contains(key) && json[key].is_string()) {
      return json[key].get<std::string>();
    }
  }
  if (json.contains("errors") && json["errors"].is_array() && !json["errors"].empty()) {
    const auto& first = json["errors"][0];
    for (const char* key : { "message", "detail" }) {
      if (first.is_object() && first.contains(key) && first[key].is_string()) {
        return first[key].get<std::string>();
      }
    }
  }
  return "";
}

bool
is_duplicate_refusal(std::string_view body)
{
  return error_detail(body).find("duplicate content") != std::string::npos;
}

bool
same_text(std::string_view shown, std::string_view written)
{
  return links_as_markers(decoded_text(shown)) == links_as_markers(std::string(written));
}

std::vector<std::string>
media_problems(const OutPart& part)
{
  std::vector<std::string> problems;
  if (part.text.empty() && part.media.empty()) {
    problems.emplace_back("a post needs text or media");
  }
  if (part.media.size() > k_max_media) {
    problems.push_back(
      fmt::format("{} media files, the limit is {} images", part.media.size(), k_max_media));
  }
  for (const auto& media : part.media) {
    const auto name = media.file.filename().string();
    const auto type = media_type_for(media.file);
    const bool gif = type == "image/gif";
    const bool video = type.starts_with("video/");
    if (video && !is_video_x_takes(type)) {
      problems.push_back(
        fmt::format("{} is a video X does not take ({}); X takes MP4 and MOV", name, type));
      continue;
    }
    if (!video && !type.starts_with("image/")) {
      problems.push_back(fmt::format("{} is not an image or a video X takes ({})", name, type));
      continue;
    }
    if ((gif || video) && part.media.size() > 1) {
      problems.push_back(fmt::format("{} is {}, which X takes only alone in a post", name,
                                     video ? "a video" : "a GIF"));
    }
    std::error_code ec;
    const auto size = std::filesystem::file_size(media.file, ec);
    const auto limit = video ? k_max_video_bytes : gif ? k_max_gif_bytes : k_max_image_bytes;
    if (!ec && size > limit) {
      problems.push_back(fmt::format("{} is {} bytes, the limit is {} bytes for {}", name, size,
                                     limit,
                                     video ? "a video"
                                     : gif ? "a GIF"
                                           : "an image"));
    }
    if (text::count_code_points(media.alt) > k_max_alt_text) {
      problems.push_back(fmt::format("the alt text of {} is {} characters, the limit is {}", name,
                                     text::count_code_points(media.alt), k_max_alt_text));
    }
  }
  return problems;
}

MediaCategory
media_category(std::string_view media_type)
{
  if (media_type == "image/gif") {
    return { "tweet_gif", true };
  }
  if (media_type.starts_with("video/")) {
    return { "tweet_video", true };
  }
  return { "tweet_image", false };
}

Processing
processing(std::string_view body)
{
  static constexpr std::array<std::pair<std::string_view, Processing::State>, 4> k_states{ {
    { "pending", Processing::State::pending },
    { "in_progress", Processing::State::in_progress },
    { "succeeded", Processing::State::succeeded },
    { "failed", Processing::State::failed },
  } };
  Processing out;
  const auto json = nlohmann::json::parse(body, nullptr, false);
  if (!json.is_object() || !json.contains("data") || !json["data"].is_object()) {
    return out;
  }
  const auto& data = json["data"];
  if (!data.contains("processing_info") || !data["processing_info"].is_object()) {
    return out;
  }
  const auto& info = data["processing_info"];
  out.state = Processing::State::unknown;
  if (info.contains("state") && info["state"].is_string()) {
    out.state_name = info["state"].get<std::string>();
  }
  for (const auto& [name, value] : k_states) {
    if (out.state_name == name) {
      out.state = value;
    }
  }
  if (info.contains("check_after_secs") && info["check_after_secs"].is_number_integer()) {
    out.check_after = std::chrono::seconds(
      std::clamp<int64_t>(info["check_after_secs"].get<int64_t>(), 0, int64_t(86400)));
  }
  if (out.state == Processing::State::failed) {
    // X's v2 reference shows no error member; its v1.1 STATUS answer has
    // processing_info.error {code, name, message}, and v2 answers may carry errors[] too.
    out.error = json_error(info);
    if (out.error.empty()) {
      out.error = error_detail(body);
    }
  }
  return out;
}

std::string
post_url(std::string_view author, std::string_view id)
{
  return fmt::format("https://x.com/{}/status/{}", author.empty() ? "i/web" : author, id);
}

} // namespace herald::platforms::x
