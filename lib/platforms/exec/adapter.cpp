// The `exec` platform: an account served by an out-of-process plugin, a program in any language
// that herald starts and speaks to in JSON lines over its stdin and stdout (the protocol is
// herald-plugins(7)). A plugin cannot hang or crash herald: every answer has a deadline and a
// size cap, a plugin that misbehaves is killed and its job settled as the protocol says, and
// secrets reach it only through the environment variables that the account names.
#include "http/redact.hpp"
#include "text/utf8.hpp"
#include "version.hpp"

#include "platforms/conversations.hpp"
#include "platforms/credentials.hpp"
#include "platforms/http_errors.hpp"
#include "platforms/metrics.hpp"
#include "platforms/platform.hpp"
#include "platforms/plugin_process.hpp"
#include "platforms/registry_entries.hpp"
#include "schedule/zone.hpp"
#include "util/duration.hpp"
#include "util/error.hpp"

#include <fmt/core.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <span>

extern char** environ;

namespace herald::platforms {

namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;
using Kind = PublishError::Kind;
using OrderedJson = nlohmann::ordered_json;

constexpr int k_protocol = 1;
constexpr seconds k_default_timeout{ 30 };
constexpr seconds k_default_hello_timeout{ 5 };
// Well inside a job's lease (10 minutes), so that a slow plugin cannot outlive its claim.
constexpr seconds k_max_timeout{ 300 };
constexpr std::chrono::milliseconds k_stop_grace{ 1000 };
constexpr size_t k_max_answer_line = size_t(1024) * 1024;
constexpr size_t k_max_depth = 64;

// --- settings ----------------------------------------------------------------------------------

struct PluginSettings
{
  std::string written; // the program as the calendar writes it, for messages
  fs::path program;    // resolved
  std::vector<std::string> args;
  std::vector<std::string> env_names;
  seconds timeout = k_default_timeout;
  seconds hello_timeout = k_default_hello_timeout;
  nlohmann::json options = nlohmann::json::object();
  fs::path working_dir; // the calendar's directory
};

struct SettingProblem
{
  std::string key;
  std::string message;
};

bool
is_variable_name(std::string_view name)
{
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) {
    return false;
  }
  for (const char c : name) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
      return false;
    }
  }
  return true;
}

