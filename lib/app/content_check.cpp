#include "content_check.hpp"

#include "platforms/registry.hpp"
#include "queue/split_parts.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace herald::app {

namespace {

// The platforms that publish a post's long-form keys, as the warnings name them ("devto, lemmy
// and exec"): read from their capabilities, so that a new such platform is named at once.
std::string
article_platforms()
{
  std::vector<std::string_view> names;
  for (const platforms::Platform* platform : platforms::all_platforms()) {
    if (platform->capabilities().articles) {
      names.push_back(platform->name());
    }
  }
  std::string listed;
  for (size_t i = 0; i < names.size(); ++i) {
    listed += i == 0 ? "" : i + 1 == names.size() ? " and " : ", ";
    listed += names[i];
  }
  return listed;
}

// Calls `check(account, platform, config, post, parts)` for every post and every account it goes
// to, with the parts rendered for that account.
template<typename Check>
void
for_each_message(const calendar::Calendar& calendar, Check check)
{
  for (const auto& [name, account] : calendar.accounts) {
    const platforms::Platform* platform = platforms::find_platform(account.platform);
    if (!platform) {
      continue; // reported by check_account
    }
    const auto config = queue::account_config(account);
    for (const auto& post : calendar.posts) {
      if (std::find(post.to.begin(), post.to.end(), name) == post.to.end()) {
        continue;
      }
      check(account, *platform, config, post, queue::parts_for(post, account));
    }
  }
}

std::string
message_name(const calendar::Post& post, size_t index, size_t count)
{
  return count > 1 ? fmt::format("part {} of post '{}'", index + 1, post.id)
                   : fmt::format("post '{}'", post.id);
}

} // namespace

void
check_lengths(const calendar::Calendar& calendar, Diagnostics& diagnostics)
{
  for_each_message(calendar, [&](const calendar::Account& account,
                                 const platforms::Platform& platform,
                                 const platforms::AccountConfig& config, const calendar::Post& post,
                                 const std::vector<calendar::Content>& parts) {
    for (size_t i = 0; i < parts.size(); ++i) {
      const auto rules = platform.message_length_rules(config, queue::out_part(parts[i]));
      if (rules.empty()) {
        continue;
      }
      for (const auto& problem : text::check_length(parts[i].text, rules)) {
        diagnostics.error(parts[i].pos.line > 0 ? parts[i].pos : post.pos,
                          fmt::format("{} is too long for account '{}' ({}): {}",
                                      message_name(post, i, parts.size()), account.name,
                                      account.platform, problem));
      }
    }
  });
}

void
check_media(const calendar::Calendar& calendar, Diagnostics& diagnostics)
{
  for_each_message(calendar, [&](const calendar::Account& account,
                                 const platforms::Platform& platform,
                                 const platforms::AccountConfig& config, const calendar::Post& post,
                                 const std::vector<calendar::Content>& parts) {
    for (size_t i = 0; i < parts.size(); ++i) {
      for (const auto& problem : platform.media_problems(config, queue::out_part(parts[i]))) {
        const SourcePos first = parts[i].media.empty() ? SourcePos{} : parts[i].media.front().pos;
        diagnostics.error(
          first.line > 0 ? first : (parts[i].pos.line > 0 ? parts[i].pos : post.pos),
          fmt::format("{} cannot go to account '{}' ({}): {}", message_name(post, i, parts.size()),
                      account.name, account.platform, problem));
      }
    }
  });
}

void
check_articles(const calendar::Calendar& calendar, Diagnostics& diagnostics)
{
  for_each_message(calendar, [&](const calendar::Account& account,
                                 const platforms::Platform& platform,
                                 const platforms::AccountConfig& config, const calendar::Post& post,
                                 const std::vector<calendar::Content>& /*parts*/) {
    const calendar::Article article = calendar::article_for(post, account.name);
    for (const auto& problem : platform.article_problems(config, queue::out_article(article))) {
      const auto written = article.pos.find(problem.key);
      diagnostics.error(written != article.pos.end() ? written->second : post.pos,
                        fmt::format("post '{}' cannot go to account '{}' ({}): {}", post.id,
                                    account.name, account.platform, problem.message));
    }
  });
}

bool
publishes_articles(const calendar::Account& account)
{
  const platforms::Platform* platform = platforms::find_platform(account.platform);
  return platform && platform->capabilities_for(queue::account_config(account)).articles;
}

void
check_unread_articles(const calendar::Calendar& calendar, Diagnostics& diagnostics)
{
  for (const auto& post : calendar.posts) {
    for (const auto& [name, variant] : post.variants) {
      const auto account = calendar.accounts.find(name);
      if (variant.title && account != calendar.accounts.end() &&
          !publishes_articles(account->second)) {
        diagnostics.warning(variant.title_pos,
                            fmt::format("post '{}' has a 'title:' for account '{}', but {} does "
                                        "not publish titles (only the platforms {} do)",
                                        post.id, name, account->second.platform,
                                        article_platforms()));
      }
    }
    if (post.article.empty()) {
      continue;
    }
    const bool read = std::any_of(post.to.begin(), post.to.end(), [&](const std::string& name) {
      const auto account = calendar.accounts.find(name);
      return account != calendar.accounts.end() && publishes_articles(account->second);
    });
    if (!read) {
      const auto first = std::min_element(
        post.article.pos.begin(), post.article.pos.end(),
        [](const auto& a, const auto& b) { return a.second.line < b.second.line; });
      diagnostics.warning(
        first != post.article.pos.end() ? first->second : post.pos,
        fmt::format("post '{}' has '{}:', but none of its accounts publishes it (only the "
                    "platforms {} read a post's title, link and tags)",
                    post.id, first != post.article.pos.end() ? first->first : "title",
                    article_platforms()));
    }
  }
}

void
check_with_platforms(const calendar::Calendar& calendar, Diagnostics& diagnostics,
                     const std::function<void(std::string_view)>& log)
{
  static const SystemClock clock;
  const auto context = platforms::default_context(clock, {}, log);
  for (const auto& [name, account] : calendar.accounts) {
    const platforms::Platform* platform = platforms::find_platform(account.platform);
    if (!platform) {
      continue; // reported by check_account
    }
    std::vector<platforms::MessageToCheck> messages;
    for (const auto& post : calendar.posts) {
      if (std::find(post.to.begin(), post.to.end(), name) == post.to.end()) {
        continue;
      }
      platforms::MessageToCheck message{
        post.id, post.pos, {}, {}, queue::out_article(calendar::article_for(post, name))
      };
      for (const auto& part : queue::parts_for(post, account)) {
        message.parts.push_back(queue::out_part(part));
        message.part_pos.push_back(part.pos);
      }
      messages.push_back(std::move(message));
    }
    const auto config = queue::account_config(account);
    platform->check_messages(config, messages, account.setting_pos, account.pos, context,
                             diagnostics);
  }
}

} // namespace herald::app
