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

} // namespace herald::app
