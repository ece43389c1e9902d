#include "split_parts.hpp"

#include "text/split.hpp"

#include "platforms/registry.hpp"

namespace herald::queue {

platforms::AccountConfig
account_config(const calendar::Account& account)
{
  return { account.name, account.platform, account.settings, account.base_dir };
}

platforms::OutPart
out_part(const calendar::Content& content)
{
  platforms::OutPart part{ content.text, {} };
  for (const auto& media : content.media) {
    part.media.push_back({ media.path, media.alt });
  }
  return part;
}

platforms::OutArticle
out_article(const calendar::Article& article)
{
  return { article.title,         article.link,   article.tags,
           article.canonical_url, article.series, article.published };
}

std::vector<calendar::Content>
parts_for(const calendar::Post& post, const calendar::Account& account)
{
  auto parts = calendar::render_for(post, account.name);
  if (!post.split || parts.size() != 1) {
    return parts;
  }
  const platforms::Platform* platform = platforms::find_platform(account.platform);
  const auto config = account_config(account);
  if (!platform || !platform->capabilities_for(config).threads) {
    return parts;
  }
  // The first part's rules (with its media: a caption may be shorter) hold for every part.
  const auto rules = platform->message_length_rules(config, out_part(parts.front()));
  if (rules.empty() || text::check_length(parts.front().text, rules).empty()) {
    return parts;
  }
  const auto cut = text::split_to_fit(parts.front().text, rules, { post.split->numbering });
  if (!cut) {
    return parts;
  }
  std::vector<calendar::Content> thread;
  for (const auto& text : *cut) {
    calendar::Content part;
    part.text = text;
    part.pos = parts.front().pos;
    thread.push_back(std::move(part));
  }
  thread.front().media = std::move(parts.front().media);
  return thread;
}

} // namespace herald::queue
