#include "ledger.hpp"

#include "util/unavailable_error.hpp"

#include <fmt/core.h>

#include <exception>

namespace herald::queue {

using platforms::PublishError;

bool
is_one_off_key(std::string_view calendar_key)
{
  return calendar_key.starts_with(k_one_off_prefix);
}

Sent
look_then_publish(platforms::Adapter& adapter, const platforms::OutPost& post,
                  const std::optional<TimePoint>& look_since)
{
  Sent sent{ platforms::Published{}, false, false, {} };
  if (look_since) {
    sent.ledger = adapter.ledger();
    if (!sent.ledger.empty()) {
      auto found = adapter.find_earlier(post, *look_since);
      if (!found) {
        PublishError error = std::move(found.error());
        // A look-up only reads: whatever happened to it, nothing was published.
        if (error.kind == PublishError::Kind::maybe_sent) {
          error.kind = PublishError::Kind::not_sent;
        }
        sent.result = unexpected(std::move(error));
        sent.look_failed = true;
        return sent;
      }
      if (*found) {
        sent.result = std::move(**found);
        sent.found_earlier = true;
        return sent;
      }
    }
  }
  try {
    sent.result = adapter.publish(post);
  } catch (const UnavailableError& e) {
    // libcurl that cannot be loaded, say: the request never left.
    sent.result = unexpected(PublishError{ PublishError::Kind::not_sent, e.what(), {} });
  } catch (const std::exception& e) {
    // Thrown anywhere in publish(), perhaps after the platform took the post (an answer that
    // breaks the code reading it): sending again could publish twice.
    sent.result = unexpected(PublishError{ PublishError::Kind::maybe_sent,
                                           fmt::format("{}; it may have been published", e.what()),
                                           {} });
  }
  return sent;
}

} // namespace herald::queue
