#include "announcement.hpp"

#include <fmt/core.h>

namespace herald::release {

namespace {

// Below this a platform is a microblog: its posts are read in a timeline, not a channel.
constexpr size_t k_short_form_limit = 1000;

} // namespace

bool
wants_short_form(size_t max_text_length)
{
  return max_text_length > 0 && max_text_length <= k_short_form_limit;
}

std::string
release_title(const ReleaseNotes& notes)
{
  return notes.name.empty() ? fmt::format("Version {} is out", notes.version)
                            : fmt::format("{} is out", notes.name);
}

std::string
default_announcement(const ReleaseNotes& notes, const PlainNotes& plain, bool short_form)
{
  std::string text = release_title(notes);
  const std::string& body = short_form ? plain.summary : plain.text;
  if (!body.empty()) {
    text += "\n\n" + body;
  }
  if (!notes.url.empty()) {
    text += "\n\n" + notes.url;
  }
  return text;
}

} // namespace herald::release
