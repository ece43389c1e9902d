// `retry:` of an account: how its jobs that fail in a retryable way are tried again.

#include "load_context.hpp"

#include "util/duration.hpp"

#include <fmt/core.h>

#include <array>
#include <charconv>

namespace herald::calendar {

namespace {

constexpr std::array<std::string_view, 4> k_retry_keys = { "attempts", "backoff", "max_backoff",
                                                           "jitter" };

std::optional<int>
parse_int(std::string_view text)
{
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

class RetryReader
{
public:
  RetryReader(LoadContext& ctx, const SourceFile& file, std::string path)
    : m_ctx(ctx)
    , m_file(file)
    , m_path(std::move(path))
  {
  }

  std::optional<int> attempts(const YamlNode& node)
  {
    const auto value = scalar_int(node, "attempts", "a whole number of attempts from 1 to 100");
    if (value && (*value < 1 || *value > 100)) {
      m_ctx.error(m_file, node,
                  fmt::format("'{}.attempts' must be from 1 to 100, not {}", m_path, *value));
      return std::nullopt;
    }
    return value;
  }

  std::optional<std::chrono::seconds> duration(const YamlNode& node, std::string_view key)
  {
    const std::string path = join_path(m_path, key);
    if (!expect_scalar(m_ctx, m_file, node, path, "a duration, like 1m or 2h")) {
      return std::nullopt;
    }
    const auto parsed = parse_duration(trim(node.scalar));
    if (!parsed) {
      m_ctx.error(m_file, node, fmt::format("'{}': {}", path, parsed.error()));
      return std::nullopt;
    }
    if (parsed->count() <= 0) {
      m_ctx.error(m_file, node, fmt::format("'{}' must be longer than 0s", path));
      return std::nullopt;
    }
    return *parsed;
  }

  // "25%" (or 25): how much longer than the plain backoff a wait may be, so that retries of many
  // jobs spread out instead of hitting the platform together.
  std::optional<int> jitter(const YamlNode& node)
  {
    const std::string path = join_path(m_path, "jitter");
    const std::string_view what = "a percentage from 0% to 100%, like 25%";
    if (!expect_scalar(m_ctx, m_file, node, path, what)) {
      return std::nullopt;
    }
    std::string_view text = trim(node.scalar);
    if (text.ends_with('%')) {
      text.remove_suffix(1);
    }
    const auto value = parse_int(text);
    if (!value || *value < 0 || *value > 100) {
      m_ctx.error(m_file, node, fmt::format("'{}' must be {}", path, what));
      return std::nullopt;
    }
    return value;
  }

private:
  std::optional<int> scalar_int(const YamlNode& node, std::string_view key, std::string_view what)
  {
    const std::string path = join_path(m_path, key);
    if (!expect_scalar(m_ctx, m_file, node, path, what)) {
      return std::nullopt;
    }
    const auto value = parse_int(trim(node.scalar));
    if (!value) {
      m_ctx.error(m_file, node, fmt::format("'{}' must be {}", path, what));
    }
    return value;
  }

  LoadContext& m_ctx;
  const SourceFile& m_file;
  std::string m_path;
};

} // namespace

std::optional<RetrySettings>
read_retry_settings(LoadContext& ctx, const SourceFile& file, const YamlNode& node,
                    const std::string& account)
{
  const std::string path = join_path(join_path("accounts", account), "retry");
  if (!expect_map(ctx, file, node, path,
                  "a map with 'attempts:', 'backoff:', 'max_backoff:' or 'jitter:'")) {
    return std::nullopt;
  }
  check_known_keys(ctx, file, node, k_retry_keys, fmt::format("in '{}'", path));
  RetryReader reader(ctx, file, path);
  RetrySettings settings;
  settings.pos = ctx.pos(file, node);
  if (const YamlNode* value = find_value(node, "attempts")) {
    settings.attempts = reader.attempts(*value);
  }
  if (const YamlNode* value = find_value(node, "backoff")) {
    settings.backoff = reader.duration(*value, "backoff");
  }
  if (const YamlNode* value = find_value(node, "max_backoff")) {
    settings.max_backoff = reader.duration(*value, "max_backoff");
  }
  if (const YamlNode* value = find_value(node, "jitter")) {
    settings.jitter_percent = reader.jitter(*value);
  }
  if (settings.backoff && settings.max_backoff && *settings.max_backoff < *settings.backoff) {
    ctx.error(file, *find_value(node, "max_backoff"),
              fmt::format("'{}.max_backoff' must not be shorter than '{}.backoff'", path, path));
  }
  return settings;
}

} // namespace herald::calendar
