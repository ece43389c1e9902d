// Publishing one Threads post in Meta's two steps (threads.hpp, Client::publish_part): a
// container (a carousel's items first), polled until Meta has fetched its media, then
// threads_publish; a lost publish answer is decided by the container's status.
#include "http/ascii.hpp"

#include "platforms/http_errors.hpp"
#include "platforms/threads/threads.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <thread>

namespace herald::platforms::threads {

namespace {

// A container with an image is polled until Meta has fetched and processed it: briefly at
// first, then less often, within a minute (the job's lease is longer).
constexpr std::chrono::milliseconds k_first_poll{ 500 };
constexpr std::chrono::milliseconds k_max_poll{ 5000 };
constexpr std::chrono::seconds k_max_wait{ 60 };

} // namespace

std::string
Client::media_url_of(const OutMedia& media) const
{
  std::string base = m_media_url;
  if (!base.ends_with('/')) {
    base += '/';
  }
  return base + http::ascii::percent_encode(media.file.filename().string());
}

Result<Published, PublishError>
Client::publish_part(const OutPart& part, const std::string& reply_to)
{
  const std::string path = fmt::format("{}/{}/threads", k_api, m_user);
  constexpr std::string_view what = "threads: POST /{user}/threads";
  Form form;
  if (part.media.size() > 1) {
    std::string children;
    for (const auto& media : part.media) {
      auto item = post_form(path, what,
                            { { "media_type", "IMAGE" },
                              { "image_url", media_url_of(media) },
                              { "is_carousel_item", "true" },
                              { "alt_text", media.alt } },
                            false);
      if (!item) {
        return unexpected(std::move(item.error()));
      }
      const auto id = json_id(*item, "id");
      if (auto ready = wait_until_finished(id); !ready) {
        return unexpected(std::move(ready.error()));
      }
      children += (children.empty() ? "" : ",") + id;
    }
    form = { { "media_type", "CAROUSEL" }, { "children", children } };
  } else if (part.media.size() == 1) {
    form = { { "media_type", "IMAGE" },
             { "image_url", media_url_of(part.media.front()) },
             { "alt_text", part.media.front().alt } };
  } else {
    form = { { "media_type", "TEXT" } };
  }
  if (!part.text.empty()) {
    form.emplace_back("text", part.text);
  }
  if (!reply_to.empty()) {
    form.emplace_back("reply_to_id", reply_to);
  }
  auto container = post_form(path, what, form, false);
  if (!container) {
    return unexpected(std::move(container.error()));
  }
  const auto container_id = json_id(*container, "id");
  if (!part.media.empty()) {
    if (auto ready = wait_until_finished(container_id); !ready) {
      return unexpected(std::move(ready.error()));
    }
  }
  const auto publish_path = fmt::format("{}/{}/threads_publish", k_api, m_user);
  constexpr std::string_view publish_what = "threads: POST /{user}/threads_publish";
  auto published = post_form(publish_path, publish_what, { { "creation_id", container_id } }, true);
  if (!published && published.error().kind == PublishError::Kind::maybe_sent) {
    // The container is the key: its status says whether it went out.
    auto status = get_json(fmt::format("{}/{}?fields=status,error_message", k_api,
                                       http::ascii::percent_encode(container_id)),
                           "threads: GET /{container}");
    if (status && json_id(*status, "status") != "PUBLISHED") {
      published = post_form(publish_path, publish_what, { { "creation_id", container_id } }, true);
    }
  }
  if (!published) {
    return unexpected(std::move(published.error()));
  }
  const auto id = json_id(*published, "id");
  // The permalink is asked for, not made up from the id (Meta's advice).
  auto link =
    get_json(fmt::format("{}/{}?fields=permalink", k_api, http::ascii::percent_encode(id)),
             "threads: GET /{media}");
  return Published{ id, post_url(id, link ? json_id(*link, "permalink") : "") };
}

Result<void, PublishError>
Client::wait_until_finished(const std::string& id)
{
  auto interval = k_first_poll;
  std::chrono::milliseconds waited{ 0 };
  for (;;) {
    auto status = get_json(
      fmt::format("{}/{}?fields=status,error_message", k_api, http::ascii::percent_encode(id)),
      "threads: GET /{container}");
    if (!status) {
      return unexpected(std::move(status.error()));
    }
    const auto state = json_id(*status, "status");
    if (state == "FINISHED") {
      return {};
    }
    if (state == "ERROR" || state == "EXPIRED") {
      return unexpected(PublishError{
        PublishError::Kind::not_sent,
        fmt::format("threads: the container is {} ({}): Meta could not use the media; check "
                    "that it is published at the URL media_url: gives",
                    state, server_text(json_id(*status, "error_message"), m_secrets)),
        {} });
    }
    if (waited >= k_max_wait) {
      return unexpected(
        PublishError{ PublishError::Kind::not_sent,
                      fmt::format("threads: the container was still {} after {} s", state,
                                  std::chrono::duration_cast<std::chrono::seconds>(waited).count()),
                      {} });
    }
    sleep(interval);
    waited += interval;
    interval = std::min(interval * 2, k_max_poll);
  }
}

std::string
Client::media_url_note()
{
  if (m_media_url.empty()) {
    return {};
  }
  // The media base is where Meta will fetch images from: it must answer from outside. The
  // request is the user's host's, so it carries no token.
  http::Request r;
  r.method = "HEAD";
  r.url = m_media_url;
  const auto answer = m_transport->send(r);
  return !answer ? fmt::format("media_url {} cannot be reached", m_media_url)
                 : fmt::format("media_url {} answers HTTP {}", m_media_url, answer->status);
}

void
Client::sleep(std::chrono::milliseconds duration) const
{
  if (m_context.sleep) {
    m_context.sleep(duration);
  } else {
    std::this_thread::sleep_for(duration);
  }
}

} // namespace herald::platforms::threads
