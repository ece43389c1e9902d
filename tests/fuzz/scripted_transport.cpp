#include "scripted_transport.hpp"

#include "platforms/conversations.hpp"
#include "platforms/metrics.hpp"
#include "platforms/platform.hpp"
#include "platforms/registry.hpp"
#include "schedule/clock.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>

namespace herald::fuzz {

namespace {

constexpr std::string_view k_separator = "\n%%\n";

std::string_view
next_line(std::string_view& text)
{
  const size_t end = text.find('\n');
  const std::string_view line = text.substr(0, end);
  text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  return line;
}

http::Response
read_response(std::string_view record)
{
  http::Response response;
  const std::string_view status = next_line(record);
  response.status = 200;
  if (!status.empty() && status.size() <= 3) {
    int value = 0;
    for (const char c : status) {
      value = c >= '0' && c <= '9' ? value * 10 + (c - '0') : -1000;
    }
    response.status = value >= 100 ? value : 200;
  }
  while (!record.empty()) {
    const std::string_view line = next_line(record);
    if (line.empty()) {
      break;
    }
    const size_t colon = line.find(':');
    const std::string_view name = line.substr(0, colon);
    std::string_view value = colon == std::string_view::npos ? "" : line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') {
      value.remove_prefix(1);
    }
    response.headers.push_back({ std::string(name), std::string(value) });
  }
  response.body = std::string(record);
  return response;
}

class ScriptedTransport : public http::HttpTransport
{
public:
  explicit ScriptedTransport(std::deque<http::Response>& responses)
    : m_responses(responses)
  {
  }

  Result<http::Response, http::TransportError> send(const http::Request& request) override
  {
    for (const unsigned char c : request.url) {
      if (c <= 0x20 || c >= 0x7f) {
        std::abort(); // an answer's value went into the URL unencoded
      }
    }
    if (m_responses.empty()) {
      return unexpected(http::TransportError{ http::TransportError::Kind::not_sent, "no answer" });
    }
    auto response = std::move(m_responses.front());
    m_responses.pop_front();
    return response;
  }

private:
  std::deque<http::Response>& m_responses;
};

// A directory of this process's own for the media files, made once.
const std::filesystem::path&
scratch_dir()
{
  static const std::filesystem::path dir = [] {
    std::string path = (std::filesystem::temp_directory_path() / "herald-fuzz-XXXXXX").string();
    if (!::mkdtemp(path.data())) {
      std::abort();
    }
    return std::filesystem::path(path);
  }();
  return dir;
}

// A tiny valid PNG for the media operation, written once per process.
std::filesystem::path
media_file()
{
  static const std::filesystem::path file = [] {
    const std::filesystem::path path = scratch_dir() / "pixel.png";
    static const unsigned char k_png[] = {
      0x89, 'P',  'N',  'G',  0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 'I',  'H',
      'D',  'R',  0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00,
      0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 'I',  'D',  'A',  'T',  0x78,
      0x9c, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00,
      0x00, 0x00, 0x00, 'I',  'E',  'N',  'D',  0xae, 'B',  0x60, 0x82,
    };
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(k_png), sizeof k_png);
    return path;
  }();
  return file;
}

// The start of an MP4 (an ftyp box) for the video operation, written once per process.
std::filesystem::path
video_file()
{
  static const std::filesystem::path file = [] {
    const std::filesystem::path path = scratch_dir() / "clip.mp4";
    static const char k_mp4[] = "\x00\x00\x00\x18"
                                "ftypmp42\x00\x00\x00\x00mp42isom";
    std::ofstream(path, std::ios::binary).write(k_mp4, sizeof k_mp4 - 1);
    return path;
  }();
  return file;
}

// No error message may show a secret: a variable's value that holds "SECRET". Other variables
// (Lemmy's username_env) name public things that answers may show.
void
check_secrets(std::string_view message, const std::map<std::string, std::string>& env)
{
  for (const auto& [name, value] : env) {
    if (value.find("SECRET") != std::string::npos &&
        message.find(value) != std::string_view::npos) {
      std::abort();
    }
  }
}

template<typename T>
void
check(const Result<T, platforms::PublishError>& result,
      const std::map<std::string, std::string>& env)
{
  if (!result) {
    check_secrets(result.error().message, env);
  }
}

} // namespace

