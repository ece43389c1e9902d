#include "model.hpp"

#include <algorithm>

namespace herald::calendar {

bool
Article::empty() const
{
  return title.empty() && link.empty() && tags.empty() && canonical_url.empty() && series.empty() &&
         published;
}

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

bool
SlotRule::applies_to(const std::string& account) const
{
  return to.empty() || std::find(to.begin(), to.end(), account) != to.end();
}

bool
Calendar::has_slots_for(const std::string& account) const
{
  return std::any_of(slots.begin(), slots.end(),
                     [&](const SlotRule& rule) { return rule.applies_to(account); });
}

namespace {

std::vector<Content>
apply_variant(const Post& post, const std::string& account)
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

} // namespace

std::vector<Content>
render_for(const Post& post, const std::string& account)
{
  auto parts = apply_variant(post, account);
  if (const auto tags = post.utm.find(account); tags != post.utm.end()) {
    for (auto& part : parts) {
      part.text = text::tag_links(part.text, tags->second);
    }
  }
  return parts;
}

Article
article_for(const Post& post, const std::string& account)
{
  Article article = post.article;
  if (const auto it = post.variants.find(account); it != post.variants.end() && it->second.title) {
    article.title = *it->second.title;
    article.pos["title"] = it->second.title_pos;
  }
  return article;
}

} // namespace herald::calendar
