#include "model.hpp"

namespace herald::calendar {

const Post*
Calendar::find_post(std::string_view id) const
{
  for (const auto& post : posts) {
    if (post.id == id) {
      return &post;
    }
  }
  return nullptr;
}

std::vector<Content>
render_for(const Post& post, const std::string& account)
{
  const auto it = post.variants.find(account);
  if (it == post.variants.end()) {
    return post.parts;
  }
  const Variant& variant = it->second;
  if (variant.thread) {
    return *variant.thread;
  }
  std::vector<Content> parts = post.parts;
  if (!parts.empty()) {
    if (variant.text) {
      parts.front().text = *variant.text;
    }
    if (variant.media) {
      parts.front().media = *variant.media;
    }
  }
  return parts;
}

} // namespace herald::calendar
