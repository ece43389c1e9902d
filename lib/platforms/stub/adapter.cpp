// The `stub` platform publishes nowhere: each post becomes one JSON file in `dir:` (or a JSON
// line on stdout with `dir: "-"`), so a calendar can be tried end to end without an account.
#include "platforms/credentials.hpp"
#include "platforms/platform.hpp"
#include "platforms/registry_entries.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

#include <fmt/core.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <system_error>

namespace herald::platforms {

namespace {

namespace fs = std::filesystem;

// The job id with '/' replaced by '~', which neither post ids nor account names may contain,
// so distinct jobs never share a file.
std::string
file_name_for(std::string_view job_id)
{
  std::string name(job_id);
  for (auto& c : name) {
    if (c == '/') {
      c = '~';
    }
  }
  return name + ".json";
}

nlohmann::json
document_for(const OutPost& post)
{
  return { { "job", post.job_id },
           { "post", post.post_id },
           { "account", post.account },
           { "idempotency_key", post.idempotency_key },
           { "parts", to_json(post.parts) } };
}

class StubAdapter : public Adapter
{
public:
  StubAdapter(std::string dir, fs::path base_dir, std::string fail)
    : m_dir(std::move(dir))
    , m_base_dir(std::move(base_dir))
    , m_fail(std::move(fail))
  {
  }

  Result<Verified, PublishError> verify() override
  {
    if (m_dir == "-") {
      return Verified{ "writes to standard output" };
    }
    const fs::path dir = fs::path(m_dir).is_absolute() ? fs::path(m_dir) : m_base_dir / m_dir;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || ::access(dir.c_str(), W_OK) != 0) {
      return unexpected(PublishError{
        PublishError::Kind::permanent, fmt::format("stub: cannot write to {}", dir.string()), {} });
    }
    return Verified{ fmt::format("writes to {}", dir.lexically_normal().string()) };
  }

  Result<Published, PublishError> publish(const OutPost& post) override
  {
    if (m_fail == "permanent") {
      return unexpected(
        PublishError{ PublishError::Kind::permanent, "stub: refused (fail: permanent)", {} });
    }
    if (m_fail == "not-sent") {
      return unexpected(PublishError{
        PublishError::Kind::not_sent, "stub: could not connect (fail: not-sent)", {} });
    }
    if (m_dir == "-") {
      // One line per post: standard output may also carry `--json`'s JSON Lines.
      const std::string line = document_for(post).dump() + "\n";
      if (std::fwrite(line.data(), 1, line.size(), stdout) != line.size() ||
          std::fflush(stdout) != 0) {
        return unexpected(PublishError{ PublishError::Kind::permanent,
                                        fmt::format("stub: cannot write to standard output: {}",
                                                    std::generic_category().message(errno)),
                                        {} });
      }
      return Published{ post.job_id, "stdout:" + post.job_id };
    }
    const std::string document = document_for(post).dump(2) + "\n";
    const fs::path dir = fs::path(m_dir).is_absolute() ? fs::path(m_dir) : m_base_dir / m_dir;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
      return unexpected(
        PublishError{ PublishError::Kind::not_sent,
                      fmt::format("stub: cannot create {}: {}", dir.string(), ec.message()),
                      {} });
    }
    const fs::path file = (dir / file_name_for(post.job_id)).lexically_normal();
    // Like a platform that honours idempotency keys: a resend of the same key is answered
    // with the first result instead of a second post.
    if (fs::exists(file)) {
      std::ifstream in(file);
      const auto existing = nlohmann::json::parse(in, nullptr, false);
      if (!existing.is_discarded() &&
          existing.value("idempotency_key", "") == post.idempotency_key) {
        return Published{ file.filename().string(), file.string() };
      }
    }
    if (auto written = write_file_atomically(file, document); !written) {
      return unexpected(
        PublishError{ PublishError::Kind::not_sent, "stub: " + written.error(), {} });
    }
    return Published{ file.filename().string(), file.string() };
  }

  // The outbox keeps one file per job, so it can say whether a job went out before (a re-run
  // with a fresh state); standard output keeps nothing.
  std::string ledger() override { return m_dir == "-" ? std::string() : "outbox file"; }

  Result<std::optional<Published>, PublishError> find_earlier(const OutPost& post,
                                                              TimePoint /*since*/) override
  {
    const fs::path dir = fs::path(m_dir).is_absolute() ? fs::path(m_dir) : m_base_dir / m_dir;
    const fs::path file = (dir / file_name_for(post.job_id)).lexically_normal();
    std::ifstream in(file);
    if (!in) {
      return std::optional<Published>();
    }
    const auto existing = nlohmann::json::parse(in, nullptr, false);
    if (existing.is_discarded() || existing.value("idempotency_key", "") != post.idempotency_key) {
      return std::optional<Published>();
    }
    return std::optional<Published>(Published{ file.filename().string(), file.string() });
  }

private:
  std::string m_dir;
  fs::path m_base_dir;
  std::string m_fail;
};

class StubPlatform : public Platform
{
public:
  std::string_view name() const override { return "stub"; }

  Capabilities capabilities() const override
  {
    return { .threads = true, .media = true, .idempotent = true, .max_text_length = 0 };
  }

  std::vector<std::string_view> setting_keys() const override { return { "dir", "fail" }; }

  void check(const AccountConfig& account, const std::map<std::string, SourcePos>& setting_pos,
             const SourcePos& account_pos, const AdapterContext& /*context*/,
             Diagnostics& diagnostics) const override
  {
    const auto& s = account.settings;
    if (s.contains("dir") && !s["dir"].is_string()) {
      diagnostics.error(pos_of(setting_pos, "dir", account_pos),
                        fmt::format("account '{}': 'dir' must be one directory (a string), or "
                                    "\"-\" for standard output",
                                    account.name));
    } else if (!s.contains("dir") || s["dir"].get<std::string>().empty()) {
      diagnostics.error(account_pos, fmt::format("account '{}': the stub platform needs 'dir:' "
                                                 "(a directory for the published posts, or \"-\" "
                                                 "for standard output)",
                                                 account.name));
    }
    if (s.contains("fail")) {
      const auto fail = s["fail"].is_string() ? s["fail"].get<std::string>() : "";
      if (fail != "permanent" && fail != "not-sent") {
        const auto it = setting_pos.find("fail");
        diagnostics.error(
          it != setting_pos.end() ? it->second : account_pos,
          fmt::format("account '{}': 'fail' must be 'permanent' or 'not-sent'", account.name));
      }
    }
  }

  std::unique_ptr<Adapter> make_adapter(const AccountConfig& account,
                                        const AdapterContext& /*context*/) const override
  {
    const auto& s = account.settings;
    if (!s.contains("dir") || !s["dir"].is_string()) {
      throw Error(fmt::format("account '{}': the stub platform needs 'dir:'", account.name));
    }
    return std::make_unique<StubAdapter>(s["dir"].get<std::string>(), account.base_dir,
                                         s.value("fail", ""));
  }
};

} // namespace

const Platform&
stub_platform()
{
  static const StubPlatform platform;
  return platform;
}

} // namespace herald::platforms
