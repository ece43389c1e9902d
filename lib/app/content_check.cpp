#include "content_check.hpp"

#include "platforms/registry.hpp"

#include <fmt/core.h>

namespace herald::app {

void
check_lengths(const calendar::Calendar& calendar, Diagnostics& diagnostics)
{
  for (const auto& [name, account] : calendar.accounts) {
    const platforms::Platform* platform = platforms::find_platform(account.platform);
    if (!platform) {
      continue; // reported by check_account
    }
    const platforms::AccountConfig config{ account.name, account.platform, account.settings,
                                           account.base_dir };
    const auto rules = platform->length_rules(config);
    if (rules.empty()) {
      continue;
    }
    for (const auto& post : calendar.posts) {
      if (std::find(post.to.begin(), post.to.end(), name) == post.to.end()) {
        continue;
      }
      const auto parts = calendar::render_for(post, name);
      for (size_t i = 0; i < parts.size(); ++i) {
        for (const auto& problem : text::check_length(parts[i].text, rules)) {
          const std::string what = parts.size() > 1
                                     ? fmt::format("part {} of post '{}'", i + 1, post.id)
                                     : fmt::format("post '{}'", post.id);
          diagnostics.error(parts[i].pos.line > 0 ? parts[i].pos : post.pos,
                            fmt::format("{} is too long for account '{}' ({}): {}", what, name,
                                        account.platform, problem));
        }
      }
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
      platforms::MessageToCheck message{ post.id, post.pos, {}, {} };
      for (const auto& part : calendar::render_for(post, name)) {
        platforms::OutPart out{ part.text, {} };
        for (const auto& media : part.media) {
          out.media.push_back({ media.path, media.alt });
        }
        message.parts.push_back(std::move(out));
        message.part_pos.push_back(part.pos);
      }
      messages.push_back(std::move(message));
    }
    const platforms::AccountConfig config{ account.name, account.platform, account.settings,
                                           account.base_dir };
    platform->check_messages(config, messages, account.setting_pos, account.pos, context,
                             diagnostics);
  }
}

} // namespace herald::app