Script
read_script(std::string_view input)
{
  Script script;
  std::vector<std::string_view> records;
  while (true) {
    const size_t end = input.find(k_separator);
    records.push_back(input.substr(0, end));
    if (end == std::string_view::npos) {
      break;
    }
    input.remove_prefix(end + k_separator.size());
  }
  std::string_view first = records.front();
  std::string_view op_line = next_line(first);
  const size_t space = op_line.find(' ');
  script.operation = std::string(op_line.substr(0, space));
  if (space != std::string_view::npos) {
    for (const char c : op_line.substr(space + 1)) {
      if (c >= '0' && c <= '9' && script.variant < 1000) {
        script.variant = script.variant * 10 + size_t(c - '0');
      }
    }
  }
  while (!first.empty() && script.texts.size() < 4) {
    script.texts.emplace_back(next_line(first));
  }
  for (size_t i = 1; i < records.size(); ++i) {
    script.responses.push_back(read_response(records[i]));
  }
  return script;
}

void
run_platform(std::string_view platform_name, const std::vector<AccountVariant>& variants,
             std::string_view input)
{
  using namespace platforms;
  Script script = read_script(input);
  const AccountVariant& variant = variants[script.variant % variants.size()];
  const Platform* platform = find_platform(platform_name);
  if (!platform) {
    std::abort();
  }
  FixedClock clock{ TimePoint{ std::chrono::seconds(1'796'112'000) } }; // 2026-12-01T08:00:00Z
  AdapterContext context;
  context.clock = &clock;
  context.getenv = [&variant](std::string_view name) -> std::optional<std::string> {
    const auto it = variant.env.find(std::string(name));
    return it == variant.env.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  context.make_transport = [&] { return std::make_unique<ScriptedTransport>(script.responses); };
  // A platform's waits (X's video processing) pass at once.
  context.sleep = [](std::chrono::milliseconds /*duration*/) {};
  const AccountConfig account{ "fuzz", std::string(platform_name), variant.settings, "/" };

  OutPost post{ "p/fuzz", "p", "fuzz", "herald-fuzz-key", {}, clock.now(), false };
  // The titled platforms (dev.to, Lemmy) need a title; the others ignore it.
  post.article.title = "herald 2.0 is out";
  post.article.tags = { "release" };
  if (script.texts.empty()) {
    script.texts.emplace_back("Hello @alice.example.com, see https://example.org/a_(b) #herald");
  }
  for (const auto& text : script.texts) {
    post.parts.push_back({ text, {} });
  }
  const std::string& op = script.operation;
  const TimePoint since = clock.now() - std::chrono::hours(24);

  if (op == "counts" || op == "followers") {
    auto metrics = make_metrics_source(account, context);
    if (!metrics) {
      return;
    }
    if (op == "followers") {
      check(metrics->followers(), variant.env);
    } else {
      const auto counts = metrics->post_counts({ "1", "at://did:plc:abc/app.bsky.feed.post/3k" });
      if (counts.stopped) {
        check_secrets(counts.stopped->message, variant.env);
      }
    }
    return;
  }
  if (op == "whoami" || op == "inbox" || op == "thread" || op == "reply") {
    auto source = make_conversation_source(account, context);
    if (!source || !*source) {
      return;
    }
    if (op == "whoami") {
      check((*source)->whoami(), variant.env);
    } else if (op == "inbox") {
      check((*source)->inbox("", since), variant.env);
    } else if (op == "thread") {
      check((*source)->thread(post.parts.front().text), variant.env);
    } else {
      const ReplyTarget target{ "1", "c1", "2", "c2", "public", "ada@example.social" };
      check((*source)->reply(target, post.parts.front().text), variant.env);
    }
    return;
  }

  auto adapter = platform->make_adapter(account, context);
  if (op == "verify") {
    check(adapter->verify(), variant.env);
  } else if (op == "find") {
    check(adapter->find_published(post, since), variant.env);
  } else if (op == "earlier") {
    check(adapter->find_earlier(post, since), variant.env);
  } else {
    if (op == "media") {
      post.parts.front().media.push_back({ media_file(), "a pixel" });
    } else if (op == "video") {
      post.parts.front().media.push_back({ video_file(), "a clip" });
    }
    check(adapter->publish(post), variant.env);
  }
}

} // namespace herald::fuzz
