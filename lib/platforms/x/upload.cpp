#include "upload.hpp"

#include "http/ascii.hpp"

#include "platforms/http_errors.hpp"
#include "platforms/media_type.hpp"
#include "platforms/x/x.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <utility>

namespace herald::platforms::x {

namespace {

// A chunk of a few MB over a slow uplink takes longer than the default 30 s.
constexpr std::chrono::seconds k_append_timeout{ 120 };
// X's check_after_secs is whole seconds; a missing or zero one still waits this long.
constexpr std::chrono::seconds k_min_check_after{ 1 };

class ChunkedUpload
{
public:
  ChunkedUpload(Client& client, const OutMedia& media, std::string_view category)
    : m_client(client)
    , m_media(media)
    , m_name(media.file.filename().string())
    , m_category(category)
  {
  }

  Result<std::string, PublishError> run()
  {
    std::error_code ec;
    const auto size = std::filesystem::file_size(m_media.file, ec);
    std::ifstream in(m_media.file, std::ios::binary);
    if (ec || !in) {
      return unexpected(PublishError{
        PublishError::Kind::permanent, fmt::format("x: {} cannot be read", m_name), {} });
    }
    auto init = initialize(size);
    if (!init) {
      return init;
    }
    m_id = std::move(*init);
    std::string chunk;
    size_t segment = 0;
    for (uintmax_t sent = 0; sent < size; ++segment) {
      chunk.resize(static_cast<size_t>(std::min<uintmax_t>(k_chunk_bytes, size - sent)));
      if (!in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()))) {
        return unexpected(PublishError{
          PublishError::Kind::permanent,
          fmt::format("x: {} changed while it was uploaded (it is shorter than {} bytes)", m_name,
                      size),
          {} });
      }
      if (auto appended = append(segment, std::move(chunk)); !appended) {
        return unexpected(std::move(appended.error()));
      }
      sent += k_chunk_bytes;
      chunk = {};
    }
    auto finalized = finalize();
    if (!finalized) {
      return unexpected(std::move(finalized.error()));
    }
    if (auto done = wait(std::move(*finalized)); !done) {
      return unexpected(std::move(done.error()));
    }
    return m_id;
  }

private:
  std::string path(std::string_view step) const
  {
    return fmt::format("/2/media/upload/{}/{}", http::ascii::percent_encode(m_id), step);
  }

  // The answer to `r` when it is a success; any failure published nothing.
  Result<http::Response, PublishError> send(http::Request r, std::string_view what)
  {
    auto response = m_client.send(std::move(r));
    if (!response) {
      return unexpected(nothing_published(std::move(response.error())));
    }
    if (response->status < 200 || response->status >= 300) {
      return unexpected(nothing_published(m_client.answer_error(*response, what)));
    }
    return response;
  }

  Result<std::string, PublishError> initialize(uintmax_t size)
  {
    constexpr std::string_view what = "x: POST /2/media/upload/initialize";
    auto r = m_client.request("POST", "/2/media/upload/initialize");
    r.headers.push_back({ "Content-Type", "application/json" });
    r.body = dump_json({ { "media_type", media_type_for(m_media.file) },
                         { "total_bytes", size },
                         { "media_category", m_category } });
    auto response = send(std::move(r), what);
    if (!response) {
      return unexpected(std::move(response.error()));
    }
    const auto body = nlohmann::json::parse(response->body, nullptr, false);
    std::string id = json_id(json_member(body, "data"), "id");
    if (id.empty()) {
      return unexpected(
        PublishError{ PublishError::Kind::not_sent,
                      fmt::format("{}: HTTP {} without a media id", what, response->status),
                      {} });
    }
    return id;
  }

  Result<void, PublishError> append(size_t segment, std::string chunk)
  {
    auto r = m_client.request("POST", path("append"));
    r.form.push_back({ "segment_index", "", "", std::to_string(segment), {} });
    r.form.push_back({ "media", m_name, "application/octet-stream", std::move(chunk), {} });
    r.timeouts.total = k_append_timeout;
    auto response = send(std::move(r), "x: POST /2/media/upload/{id}/append");
    if (!response) {
      return unexpected(std::move(response.error()));
    }
    return {};
  }

  Result<Processing, PublishError> finalize()
  {
    auto response =
      send(m_client.request("POST", path("finalize")), "x: POST /2/media/upload/{id}/finalize");
    if (!response) {
      return unexpected(std::move(response.error()));
    }
    return processing(response->body);
  }

  Result<Processing, PublishError> status()
  {
    auto response = send(m_client.request("GET", "/2/media/upload?command=STATUS&media_id=" +
                                                   http::ascii::percent_encode(m_id)),
                         "x: GET /2/media/upload?command=STATUS");
    if (!response) {
      return unexpected(std::move(response.error()));
    }
    return processing(response->body);
  }

  // Asks again, as often as X says to, until X has processed the media or the wait is over.
  Result<void, PublishError> wait(Processing state)
  {
    std::chrono::seconds waited{ 0 };
    for (;;) {
      if (state.state == Processing::State::ready || state.state == Processing::State::succeeded) {
        return {};
      }
      if (state.state == Processing::State::failed) {
        return unexpected(PublishError{
          PublishError::Kind::permanent,
          fmt::format("x: X could not process {}: {}", m_name,
                      state.error.empty() ? std::string("no reason given")
                                          : server_text(state.error, m_client.secrets())),
          {} });
      }
      const auto next = std::max(state.check_after, k_min_check_after);
      // Known to end past the limit: said now, instead of after sleeping for nothing.
      if (waited + next > k_max_processing_wait) {
        return unexpected(PublishError{
          PublishError::Kind::not_sent,
          fmt::format("x: X was still processing {} ({}) after {} s and asked to check again in "
                      "{} s; herald waits at most {} s, and posted nothing",
                      m_name,
                      state.state_name.empty() ? std::string("no state")
                                               : server_text(state.state_name, m_client.secrets()),
                      waited.count(), next.count(), k_max_processing_wait.count()),
          {} });
      }
      m_client.sleep(next);
      waited += next;
      auto asked = status();
      if (!asked) {
        return unexpected(std::move(asked.error()));
      }
      state = std::move(*asked);
    }
  }

  Client& m_client;
  const OutMedia& m_media;
  std::string m_name;
  std::string m_category;
  std::string m_id;
};

} // namespace

Result<std::string, PublishError>
upload_chunked(Client& client, const OutMedia& media, std::string_view category)
{
  return ChunkedUpload(client, media, category).run();
}

} // namespace herald::platforms::x
