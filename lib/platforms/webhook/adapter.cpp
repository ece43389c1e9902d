// The `webhook` platform POSTs each post as JSON to one URL: a fixed document by default, or
// the account's `template:` with {{text}}, {{post}}, {{job}}, {{account}} and
// {{idempotency_key}} filled in. The URL is `url:` (plain) or read from the variable that
// `url_env:` names (when it embeds a secret).
#include "http/redact.hpp"
#include "http/url_policy.hpp"

#include "platforms/credentials.hpp"
#include "platforms/http_errors.hpp"
#include "platforms/platform.hpp"
#include "platforms/registry_entries.hpp"
#include "util/error.hpp"

#include <fmt/core.h>

namespace herald::platforms {

namespace {

// `value` escaped for use inside a JSON string literal (without the quotes).
std::string
json_escaped(const std::string& value)
{
  const std::string quoted = dump_json(value);
  return quoted.substr(1, quoted.size() - 2);
}

struct TemplateValues
{
  std::string text;
  std::string post;
  std::string job;
  std::string account;
  std::string idempotency_key;
};

// Replaces each {{name}} with its JSON-escaped value; an unknown {{name}} is left as written
// (check() then usually finds the result is not JSON, or it is meant literally).
std::string
substitute(const std::string& templ, const TemplateValues& values)
{
  const std::pair<std::string_view, const std::string*> fields[] = {
    { "text", &values.text },
    { "post", &values.post },
    { "job", &values.job },
    { "account", &values.account },
    { "idempotency_key", &values.idempotency_key },
  };
  std::string out;
  size_t i = 0;
  while (i < templ.size()) {
    const auto open = templ.find("{{", i);
    if (open == std::string::npos) {
      break;
    }
    const auto close = templ.find("}}", open + 2);
    if (close == std::string::npos) {
      break;
    }
    std::string_view name(templ.data() + open + 2, close - open - 2);
    while (!name.empty() && name.front() == ' ') {
      name.remove_prefix(1);
    }
    while (!name.empty() && name.back() == ' ') {
      name.remove_suffix(1);
    }
    const std::string* value = nullptr;
    for (const auto& [key, field] : fields) {
      if (key == name) {
        value = field;
      }
    }
    out.append(templ, i, open - i);
    if (value) {
      out += json_escaped(*value);
    } else {
      out.append(templ, open, close + 2 - open);
    }
    i = close + 2;
  }
  out.append(templ, i, std::string::npos);
  return out;
}

// All parts' text, a blank line apart: a template has one {{text}} for the whole thread.
std::string
joined_text(const OutPost& post)
{
  std::string text;
  for (const auto& part : post.parts) {
    text += (text.empty() ? "" : "\n\n") + part.text;
  }
  return text;
}

// `idempotent: "true"`, or an unquoted YAML true.
bool
is_idempotent(const AccountConfig& account)
{
  const auto it = account.settings.find("idempotent");
  if (it != account.settings.end() && it->is_boolean()) {
    return it->get<bool>();
  }
  return setting(account, "idempotent") == "true";
}

class WebhookAdapter : public Adapter
{
public:
  WebhookAdapter(std::string url, bool url_is_secret, std::optional<std::string> templ,
                 bool idempotent, const AdapterContext& context)
    : m_url(std::move(url))
    , m_template(std::move(templ))
    , m_idempotent(idempotent)
    , m_context(context)
  {
    if (url_is_secret) {
      // The secret may be anywhere in the URL; the HTTP request line shows only path and query,
      // so mask that too (greedy, like redact() itself).
      m_secrets.push_back(m_url);
      if (const auto scheme = m_url.find("://"); scheme != std::string::npos) {
        const auto path = m_url.find('/', scheme + 3);
        if (path != std::string::npos && m_url.size() - path > 1) {
          m_secrets.push_back(m_url.substr(path, m_url.find('#', path) - path));
        }
      }
    }
  }

  // A webhook has only the one endpoint, and calling it publishes.
  Result<Verified, PublishError> verify() override
  {
    return Verified{ "a webhook cannot be checked without posting to it", false };
  }

  Result<Published, PublishError> publish(const OutPost& post) override
  {
    std::string body;
    if (m_template) {
      body = substitute(*m_template, { joined_text(post), post.post_id, post.job_id, post.account,
                                       post.idempotency_key });
      if (nlohmann::json::parse(body, nullptr, false).is_discarded()) {
        return unexpected(PublishError{
          PublishError::Kind::permanent, "webhook: the template does not give valid JSON", {} });
      }
    } else {
      body = dump_json({ { "job", post.job_id },
                         { "post", post.post_id },
                         { "account", post.account },
                         { "idempotency_key", post.idempotency_key },
                         { "parts", to_json(post.parts) } });
    }

    http::Request request;
    request.method = "POST";
    request.url = m_url;
    request.headers.push_back({ "Content-Type", "application/json" });
    request.headers.push_back({ "Idempotency-Key", post.idempotency_key });
    request.body = std::move(body);
    request.secrets = m_secrets;
    const auto response = m_transport->send(request);
    if (!response) {
      return unexpected(resendable(from_transport(response.error(), "webhook")));
    }
    const auto now = m_context.clock ? m_context.clock->now() : SystemClock().now();
    if (response->status < 200 || response->status >= 300) {
      return unexpected(resendable(from_response(*response, "webhook: POST", "", m_secrets, now)));
    }
    Published published{ post.idempotency_key, "" };
    const auto json = nlohmann::json::parse(response->body, nullptr, false);
    if (json.is_object()) {
      if (const auto it = json.find("id"); it != json.end()) {
        if (it->is_string() && !it->get<std::string>().empty()) {
          published.remote_id = it->get<std::string>();
        } else if (it->is_number()) {
          published.remote_id = it->dump();
        }
      }
      if (const auto it = json.find("url"); it != json.end() && it->is_string()) {
        published.url = it->get<std::string>();
      }
    }
    return published;
  }

private:
  // An account that declares its endpoint idempotent gets its ambiguous failures retried: the
  // resend carries the same Idempotency-Key. (capabilities_for() says the same to the runner,
  // so a job a crash left in `sending` is resent too.)
  PublishError resendable(PublishError error) const
  {
    if (m_idempotent && error.kind == PublishError::Kind::maybe_sent) {
      error.kind = PublishError::Kind::not_sent;
      error.message += " (resent with the same Idempotency-Key: the account says "
                       "'idempotent: \"true\"')";
    }
    return error;
  }

