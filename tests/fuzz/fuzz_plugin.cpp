// The exec platform's plugin protocol as herald reads it: answer lines from a real child
// process (line splitting, size caps), then each answer checked against the protocol and read
// (hello and its capabilities, published, found, verified, conversations, metrics, errors).
//
// Input: the first line is the operation (publish, find, verify, inbox, counts, followers);
// every further line is one answer line, which the plugin writes after reading each request
// (the first answers hello, with id 1). When the answers run out, the plugin exits.
#include "platforms/conversations.hpp"
#include "platforms/metrics.hpp"
#include "platforms/platform.hpp"
#include "platforms/registry.hpp"
#include "schedule/clock.hpp"

#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

using namespace herald;
using namespace herald::platforms;

namespace {

constexpr std::string_view k_secret = "SECRETplug1n";

// A plugin that answers each request line with the next line of the file $1, and exits when
// there is none left.
constexpr const char* k_replay =
  "while IFS= read -r request; do IFS= read -r answer <&3 || exit 0; "
  "printf '%s\\n' \"$answer\"; done 3<\"$1\"";

std::filesystem::path
answers_file()
{
  static const std::filesystem::path file = [] {
    std::string dir = (std::filesystem::temp_directory_path() / "herald-fuzz-XXXXXX").string();
    if (!::mkdtemp(dir.data())) {
      std::abort();
    }
    return std::filesystem::path(dir) / "answers";
  }();
  return file;
}

// What herald records and prints never shows the secret the plugin was given.
void
check_shown(std::string_view text)
{
  if (text.find(k_secret) != std::string_view::npos) {
    std::abort();
  }
}

template<typename T>
void
check(const Result<T, PublishError>& result)
{
  if (!result) {
    check_shown(result.error().message);
  }
}

} // namespace

extern "C" int
LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/)
{
  std::signal(SIGPIPE, SIG_IGN); // as cmd/main.cpp does: a plugin that exits early is an error
  ::setenv("PLUGIN_TOKEN", std::string(k_secret).c_str(), 1);
  return 0;
}

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  const std::string op(input.substr(0, newline));
  input.remove_prefix(newline == std::string_view::npos ? input.size() : newline + 1);
  const auto file = answers_file();
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(input.data(), static_cast<std::streamsize>(input.size()));
  }

  FixedClock clock{ TimePoint{ std::chrono::seconds(1'796'112'000) } };
  AdapterContext context;
  context.clock = &clock;
  context.getenv = [](std::string_view name) -> std::optional<std::string> {
    return name == "PLUGIN_TOKEN" ? std::optional<std::string>(k_secret) : std::nullopt;
  };
  const AccountConfig account{ "fuzz",
                               "exec",
                               { { "command", { "/bin/sh", "-c", k_replay, "sh", file.string() } },
                                 { "env", { "PLUGIN_TOKEN" } },
                                 { "timeout", "5s" },
                                 { "hello_timeout", "5s" } },
                               file.parent_path() };
  const TimePoint since = clock.now() - std::chrono::hours(24);
  OutPost post{
    "p/fuzz",    "p",  "fuzz", "herald-fuzz-key", { { "Hello https://example.org", {} } },
    clock.now(), false
  };

  if (op == "counts" || op == "followers") {
    auto metrics = make_metrics_source(account, context);
    if (op == "followers") {
      check(metrics->followers());
    } else if (const auto counts = metrics->post_counts({ "1", "2" }); counts.stopped) {
      check_shown(counts.stopped->message);
    }
    return 0;
  }
  if (op == "inbox") {
    auto source = make_conversation_source(account, context);
    if (source && *source) {
      const auto inbox = (*source)->inbox("", since);
      check(inbox);
      if (inbox && !inbox->messages.empty()) {
        check((*source)->thread(inbox->messages.front().id));
      }
    }
    return 0;
  }
  auto adapter = find_platform("exec")->make_adapter(account, context);
  if (op == "verify") {
    check(adapter->verify());
  } else if (op == "find") {
    const auto found = adapter->find_earlier(post, since);
    check(found);
    if (found && *found) {
      check_shown((*found)->remote_id);
      check_shown((*found)->url);
    }
  } else {
    const auto published = adapter->publish(post);
    check(published);
    if (published) {
      check_shown(published->remote_id);
      check_shown(published->url);
    }
  }
  return 0;
}
