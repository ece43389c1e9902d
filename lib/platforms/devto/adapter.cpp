// The `devto` platform: publishes a post as an article on a Forem instance (dev.to by default)
// through the Forem API v1 (platforms.md section 9). POST /api/articles takes the title, the
// post's text as body_markdown, `published` (always sent: the API's default is a draft), and
// the tags, series and canonical URL when written. The API has no idempotency key: after a crash
// the account's own articles (GET /api/articles/me/all, drafts included) are searched by title.
#include "platforms/conversations.hpp"
#include "platforms/credentials.hpp"
#include "platforms/devto/devto.hpp"
#include "platforms/http_errors.hpp"
#include "platforms/metrics.hpp"
#include "platforms/platform.hpp"
#include "platforms/registry_entries.hpp"

#include <fmt/core.h>

namespace herald::platforms {

namespace {

// Looking for an earlier copy reads the account's articles this many at a time, at most this
// many pages.
constexpr size_t k_search_page_size = 100;
constexpr size_t k_search_pages = 5;

class DevtoAdapter : public Adapter
{
public:
  DevtoAdapter(const AccountConfig& account, const AdapterContext& context)
    : m_client(account, context)
  {
  }

  Result<Published, PublishError> publish(const OutPost& post) override
  {
    if (auto refused = refusal(post)) {
      return unexpected(std::move(*refused));
    }
    return m_client.create_article(devto::article_request(post.article, post.parts.front().text));
  }

  Result<std::optional<Published>, PublishError> find_published(const OutPost& post,
                                                                TimePoint since) override
  {
    return search(post, since, true);
  }

  Result<std::optional<Published>, PublishError> find_earlier(const OutPost& post,
                                                              TimePoint since) override
  {
    return search(post, since, false);
  }

  std::string ledger() override { return "the account's articles, by title"; }

  Result<Verified, PublishError> verify() override
  {
    auto name = m_client.username();
    if (!name) {
      return unexpected(std::move(name.error()));
    }
    return Verified{ fmt::format("@{} on {}", *name, m_client.base_url()) };
  }

private:
  // The same refusals as validate: publish() sends nothing for a post that cannot be an article.
  static std::optional<PublishError> refusal(const OutPost& post)
  {
    std::string why;
    if (post.parts.size() != 1) {
      why = post.parts.empty() ? "nothing to post" : "a thread cannot be one dev.to article";
    } else if (const auto media = devto::message_problems(post.parts.front()); !media.empty()) {
      why = media.front();
    } else if (const auto article = devto::article_problems(post.article); !article.empty()) {
      why = article.front().message;
    }
    if (why.empty()) {
      return std::nullopt;
    }
    return PublishError{ PublishError::Kind::permanent, "devto: " + why, {} };
  }

  Result<std::optional<Published>, PublishError> search(const OutPost& post, TimePoint since,
                                                        bool must_finish)
  {
    if (post.article.title.empty()) {
      return unexpected(PublishError{
        PublishError::Kind::permanent, "devto: an article without a title cannot be found", {} });
    }
    for (size_t page = 1; page <= k_search_pages; ++page) {
      auto list = m_client.get_json(
        fmt::format("/api/articles/me/all?page={}&per_page={}", page, k_search_page_size),
        "devto: GET /api/articles/me/all");
      if (!list) {
        return unexpected(std::move(list.error()));
      }
      if (!list->is_array()) {
        return unexpected(PublishError{
          PublishError::Kind::not_sent, "devto: GET /api/articles/me/all answered no list", {} });
      }
      for (const auto& article : *list) {
        if (devto::is_our_article(article, post.article.title, since)) {
          const auto& secrets = m_client.secrets();
          return std::optional<Published>(
            Published{ server_text(json_id(article, "id"), secrets),
                       server_text(json_id(article, "url"), secrets) });
        }
      }
      if (list->size() < k_search_page_size) {
        return std::optional<Published>();
      }
    }
    if (must_finish) {
      return unexpected(PublishError{
        PublishError::Kind::permanent,
        fmt::format("devto: the account has more than {} articles; not all were searched",
                    k_search_pages * k_search_page_size),
        {} });
    }
    return std::optional<Published>();
  }

  devto::Client m_client;
};

class DevtoPlatform : public Platform
{
public:
  std::string_view name() const override { return "devto"; }

  Capabilities capabilities() const override
  {
    return {
      .threads = false, .media = false, .idempotent = false, .max_text_length = 0, .articles = true
    };
  }

  std::vector<std::string_view> setting_keys() const override { return { "url", "token_env" }; }

  std::vector<std::string> media_problems(const AccountConfig& /*account*/,
                                          const OutPart& message) const override
  {
    return devto::message_problems(message);
  }

  std::vector<ArticleProblem> article_problems(const AccountConfig& /*account*/,
                                               const OutArticle& article) const override
  {
    return devto::article_problems(article);
  }

  void check(const AccountConfig& account, const std::map<std::string, SourcePos>& setting_pos,
             const SourcePos& account_pos, const AdapterContext& context,
             Diagnostics& diagnostics) const override
  {
    check_secret(account, "token", setting_pos, account_pos, context, diagnostics);
    if (!setting(account, "url").empty()) {
      check_url_setting(account, "Forem instance", setting_pos, account_pos, diagnostics);
    }
  }

  void check_messages(const AccountConfig& account, const std::vector<MessageToCheck>& messages,
                      const std::map<std::string, SourcePos>& /*setting_pos*/,
                      const SourcePos& /*account_pos*/, const AdapterContext& /*context*/,
                      Diagnostics& diagnostics) const override
  {
    for (const auto& message : messages) {
      if (message.parts.size() > 1) {
        diagnostics.error(message.pos,
                          fmt::format("post '{}': account '{}' (devto) cannot take a thread: a "
                                      "dev.to article is one text",
                                      message.post_id, account.name));
      }
    }
  }

  std::unique_ptr<Adapter> make_adapter(const AccountConfig& account,
                                        const AdapterContext& context) const override
  {
    return std::make_unique<DevtoAdapter>(account, context);
  }

  Result<std::unique_ptr<ConversationSource>> make_conversations(
    const AccountConfig& account, const AdapterContext& context) const override
  {
    return make_devto_conversations(account, context);
  }

  std::unique_ptr<MetricsSource> make_metrics(const AccountConfig& account,
                                              const AdapterContext& context) const override
  {
    return make_devto_metrics(account, context);
  }
};

} // namespace

const Platform&
devto_platform()
{
  static const DevtoPlatform platform;
  return platform;
}

} // namespace herald::platforms