  std::string m_url;
  std::optional<std::string> m_template;
  bool m_idempotent = false;
  AdapterContext m_context;
  std::vector<std::string> m_secrets;
  LazyTransport m_transport{ m_context };
};

class WebhookPlatform : public Platform
{
public:
  std::string_view name() const override { return "webhook"; }

  Capabilities capabilities() const override
  {
    // idempotent is false here: the setting is per account (capabilities_for()).
    return { .threads = true, .media = false, .idempotent = false, .max_text_length = 0 };
  }

  Capabilities capabilities_for(const AccountConfig& account) const override
  {
    auto capabilities = this->capabilities();
    capabilities.idempotent = is_idempotent(account);
    return capabilities;
  }

  std::vector<std::string_view> setting_keys() const override
  {
    return { "url_env", "url", "template", "idempotent" };
  }

  void check(const AccountConfig& account, const std::map<std::string, SourcePos>& setting_pos,
             const SourcePos& account_pos, const AdapterContext& context,
             Diagnostics& diagnostics) const override
  {
    const auto pos_of = [&](const std::string& key) {
      const auto it = setting_pos.find(key);
      return it != setting_pos.end() ? it->second : account_pos;
    };
    const auto& s = account.settings;
    const bool has_env = s.contains("url_env");
    const bool has_url = s.contains("url");
    if (has_env == has_url) {
      diagnostics.error(has_url ? pos_of("url") : account_pos,
                        fmt::format("account '{}': the webhook platform needs exactly one of "
                                    "'url_env:' (a variable holding the URL) or 'url:'",
                                    account.name));
    } else if (has_env) {
      check_secret(account, "url", setting_pos, account_pos, context, diagnostics);
      if (const auto url = read_secret(account, "url", context)) {
        if (const auto target = http::check_url(*url); !target) {
          diagnostics.error(pos_of("url_env"),
                            fmt::format("account '{}': {} (url_env) is not a usable URL: {}",
                                        account.name, setting(account, "url_env"), target.error()));
        }
      }
    } else if (!s["url"].is_string()) {
      diagnostics.error(pos_of("url"),
                        fmt::format("account '{}': 'url' must be a string", account.name));
    } else if (const auto target = http::check_url(s["url"].get<std::string>()); !target) {
      diagnostics.error(pos_of("url"),
                        fmt::format("account '{}': 'url': {}", account.name, target.error()));
    }
    if (s.contains("template")) {
      if (!s["template"].is_string()) {
        diagnostics.error(pos_of("template"), fmt::format("account '{}': 'template' must be a "
                                                          "string holding a JSON document",
                                                          account.name));
      } else {
        // A trial run with awkward values: quotes, a newline, a backslash, non-ASCII.
        const TemplateValues trial{ "a \"quoted\"\nline \\ é", "post", "post/account", "account",
                                    "herald-0" };
        const auto body = substitute(s["template"].get<std::string>(), trial);
        if (nlohmann::json::parse(body, nullptr, false).is_discarded()) {
          diagnostics.error(pos_of("template"),
                            fmt::format("account '{}': 'template' is not valid JSON once "
                                        "{{{{text}}}} and friends are filled in (put them "
                                        "inside quotes: \"{{{{text}}}}\")",
                                        account.name));
        }
      }
    }
    if (s.contains("idempotent") && !s["idempotent"].is_boolean()) {
      const auto value = setting(account, "idempotent");
      if (value != "true" && value != "false") {
        diagnostics.error(
          pos_of("idempotent"),
          fmt::format("account '{}': 'idempotent' must be \"true\" or \"false\"", account.name));
      }
    }
  }

  std::unique_ptr<Adapter> make_adapter(const AccountConfig& account,
                                        const AdapterContext& context) const override
  {
    const auto& s = account.settings;
    std::string url;
    bool secret = false;
    if (s.contains("url_env")) {
      auto value = read_secret(account, "url", context);
      if (!value) {
        throw Error(value.error());
      }
      url = std::move(*value);
      secret = true;
    } else {
      url = setting(account, "url");
    }
    if (url.empty() || !http::check_url(url)) {
      throw Error(
        fmt::format("account '{}': the webhook URL is missing or not usable", account.name));
    }
    std::optional<std::string> templ;
    if (s.contains("template") && s["template"].is_string()) {
      templ = s["template"].get<std::string>();
    }
    return std::make_unique<WebhookAdapter>(std::move(url), secret, std::move(templ),
                                            is_idempotent(account), context);
  }
};

} // namespace

const Platform&
webhook_platform()
{
  static const WebhookPlatform platform;
  return platform;
}

} // namespace herald::platforms