bool
is_executable_file(const fs::path& path)
{
  struct stat st
  {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// A name with a slash is a path (relative ones to the calendar's directory); a bare name is
// looked up on PATH, as a shell does.
Result<fs::path>
resolve_program(const std::string& written, const fs::path& base_dir)
{
  if (written.find('/') != std::string::npos) {
    const fs::path path = fs::path(written).is_absolute() ? fs::path(written) : base_dir / written;
    std::error_code ec;
    if (!fs::exists(path, ec)) {
      return unexpected(fmt::format("plugin program '{}' not found (looked for {})", written,
                                    path.lexically_normal().string()));
    }
    if (!is_executable_file(path)) {
      return unexpected(fmt::format("plugin program '{}' is not an executable file ({})", written,
                                    path.lexically_normal().string()));
    }
    return path.lexically_normal();
  }
  const char* path_env = std::getenv("PATH");
  const std::string path_list = path_env ? path_env : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= path_list.size()) {
    const size_t end = std::min(path_list.find(':', start), path_list.size());
    const std::string dir = path_list.substr(start, end - start);
    const fs::path candidate = fs::path(dir.empty() ? "." : dir) / written;
    if (is_executable_file(candidate)) {
      return fs::absolute(candidate).lexically_normal();
    }
    start = end + 1;
  }
  return unexpected(fmt::format("plugin program '{}' is not found on PATH", written));
}

seconds
read_timeout(const nlohmann::json& settings, const std::string& key, seconds fallback,
             std::vector<SettingProblem>& problems)
{
  const auto it = settings.find(key);
  if (it == settings.end()) {
    return fallback;
  }
  if (!it->is_string()) {
    problems.push_back({ key, fmt::format("'{}' must be a duration, like 30s", key) });
    return fallback;
  }
  const auto parsed = parse_duration(it->get<std::string>());
  if (!parsed) {
    problems.push_back({ key, fmt::format("'{}': {}", key, parsed.error()) });
    return fallback;
  }
  if (*parsed < seconds(1) || *parsed > k_max_timeout) {
    problems.push_back(
      { key, fmt::format("'{}' must be between 1s and {}", key, format_duration(k_max_timeout)) });
    return fallback;
  }
  return *parsed;
}

// Every problem of the account's settings; `resolve` also looks for the program.
PluginSettings
read_settings(const AccountConfig& account, bool resolve, std::vector<SettingProblem>& problems)
{
  PluginSettings settings;
  settings.working_dir = account.base_dir;
  const auto& s = account.settings;

  std::vector<std::string> command;
  const auto cmd = s.find("command");
  if (cmd == s.end() || cmd->is_null()) {
    problems.push_back({ "command", "the exec platform needs 'command:', the plugin program and "
                                    "its arguments, like [./plugins/my-plugin, --flag]" });
  } else if (cmd->is_string()) {
    command.push_back(cmd->get<std::string>());
  } else if (cmd->is_array() && !cmd->empty() &&
             std::all_of(cmd->begin(), cmd->end(), [](const auto& i) { return i.is_string(); })) {
    for (const auto& item : *cmd) {
      command.push_back(item.get<std::string>());
    }
  } else {
    problems.push_back({ "command", "'command' must be a list of strings (the program, then its "
                                    "arguments) or the program alone" });
  }
  if (!command.empty()) {
    settings.written = command.front();
    settings.args.assign(command.begin() + 1, command.end());
    if (settings.written.empty()) {
      problems.push_back({ "command", "'command' names no program" });
    } else if (resolve) {
      if (auto program = resolve_program(settings.written, account.base_dir)) {
        settings.program = std::move(*program);
      } else {
        problems.push_back({ "command", program.error() });
      }
    }
  }

  if (const auto env = s.find("env"); env != s.end()) {
    std::vector<std::string> names;
    if (env->is_string()) {
      names.push_back(env->get<std::string>());
    } else if (env->is_array() &&
               std::all_of(env->begin(), env->end(), [](const auto& i) { return i.is_string(); })) {
      for (const auto& item : *env) {
        names.push_back(item.get<std::string>());
      }
    } else if (!env->is_null()) {
      problems.push_back({ "env", "'env' must be a list of environment variable names" });
    }
    for (auto& name : names) {
      if (!is_variable_name(name)) {
        problems.push_back(
          { "env", fmt::format("'env': '{}' is not an environment variable name", name) });
      } else {
        settings.env_names.push_back(std::move(name));
      }
    }
  }

  settings.timeout = read_timeout(s, "timeout", k_default_timeout, problems);
  settings.hello_timeout = read_timeout(s, "hello_timeout", k_default_hello_timeout, problems);

  if (const auto options = s.find("options"); options != s.end() && !options->is_null()) {
    if (options->is_object()) {
      settings.options = *options;
    } else {
      problems.push_back({ "options", "'options' must be a map (it is handed to the plugin in "
                                      "its hello)" });
    }
  }
  return settings;
}

// The child's environment: the basics every program expects, plus exactly the variables that
// the account names (from the environment or the credentials file). Their values are secrets.
Result<std::vector<std::string>>
child_environment(const AccountConfig& account, const PluginSettings& settings,
                  const AdapterContext& context, std::vector<std::string>& secrets)
{
  std::map<std::string, std::string> env;
  for (const char* name : { "PATH", "HOME", "LANG", "LANGUAGE", "TZ", "TMPDIR" }) {
    if (const char* value = std::getenv(name)) {
      env[name] = value;
    }
  }
  for (char** entry = environ; entry && *entry; ++entry) {
    const std::string_view text(*entry);
    const size_t equals = text.find('=');
    if (text.starts_with("LC_") && equals != std::string_view::npos) {
      env[std::string(text.substr(0, equals))] = std::string(text.substr(equals + 1));
    }
  }
  for (const auto& name : settings.env_names) {
    auto value = context.getenv ? context.getenv(name) : std::nullopt;
    if (!value) {
      return unexpected(
        fmt::format("account '{}': environment variable {} (env) is not set", account.name, name));
    }
    secrets.push_back(*value);
    env[name] = std::move(*value);
  }
  std::vector<std::string> out;
  out.reserve(env.size());
  for (const auto& [name, value] : env) {
    out.push_back(fmt::format("{}={}", name, value));
  }
  return out;
}

// --- what the plugin says it can do --------------------------------------------------------

struct PluginCaps
{
  std::string name;
  std::optional<text::LengthRule> length;
  bool media = false;
  size_t max_media = 0; // 0: no limit
  bool threads = false;
  bool idempotent = false;
  bool validate = false;
  bool verify = false;
  bool conversations = false;
  bool metrics = false;
  bool find = false;
};

std::optional<text::LengthRule::Unit>
unit_from(std::string_view name)
{
  using Unit = text::LengthRule::Unit;
  if (name == "graphemes") {
    return Unit::graphemes;
  }
  if (name == "code_points") {
    return Unit::code_points;
  }
  if (name == "bytes") {
    return Unit::bytes;
  }
  if (name == "utf16") {
    return Unit::utf16;
  }
  return std::nullopt;
}

// The capabilities of a hello answer, or what is wrong with them.
Result<PluginCaps>
caps_from(const nlohmann::json& hello)
{
  PluginCaps caps;
  const auto name = hello.find("name");
  if (name == hello.end() || !name->is_string() || name->get<std::string>().empty()) {
    return unexpected(std::string("its hello has no 'name'"));
  }
  caps.name = name->get<std::string>();
  const auto found = hello.find("capabilities");
  if (found == hello.end()) {
    return caps;
  }
  if (!found->is_object()) {
    return unexpected(std::string("its hello's 'capabilities' is not an object"));
  }
  const auto& c = *found;
  std::string problem;
  const auto flag = [&](const char* key, bool& out) {
    if (const auto it = c.find(key); it != c.end()) {
      if (it->is_boolean()) {
        out = it->get<bool>();
      } else if (problem.empty()) {
        problem = fmt::format("its hello's 'capabilities.{}' must be true or false", key);
      }
    }
  };
  const auto count = [&](const char* key, size_t& out) {
    if (const auto it = c.find(key); it != c.end()) {
      if (it->is_number_unsigned()) {
        out = it->get<size_t>();
      } else if (problem.empty()) {
        problem = fmt::format("its hello's 'capabilities.{}' must be a whole number", key);
      }
    }
  };
  flag("media", caps.media);
  flag("threads", caps.threads);
  flag("idempotent", caps.idempotent);
  flag("validate", caps.validate);
  flag("verify", caps.verify);
  flag("conversations", caps.conversations);
  flag("metrics", caps.metrics);
  flag("find", caps.find);
  count("max_media", caps.max_media);
  size_t max_length = 0;
  size_t url_length = 0;
  count("max_length", max_length);
  count("url_length", url_length);
  auto unit = text::LengthRule::Unit::code_points;
  if (const auto it = c.find("length_unit"); it != c.end()) {
    const auto parsed = it->is_string() ? unit_from(it->get<std::string>()) : std::nullopt;
    if (parsed) {
      unit = *parsed;
    } else if (problem.empty()) {
      problem = "its hello's 'capabilities.length_unit' must be graphemes, code_points, bytes "
                "or utf16";
    }
  }
  if (!problem.empty()) {
    return unexpected(problem);
  }
  if (max_length > 0) {
    caps.length = text::LengthRule{ caps.name, max_length, unit, url_length, false };
  }
  return caps;
}

// Why `parts` cannot go to this plugin, as it said in its hello: (part index, reason).
std::vector<std::pair<size_t, std::string>>
capability_problems(const PluginCaps& caps, const std::vector<OutPart>& parts)
{
  std::vector<std::pair<size_t, std::string>> problems;
  if (parts.size() > 1 && !caps.threads) {
    problems.emplace_back(0, fmt::format("it is a thread of {} parts, and plugin '{}' does not "
                                         "take threads",
                                         parts.size(), caps.name));
  }
  for (size_t i = 0; i < parts.size(); ++i) {
    const auto& part = parts[i];
    if (!part.media.empty() && !caps.media) {
      problems.emplace_back(i, fmt::format("it has media, and plugin '{}' takes none", caps.name));
    } else if (caps.max_media > 0 && part.media.size() > caps.max_media) {
      problems.emplace_back(i, fmt::format("it has {} media files, and plugin '{}' takes at most "
                                           "{}",
                                           part.media.size(), caps.name, caps.max_media));
    }
    if (caps.length) {
      for (const auto& problem : text::check_length(part.text, std::span(&*caps.length, 1))) {
        problems.emplace_back(
          i, fmt::format("it is too long for plugin '{}': {}", caps.name, problem));
      }
    }
  }
  return problems;
}

std::string
joined_text(const std::vector<OutPart>& parts)
{
  std::string text;
  for (const auto& part : parts) {
    text += (text.empty() ? "" : "\n\n") + part.text;
  }
  return text;
}

OrderedJson
parts_json(const std::vector<OutPart>& parts)
{
  auto out = OrderedJson::array();
  for (const auto& part : parts) {
    auto media = OrderedJson::array();
    for (const auto& m : part.media) {
      std::error_code ec;
      const fs::path file = fs::absolute(m.file, ec);
      media.push_back(
        { { "file", (ec ? m.file : file).lexically_normal().string() }, { "alt", m.alt } });
    }
    out.push_back({ { "text", part.text }, { "media", std::move(media) } });
  }
  return out;
}

// Deeper than any answer of the protocol: refused before parsing, so that no nesting depth can
// cost more than the line cap.
bool
too_deep(std::string_view line)
{
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > k_max_depth) {
        return true;
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

// A string member of a JSON object; empty when absent or not a string (plugins' answers are
// untrusted: nothing here may throw).
std::string
string_field(const nlohmann::json& json, const char* key)
{
  const auto it = json.find(key);
  return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string
dump(const OrderedJson& json)
{
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// --- one plugin process and the conversation with it ---------------------------------------

// Starts the plugin when needed, says hello, and sends requests, turning every way a plugin can
// fail into a PublishError of the right kind (herald-plugins(7), "Errors").
class PluginSession
{
public:
  PluginSession(AccountConfig account, PluginSettings settings, const AdapterContext& context)
    : m_account(std::move(account))
    , m_settings(std::move(settings))
    , m_context(context)
  {
  }

  ~PluginSession() { stop(); }
  PluginSession(const PluginSession&) = delete;
  PluginSession& operator=(const PluginSession&) = delete;

  // The plugin, started and greeted; starts a fresh one when the last one exited.
  Result<const PluginCaps*, PublishError> ready()
  {
    if (m_process && !m_process->running()) {
      log(fmt::format("plugin {} {}; starting it again", m_settings.written,
                      m_process->exit_description()));
      m_process.reset();
    }
    if (m_process) {
      return &m_caps;
    }
    if (m_gave_up) {
      return unexpected(error(Kind::not_sent,
                              "it gave no answer in time earlier in this run; it is not started "
                              "again until the next run"));
    }
    std::vector<std::string> secrets;
    auto environment = child_environment(m_account, m_settings, m_context, secrets);
    if (!environment) {
      return unexpected(PublishError{ Kind::auth, environment.error(), {} });
    }
    m_secrets = std::move(secrets);
    ProcessSpec spec;
    spec.program = m_settings.program;
    spec.args = m_settings.args;
    spec.environment = std::move(*environment);
    spec.working_dir = m_settings.working_dir;
    spec.max_line = k_max_answer_line;
    spec.on_stderr_line = [this](std::string_view line) {
      log(fmt::format("stderr: {}", text::replace_invalid_utf8(line)));
    };
    auto process = PluginProcess::start(std::move(spec));
    if (!process) {
      return unexpected(error(Kind::not_sent, process.error()));
    }
    m_process = std::move(*process);
    m_served = 0;
    log(fmt::format("started {} (pid {})", m_settings.program.string(), m_process->pid()));

    m_caps = PluginCaps{};
    if (auto greeted = greet(); !greeted) {
      stop();
      return unexpected(greeted.error());
    }
    return &m_caps;
  }

  // Sends `request` (its "id" is filled in) to the ready plugin and returns the answer of type
  // `answer_type`. `publishes`: the request may have an effect outside (a post), so an answer
  // that never comes after the plugin read it means "maybe sent".
  Result<nlohmann::json, PublishError> call(const OrderedJson& request,
                                            std::string_view answer_type, seconds timeout,
                                            bool publishes)
  {
    for (int attempt = 0;; ++attempt) {
      if (auto caps = ready(); !caps) {
        return unexpected(caps.error());
      }
      const bool reused = m_served > 0;
      auto answer = exchange(request, answer_type, timeout, publishes);
      // A plugin that exited between two requests, before reading this one, gets one fresh
      // start: nothing was sent.
      if (!answer && m_stale && reused && attempt == 0) {
        continue;
      }
      return answer;
    }
  }

  const PluginCaps& caps() const { return m_caps; }
  const PluginSettings& settings() const { return m_settings; }

  // What the plugin says, fit for a message: redacted, one line, cut short.
  // `text` with the account's secret values masked.
  std::string mask(std::string_view text) const { return http::redact(text, m_secrets); }

  std::string shown(std::string_view text) const
  {
    // The plugin may write anything: no bad byte reaches a terminal or a JSON document
    // through a message, and the cut falls between characters (server_text()).
    std::string out = server_text(text, m_secrets);
    for (auto& c : out) {
      if (static_cast<unsigned char>(c) < 0x20) {
        c = ' ';
      }
    }
    return out;
  }

  void log(std::string_view line) const
  {
    if (m_context.log) {
      m_context.log(fmt::format("exec {}: {}", m_account.name, http::redact(line, m_secrets)));
    }
  }

  PublishError error(Kind kind, std::string_view message) const
  {
    return { kind, fmt::format("plugin {}: {}", m_settings.written, message), {} };
  }

private:
  Result<void, PublishError> greet()
  {
    OrderedJson hello = { { "type", "hello" },           { "id", 0 },
                          { "protocol", k_protocol },    { "herald", k_version },
                          { "account", m_account.name }, { "options", m_settings.options } };
    auto answer = exchange(std::move(hello), "hello", m_settings.hello_timeout, false);
    if (!answer) {
      return unexpected(answer.error());
    }
    const auto protocol = answer->find("protocol");
    if (protocol == answer->end() || !protocol->is_number_integer()) {
      return unexpected(misbehaved(Kind::not_sent, "its hello has no 'protocol' number", false));
    }
    if (protocol->get<int64_t>() != k_protocol) {
      return unexpected(misbehaved(Kind::permanent,
                                   fmt::format("it speaks protocol {}, and this herald speaks "
                                               "protocol {}; use a version of the plugin made "
                                               "for protocol {}",
                                               protocol->dump(), k_protocol, k_protocol),
                                   false));
    }
    auto caps = caps_from(*answer);
    if (!caps) {
      return unexpected(misbehaved(Kind::not_sent, caps.error(), false));
    }
    m_caps = std::move(*caps);
    return {};
  }

  // One request and its answer, checked against the protocol. Any misbehaviour stops the
  // process; the next request starts a fresh one.
  Result<nlohmann::json, PublishError> exchange(OrderedJson request, std::string_view answer_type,
                                                seconds timeout, bool publishes)
  {
    m_stale = false;
    const int64_t id = ++m_next_id;
    request["id"] = id;
    const std::string type = request["type"].get<std::string>();
    const std::string line = dump(request);
    log(fmt::format("> {}", shown(line)));
    auto answer = m_process->exchange(line, std::chrono::steady_clock::now() + timeout);
    if (!answer) {
      return unexpected(lost(answer.error(), type, timeout, publishes));
    }
    ++m_served;
    log(fmt::format("< {}", shown(*answer)));
    // From here on the plugin read the request and answered: a wrong answer after a publish
    // leaves the post's fate unknown.
    const Kind broken = publishes ? ambiguous() : Kind::not_sent;
    // Said here, where the line and offset are known: the JSON parser would only say "not JSON",
    // and a bad byte must never get further (into the state, then --json output).
    if (const auto bad = text::locate_invalid_utf8(*answer)) {
      return unexpected(misbehaved(broken,
                                   fmt::format("its answer to {} (line {} of its output) is not "
                                               "UTF-8: byte 0x{:02x} at byte offset {}",
                                               type, m_served, bad->byte, bad->offset),
                                   publishes));
    }
    if (too_deep(*answer)) {
      return unexpected(
        misbehaved(broken, fmt::format("its answer to {} is nested too deeply", type), publishes));
    }
    auto json = nlohmann::json::parse(*answer, nullptr, false);
    if (json.is_discarded() || !json.is_object()) {
      return unexpected(misbehaved(broken,
                                   fmt::format("it answered {} with a line that is not a JSON "
                                               "object: \"{}\"",
                                               type, shown(*answer)),
                                   publishes));
    }
    const auto answer_id = json.find("id");
    if (answer_id == json.end() || !answer_id->is_number_integer() ||
        answer_id->get<int64_t>() != id) {
      return unexpected(
        misbehaved(broken,
                   fmt::format("it answered {} (id {}) with id {}", type, id,
                               answer_id == json.end() ? "missing" : shown(answer_id->dump())),
                   publishes));
    }
    const std::string got = string_field(json, "type");
    if (got == "error") {
      return unexpected(plugin_error(json, type, publishes));
    }
    if (got != answer_type) {
      return unexpected(misbehaved(
        broken,
        got.empty()
          ? fmt::format("it answered {} without a 'type'", type)
          : fmt::format("it answered {} with an unknown message type '{}'", type, shown(got)),
        publishes));
    }
    return json;
  }

  // After a publish was read and no proper answer came: resending is safe only when the plugin
  // said it deduplicates on the idempotency key.
  Kind ambiguous() const { return m_caps.idempotent ? Kind::not_sent : Kind::maybe_sent; }

  std::string ambiguous_note() const
  {
    return m_caps.idempotent ? "; it declared \"idempotent\": true, so the same idempotency key "
                               "is sent again"
                             : "; it may have published";
  }

  PublishError lost(const ProcessError& failure, const std::string& type, seconds timeout,
                    bool publishes)
  {
    m_stale = !failure.request_written && (failure.kind == ProcessError::Kind::exited ||
                                           failure.kind == ProcessError::Kind::write);
    std::string message;
    switch (failure.kind) {
    case ProcessError::Kind::timeout:
      message =
        fmt::format("no answer to {} within {}; stopped it", type, format_duration(timeout));
      m_gave_up = true;
      break;
    case ProcessError::Kind::too_long:
      message = fmt::format("{} in answer to {}; stopped it", failure.message, type);
      break;
    case ProcessError::Kind::write:
    case ProcessError::Kind::exited:
    case ProcessError::Kind::start:
      message = fmt::format("{} before answering {}", failure.message, type);
      break;
    }
    if (!failure.stderr_tail.empty()) {
      message += fmt::format(" (its last stderr line: \"{}\")", shown(failure.stderr_tail));
    }
    Kind kind = Kind::not_sent;
    if (publishes && failure.request_written) {
      kind = ambiguous();
      message += ambiguous_note();
    }
    log(message);
    m_process.reset();
    return error(kind, message);
  }

  // `publishes`: the request was a publish, read by the plugin.
  PublishError misbehaved(Kind kind, const std::string& what, bool publishes)
  {
    std::string message = what;
    if (publishes) {
      message += ambiguous_note();
    }
    log(message + "; stopping it");
    stop();
    return error(kind, message);
  }

  // {"type": "error", "kind": ..., "message": ..., "retry_after": seconds}
  PublishError plugin_error(const nlohmann::json& json, const std::string& type, bool publishes)
  {
    const std::string kind_name = string_field(json, "kind");
    const std::string given = string_field(json, "message");
    const std::string message = given.empty() ? "(no message)" : shown(given);
    std::optional<Kind> kind;
    if (kind_name == "retryable") {
      kind = Kind::not_sent;
    } else if (kind_name == "rate_limited") {
      kind = Kind::rate_limited;
    } else if (kind_name == "maybe_sent") {
      kind = Kind::maybe_sent;
    } else if (kind_name == "permanent") {
      kind = Kind::permanent;
    } else if (kind_name == "auth") {
      kind = Kind::auth;
    }
    if (!kind) {
      return misbehaved(publishes ? ambiguous() : Kind::not_sent,
                        fmt::format("it answered {} with an error of unknown kind '{}': {}", type,
                                    shown(kind_name), message),
                        publishes);
    }
    if (*kind == Kind::maybe_sent && publishes && m_caps.idempotent) {
      return error(Kind::not_sent, message + ambiguous_note());
    }
    PublishError result = error(*kind, message);
    if (const auto after = json.find("retry_after"); after != json.end() && after->is_number()) {
      const double value = std::clamp(after->get<double>(), 0.0, 86400.0);
      const auto now = m_context.clock ? m_context.clock->now() : SystemClock().now();
      result.retry_after = now + seconds(static_cast<int64_t>(std::ceil(value)));
    }
    return result;
  }

  void stop()
  {
    if (m_process) {
      m_process->stop(k_stop_grace);
      log(fmt::format("plugin {} {}", m_settings.written, m_process->exit_description()));
      m_process.reset();
    }
  }

  AccountConfig m_account;
  PluginSettings m_settings;
  const AdapterContext& m_context;
  std::unique_ptr<PluginProcess> m_process;
  PluginCaps m_caps;
  std::vector<std::string> m_secrets;
  int64_t m_next_id = 0;
  size_t m_served = 0;    // answers from the current process
  bool m_stale = false;   // the last request failed because the process had already gone
  bool m_gave_up = false; // a timeout: not started again in this run
};

// --- the adapter ---------------------------------------------------------------------------

// A publish or find request: the post as the protocol of herald-plugins(7) gives it.
OrderedJson
post_request(std::string_view type, const OutPost& post)
{
  OrderedJson request = { { "type", type },
                          { "id", 0 },
                          { "job", post.job_id },
                          { "post", post.post_id },
                          { "account", post.account },
                          { "idempotency_key", post.idempotency_key },
                          { "text", joined_text(post.parts) },
                          { "parts", parts_json(post.parts) } };
  // Only for a post that has long-form keys, so that other requests stay as they were.
  if (!post.article.empty()) {
    request["article"] = OrderedJson::parse(to_json(post.article).dump());
  }
  return request;
}

class ExecAdapter : public Adapter
{
public:
  ExecAdapter(AccountConfig account, PluginSettings settings, const AdapterContext& context)
    : m_context(context)
    , m_session(std::move(account), std::move(settings), m_context)
  {
  }

  Result<Published, PublishError> publish(const OutPost& post) override
  {
    auto caps = m_session.ready();
    if (!caps) {
      return unexpected(caps.error());
    }
    if (const auto problems = capability_problems(**caps, post.parts); !problems.empty()) {
      return unexpected(
        PublishError{ Kind::permanent, fmt::format("not sent: {}", problems.front().second), {} });
    }
    OrderedJson request = post_request("publish", post);
    auto answer = m_session.call(request, "published", m_session.settings().timeout, true);
    if (!answer) {
      return unexpected(answer.error());
    }
    Published published;
    if (const auto id = answer->find("remote_id"); id != answer->end()) {
      if (id->is_string()) {
        published.remote_id = id->get<std::string>();
      } else if (id->is_number()) {
        published.remote_id = id->dump();
      }
    }
    if (published.remote_id.empty()) {
      // Something happened, and herald cannot tell what: a post is never recorded without an id.
      const bool safe = m_session.caps().idempotent;
      return unexpected(m_session.error(
        safe ? Kind::not_sent : Kind::maybe_sent,
        safe ? "its 'published' answer has no 'remote_id'; it declared \"idempotent\": true, so "
               "the same idempotency key is sent again"
             : "its 'published' answer has no 'remote_id'; it may have published"));
    }
    if (const auto url = answer->find("url"); url != answer->end() && url->is_string()) {
      published.url = url->get<std::string>();
    }
    // Recorded in the state and printed: a secret the plugin echoed stays out of both.
    published.remote_id = m_session.mask(published.remote_id);
    published.url = m_session.mask(published.url);
    return published;
  }

  // A plugin that says `find` in its hello is asked; one that does not (older plugins) cannot
  // be. When it does not start, herald cannot tell: find_earlier() then fails the same way and
  // nothing is sent.
  std::string ledger() override
  {
    auto caps = m_session.ready();
    if (caps && !(*caps)->find) {
      return {};
    }
    return "plugin find";
  }

  // Before the first send from a fresh state: {"type": "find", ...} with the job, its
  // idempotency key, its content and `since`; the plugin answers whether the network has it.
  Result<std::optional<Published>, PublishError> find_earlier(const OutPost& post,
                                                              TimePoint since) override
  {
    auto caps = m_session.ready();
    if (!caps) {
      return unexpected(caps.error());
    }
    OrderedJson request = post_request("find", post);
    request["since"] = format_utc(since);
    auto answer = m_session.call(request, "found", m_session.settings().timeout, false);
    if (!answer) {
      return unexpected(answer.error());
    }
    const auto found = answer->find("found");
    if (found == answer->end() || !found->is_boolean()) {
      return unexpected(m_session.error(Kind::not_sent, "its 'found' answer has no 'found': true "
                                                        "or false"));
    }
    if (!found->get<bool>()) {
      return std::optional<Published>();
    }
    Published published;
    published.remote_id = json_id(*answer, "remote_id");
    if (published.remote_id.empty()) {
      return unexpected(m_session.error(Kind::not_sent, "its 'found' answer says true without a "
                                                        "'remote_id'"));
    }
    if (const auto url = answer->find("url"); url != answer->end() && url->is_string()) {
      published.url = url->get<std::string>();
    }
    published.remote_id = m_session.mask(published.remote_id);
    published.url = m_session.mask(published.url);
    return std::optional<Published>(std::move(published));
  }

  Result<Verified, PublishError> verify() override
  {
    auto caps = m_session.ready();
    if (!caps) {
      return unexpected(caps.error());
    }
    if (!(*caps)->verify) {
      return Verified{ fmt::format("plugin '{}' started and answered hello; it has no verify",
                                   (*caps)->name),
                       false };
    }
    OrderedJson request = { { "type", "verify" }, { "id", 0 } };
    auto answer = m_session.call(request, "verified", m_session.settings().timeout, false);
    if (!answer) {
      return unexpected(answer.error());
    }
    const auto detail = answer->find("detail");
    return Verified{ fmt::format("plugin '{}': {}", (*caps)->name,
                                 detail != answer->end() && detail->is_string()
                                   ? m_session.shown(detail->get<std::string>())
                                   : std::string("verified")) };
  }

private:
  AdapterContext m_context;
  PluginSession m_session;
};

// --- the platform --------------------------------------------------------------------------

class ExecPlatform : public Platform
{
public:
  std::string_view name() const override { return "exec"; }

  Capabilities capabilities() const override
  {
    // What a plugin can do is only known from its hello, per account: the adapter checks posts
    // against it, and resends after an ambiguous failure when the plugin is idempotent. A job
    // left in `sending` by a crash of herald itself goes to `unknown` (see herald-plugins(7)).
    // A plugin is handed a post's long-form keys, so they are not lost on it.
    return {
      .threads = true, .media = true, .idempotent = false, .max_text_length = 0, .articles = true
    };
  }

  std::vector<std::string_view> setting_keys() const override
  {
    return { "command", "env", "timeout", "hello_timeout", "options" };
  }

  void check(const AccountConfig& account, const std::map<std::string, SourcePos>& setting_pos,
             const SourcePos& account_pos, const AdapterContext& context,
             Diagnostics& diagnostics) const override
  {
    // A missing setting is reported at the account.
    const auto pos_of = [&](const std::string& key) {
      const auto it = setting_pos.find(key);
      return it != setting_pos.end() && account.settings.contains(key) ? it->second : account_pos;
    };
    std::vector<SettingProblem> problems;
    const auto settings = read_settings(account, true, problems);
    for (const auto& problem : problems) {
      diagnostics.error(pos_of(problem.key),
                        fmt::format("account '{}': {}", account.name, problem.message));
    }
    for (const auto& name : settings.env_names) {
      if (!context.getenv || !context.getenv(name)) {
        diagnostics.unset_secret(pos_of("env"), account.name,
                                 fmt::format("account '{}': environment variable {} (env) is not "
                                             "set",
                                             account.name, name));
      }
    }
  }

  void check_messages(const AccountConfig& account, const std::vector<MessageToCheck>& messages,
                      const std::map<std::string, SourcePos>& setting_pos,
                      const SourcePos& account_pos, const AdapterContext& context,
                      Diagnostics& diagnostics) const override
  {
    std::vector<SettingProblem> problems;
    auto settings = read_settings(account, true, problems);
    std::vector<std::string> ignored;
    if (!problems.empty() || !child_environment(account, settings, context, ignored)) {
      return; // check() reports it
    }
    const auto it = setting_pos.find("command");
    const SourcePos command_pos = it != setting_pos.end() ? it->second : account_pos;
    PluginSession session(account, std::move(settings), context);
    const auto caps = session.ready();
    if (!caps) {
      diagnostics.error(command_pos,
                        fmt::format("account '{}': {}", account.name, caps.error().message));
      return;
    }
    for (const auto& message : messages) {
      const std::string post = fmt::format("post '{}'", message.post_id);
      for (const auto& [part, problem] : capability_problems(**caps, message.parts)) {
        const bool thread = message.parts.size() > 1;
        const SourcePos& pos = part < message.part_pos.size() && message.part_pos[part].line > 0
                                 ? message.part_pos[part]
                                 : message.pos;
        diagnostics.error(pos, fmt::format("{}{} for account '{}' (exec): {}",
                                           thread ? fmt::format("part {} of ", part + 1) : "", post,
                                           account.name, problem));
      }
    }
    if (!(*caps)->validate) {
      return;
    }
    for (const auto& message : messages) {
      OrderedJson request = { { "type", "validate" },
                              { "id", 0 },
                              { "post", message.post_id },
                              { "account", account.name },
                              { "text", joined_text(message.parts) },
                              { "parts", parts_json(message.parts) } };
      auto answer = session.call(request, "validated", session.settings().hello_timeout, false);
      if (!answer) {
        diagnostics.error(command_pos,
                          fmt::format("account '{}': {}", account.name, answer.error().message));
        return; // one broken plugin, one error
      }
      const auto found = answer->find("problems");
      if (found == answer->end() || !found->is_array()) {
        diagnostics.error(command_pos,
                          fmt::format("account '{}': plugin {}: its 'validated' answer has no "
                                      "'problems' list",
                                      account.name, session.settings().written));
        return;
      }
      for (const auto& problem : *found) {
        diagnostics.error(message.pos, fmt::format("post '{}' for account '{}' (plugin '{}'): {}",
                                                   message.post_id, account.name, (*caps)->name,
                                                   problem.is_string()
                                                     ? session.shown(problem.get<std::string>())
                                                     : session.shown(problem.dump())));
      }
    }
  }

  Result<std::unique_ptr<ConversationSource>> make_conversations(
    const AccountConfig& account, const AdapterContext& context) const override
  {
    return make_exec_conversations(account, context);
  }
  std::unique_ptr<MetricsSource> make_metrics(const AccountConfig& account,
                                              const AdapterContext& context) const override
  {
    return make_exec_metrics(account, context);
  }
  std::unique_ptr<Adapter> make_adapter(const AccountConfig& account,
                                        const AdapterContext& context) const override
  {
    std::vector<SettingProblem> problems;
    auto settings = read_settings(account, true, problems);
    if (!problems.empty()) {
      throw Error(fmt::format("account '{}': {}", account.name, problems.front().message));
    }
    return std::make_unique<ExecAdapter>(account, std::move(settings), context);
  }
};

} // namespace

const Platform&
exec_platform()
{
  static const ExecPlatform platform;
  return platform;
}

// --- herald engage: the `conversations` capability -------------------------------------------

namespace {

// A plugin's conversations (herald-plugins(7), "conversations and replies"): each answer holds
// the messages that are new in the conversations with news; they add to what the state knows.
class ExecConversations : public ConversationSource
{
public:
  ExecConversations(AccountConfig account, PluginSettings settings, const AdapterContext& context)
    : m_context(context)
    , m_session(std::move(account), std::move(settings), m_context)
  {
  }

  // Whether the plugin answers conversations at all.
  Result<bool, PublishError> capable()
  {
    auto caps = m_session.ready();
    if (!caps) {
      return unexpected(caps.error());
    }
    return (*caps)->conversations;
  }

  Result<std::string, PublishError> whoami() override
  {
    if (auto caps = m_session.ready(); !caps) {
      return unexpected(caps.error());
    }
    return std::string(); // a plugin marks our own messages with "ours": true
  }

  Result<Inbox, PublishError> inbox(const std::string& cursor, TimePoint since) override
  {
    OrderedJson request = { { "type", "conversations" },
                            { "id", 0 },
                            { "since", format_utc(since) } };
    if (!cursor.empty()) {
      request["cursor"] = cursor;
    }
    auto answer = m_session.call(request, "conversations", m_session.settings().timeout, false);
    if (!answer) {
      return unexpected(answer.error());
    }
    Inbox inbox;
    inbox.cursor = string_field(*answer, "cursor");
    if (inbox.cursor.empty()) {
      inbox.cursor = cursor;
    }
    const auto items = answer->find("items");
    if (items == answer->end() || !items->is_array()) {
      return unexpected(m_session.error(Kind::permanent, "its 'conversations' answer has no "
                                                         "'items' list"));
    }
    std::map<std::string, std::string> conversation_of;
    for (const auto& item : *items) {
      auto m = message_of(item);
      if (m.id.empty()) {
        continue;
      }
      std::string conversation = m_session.mask(string_field(item, "conversation"));
      if (conversation.empty()) {
        const auto parent = conversation_of.find(m.in_reply_to);
        conversation = parent != conversation_of.end() ? parent->second
                       : !m.in_reply_to.empty()        ? m.in_reply_to
                                                       : m.id;
      }
      conversation_of[m.id] = conversation;
      m_threads[conversation].push_back(m);
      m_conversation_of[m.id] = conversation;
      if (!m.ours) {
        inbox.messages.push_back(std::move(m));
      }
    }
    // A reply to one of our messages is a reply to us.
    for (auto& [conversation, messages] : m_threads) {
      for (auto& m : messages) {
        for (const auto& other : messages) {
          if (!m.ours && other.ours && other.id == m.in_reply_to) {
            m.addressed.reply = true;
            m.quoted_text = other.text;
          }
        }
      }
    }
    return inbox;
  }

  Result<Thread, PublishError> thread(const std::string& id) override
  {
    Thread thread;
    thread.whole = false;
    const auto named = m_conversation_of.find(id);
    thread.root_id = named != m_conversation_of.end() ? named->second : id;
    if (const auto found = m_threads.find(thread.root_id); found != m_threads.end()) {
      thread.messages = found->second;
    }
    return thread;
  }

  Result<Published, PublishError> reply(const ReplyTarget& target, const std::string& text) override
  {
    OrderedJson request = { { "type", "reply" },
                            { "id", 0 },
                            { "conversation", target.root_id },
                            { "in_reply_to", target.parent_id },
                            { "text", text } };
    auto answer = m_session.call(request, "replied", m_session.settings().timeout, true);
    if (!answer) {
      return unexpected(answer.error());
    }
    Published published{ m_session.mask(string_field(*answer, "remote_id")),
                         m_session.mask(string_field(*answer, "url")) };
    if (published.remote_id.empty()) {
      return unexpected(m_session.error(Kind::maybe_sent,
                                        "its 'replied' answer has no 'remote_id'; it may have "
                                        "posted the reply"));
    }
    return published;
  }

private:
  Message message_of(const nlohmann::json& item) const
  {
    Message m;
    if (!item.is_object()) {
      return m;
    }
    const auto flag = [&](const char* key, bool fallback) {
      const auto it = item.find(key);
      return it != item.end() && it->is_boolean() ? it->get<bool>() : fallback;
    };
    const auto id = item.find("remote_id");
    m.id = id == item.end()  ? ""
           : id->is_string() ? id->get<std::string>()
           : id->is_number() ? id->dump()
                             : "";
    m.id = m_session.mask(m.id);
    m.url = m_session.mask(string_field(item, "url"));
    m.author = m_session.mask(string_field(item, "author"));
    m.author_name = m_session.mask(string_field(item, "author_name"));
    m.text = m_session.mask(string_field(item, "text"));
    m.created_at = parse_rfc3339(string_field(item, "created_at")).value_or(TimePoint{});
    m.in_reply_to = m_session.mask(string_field(item, "in_reply_to"));
    m.ours = flag("ours", false);
    m.bot = flag("bot", false);
    if (!m.ours) {
      m.addressed.direct = flag("direct", false);
      m.addressed.mention = flag("mention", false);
      m.addressed.quote = flag("quote", false);
      // What a plugin reports from someone else is addressed to us unless it says otherwise.
      if (!flag("addressed", true)) {
        m.addressed = {};
      } else if (!m.addressed.any()) {
        m.addressed.mention = true;
      }
    }
    return m;
  }

  AdapterContext m_context;
  PluginSession m_session;
  std::map<std::string, std::vector<Message>> m_threads; // by conversation
  std::map<std::string, std::string> m_conversation_of;  // message id -> conversation
};

} // namespace

Result<std::unique_ptr<ConversationSource>>
make_exec_conversations(const AccountConfig& account, const AdapterContext& context)
{
  std::vector<SettingProblem> problems;
  auto settings = read_settings(account, true, problems);
  if (!problems.empty()) {
    return unexpected(fmt::format("account '{}': {}", account.name, problems.front().message));
  }
  auto source = std::make_unique<ExecConversations>(account, std::move(settings), context);
  auto capable = source->capable();
  if (!capable) {
    return unexpected(capable.error().message);
  }
  if (!*capable) {
    return std::unique_ptr<ConversationSource>(); // no `conversations` capability: nothing to read
  }
  return std::unique_ptr<ConversationSource>(std::move(source));
}

namespace {

// --- metrics (herald-plugins(7), "conversations and metrics") --------------------------------

// `herald report collect` through a plugin with the `metrics` capability: one request for every
// post's counts, and one without posts whose answer may carry the account's "followers".
class ExecMetrics : public MetricsSource
{
public:
  ExecMetrics(AccountConfig account, PluginSettings settings, const AdapterContext& context)
    : m_context(context)
    , m_session(std::move(account), std::move(settings), m_context)
  {
  }

  std::optional<std::string> unsupported() override
  {
    auto caps = m_session.ready();
    if (caps && !(*caps)->metrics) {
      return fmt::format("plugin '{}' does not have the metrics capability", (*caps)->name);
    }
    return std::nullopt; // a plugin that does not start fails in followers(), with the reason
  }

  Result<std::optional<int64_t>, PublishError> followers() override
  {
    auto answer = ask({});
    if (!answer) {
      return unexpected(answer.error());
    }
    const auto found = answer->find("followers");
    if (found != answer->end() && found->is_number_integer()) {
      return std::optional<int64_t>(found->get<int64_t>());
    }
    return std::optional<int64_t>();
  }

  CountsResult post_counts(const std::vector<std::string>& remote_ids) override
  {
    CountsResult result;
    auto answer = ask(remote_ids);
    if (!answer) {
      result.stopped = answer.error();
      return result;
    }
    const auto items = answer->find("items");
    if (items == answer->end() || !items->is_array()) {
      result.stopped = m_session.error(Kind::not_sent, "its 'metrics' answer has no 'items' list");
      return result;
    }
    for (const auto& item : *items) {
      const auto id = string_field(item, "remote_id");
      const auto metrics = item.is_object() ? item.find("metrics") : item.end();
      if (id.empty() || metrics == item.end() || !metrics->is_object()) {
        continue;
      }
      PostCounts counts{ id, {} };
      for (const auto& [name, value] : metrics->items()) {
        if (value.is_number_integer()) {
          counts.counts[name] = value.get<int64_t>();
        }
      }
      result.posts.push_back(std::move(counts));
    }
    return result;
  }

private:
  Result<nlohmann::json, PublishError> ask(const std::vector<std::string>& remote_ids)
  {
    auto posts = OrderedJson::array();
    for (const auto& id : remote_ids) {
      posts.push_back({ { "remote_id", id } });
    }
    OrderedJson request = { { "type", "metrics" }, { "id", 0 }, { "posts", std::move(posts) } };
    return m_session.call(request, "metrics", m_session.settings().timeout, false);
  }

  AdapterContext m_context;
  PluginSession m_session;
};

} // namespace

std::unique_ptr<MetricsSource>
make_exec_metrics(const AccountConfig& account, const AdapterContext& context)
{
  std::vector<SettingProblem> problems;
  auto settings = read_settings(account, true, problems);
  if (!problems.empty()) {
    throw Error(fmt::format("account '{}': {}", account.name, problems.front().message));
  }
  return std::make_unique<ExecMetrics>(account, std::move(settings), context);
}

} // namespace herald::platforms
