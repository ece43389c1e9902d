#include "testutil.hpp"
#include "version.hpp"

#include "platforms/registry_entries.hpp"
#include "schedule/zone.hpp"

#include <doctest/doctest.h>
#include <fmt/core.h>

#include <sys/stat.h>

#include <fstream>
#include <map>
#include <sstream>

using namespace herald;
using namespace herald::platforms;
using Kind = PublishError::Kind;

namespace {

const TimePoint k_now = parse_rfc3339("2026-12-01T09:00:00Z").value();

// A plugin in sh: answers hello with `caps`, runs `publish` for each publish request (with $id
// and $line set) and `verify` for each verify. Every request line is logged to requests.log.
std::filesystem::path
plugin(const test::TestDir& dir, std::string_view caps, std::string_view publish,
       std::string_view verify = "", std::string_view name = "plugin.sh")
{
  std::string body = "#!/bin/sh\n"
                     "while IFS= read -r line; do\n"
                     "  printf '%s\\n' \"$line\" >>requests.log\n"
                     "  id=$(printf '%s\\n' \"$line\" | sed -n "
                     "'s/^{\"type\":\"[a-z_]*\",\"id\":\\([0-9]*\\).*/\\1/p')\n"
                     "  case $line in\n"
                     "  '{\"type\":\"hello\"'*) echo \"{\\\"type\\\":\\\"hello\\\",\\\"id\\\":$id,"
                     "\\\"protocol\\\":1,\\\"name\\\":\\\"t\\\",\\\"capabilities\\\":" +
                     std::string(caps) +
                     "}\" ;;\n"
                     "  '{\"type\":\"publish\"'*) " +
                     std::string(publish) +
                     " ;;\n"
                     "  '{\"type\":\"verify\"'*) " +
                     std::string(verify.empty() ? ":" : verify) +
                     " ;;\n"
                     "  esac\n"
                     "done\n";
  const auto path = dir.write(name, body);
  ::chmod(path.c_str(), 0755);
  return path;
}

// An answer line for the sh plugin: `json` with its "id" filled in from $id.
std::string
say(std::string_view json)
{
  std::string escaped;
  for (const char c : json) {
    if (c == '"') {
      escaped += "\\\"";
    } else {
      escaped += c;
    }
  }
  // {"type":...} -> {"id":$id,"type":...}
  return "echo \"{\\\"id\\\":$id," + escaped.substr(1) + "\"";
}

struct Fixture
{
  test::TestDir dir;
  FixedClock clock{ k_now };
  std::map<std::string, std::string> environment{ { "PLUGIN_TOKEN", "t0ken-s3cret" } };
  std::vector<std::string> log;
  AdapterContext context;

  Fixture()
  {
    context.getenv = [this](std::string_view name) -> std::optional<std::string> {
      const auto it = environment.find(std::string(name));
      return it == environment.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    context.clock = &clock;
    context.log = [this](std::string_view line) { log.emplace_back(line); };
  }

  AccountConfig account(nlohmann::json settings) const
  {
    return { "mine", "exec", std::move(settings), dir.path() };
  }

  std::unique_ptr<Adapter> adapter(nlohmann::json settings) const
  {
    return exec_platform().make_adapter(account(std::move(settings)), context);
  }

  std::string requests() const
  {
    std::ifstream in(dir.path() / "requests.log");
    std::stringstream out;
    out << in.rdbuf();
    return out.str();
  }

  std::string all_log() const
  {
    std::string out;
    for (const auto& line : log) {
      out += line + "\n";
    }
    return out;
  }
};

OutPost
post(std::string text = "hello \"world\"\nline two")
{
  return { "launch/mine", "launch", "mine", "herald-abc-1", { { std::move(text), {} } } };
}

std::string
check_messages(const Fixture& f, const nlohmann::json& settings)
{
  Diagnostics diagnostics;
  const std::map<std::string, SourcePos> positions{ { "command", { "c.yaml", 4, 14 } },
                                                    { "env", { "c.yaml", 5, 10 } },
                                                    { "timeout", { "c.yaml", 6, 14 } },
                                                    { "options", { "c.yaml", 7, 14 } } };
  exec_platform().check(f.account(settings), positions, { "c.yaml", 3, 3 }, f.context, diagnostics);
  return test::all_messages(diagnostics);
}

} // namespace

TEST_SUITE("platforms::exec")
{
  TEST_CASE("an unset env variable is the account's unset secret, a bad name is not")
  {
    Fixture f;
    plugin(f.dir, "{}", ":");
    Diagnostics diagnostics;
    const std::map<std::string, SourcePos> positions{ { "env", { "c.yaml", 5, 10 } } };
    exec_platform().check(
      f.account({ { "command", "./plugin.sh" }, { "env", { "UNSET_ONE", "not a name" } } }),
      positions, { "c.yaml", 3, 3 }, f.context, diagnostics);
    const auto dropped = diagnostics.drop_unset_secrets({ "other" });
    REQUIRE(dropped.size() == 1);
    CHECK(dropped[0].to_string() ==
          "c.yaml:5:10: error: account 'mine': environment variable UNSET_ONE (env) is not set");
    CHECK(dropped[0].unset_secret_of == "mine");
    CHECK(test::all_messages(diagnostics) ==
          "c.yaml:5:10: error: account 'mine': 'env': 'not a name' is not an environment "
          "variable name\n");
  }

  TEST_CASE("validate reports every problem of the settings")
  {
    Fixture f;
    plugin(f.dir, "{}", ":");
    f.dir.write("not-executable.sh", "#!/bin/sh\n");
    CHECK(check_messages(f, { { "command", { "./plugin.sh", "--flag" } } }) == "");
    CHECK(check_messages(f, { { "command", "./plugin.sh" } }) == "");
    CHECK(check_messages(f, { { "command", { "sh", "-c", ":" } } }) == "");
    CHECK(check_messages(f, nlohmann::json::object()) ==
          "c.yaml:3:3: error: account 'mine': the exec platform needs 'command:', the plugin "
          "program and its arguments, like [./plugins/my-plugin, --flag]\n");
    CHECK(check_messages(f, { { "command", "./missing.sh" } }) ==
          "c.yaml:4:14: error: account 'mine': plugin program './missing.sh' not found (looked "
          "for " +
            (f.dir.path() / "missing.sh").string() + ")\n");
    CHECK(check_messages(f, { { "command", { "not-executable.sh" } } }) ==
          "c.yaml:4:14: error: account 'mine': plugin program 'not-executable.sh' is not found "
          "on PATH\n");
    CHECK(check_messages(f, { { "command", { "./not-executable.sh" } } }) ==
          "c.yaml:4:14: error: account 'mine': plugin program './not-executable.sh' is not an "
          "executable file (" +
            (f.dir.path() / "not-executable.sh").string() + ")\n");
    CHECK(check_messages(f, { { "command", { { "a", "b" } } } }) ==
          "c.yaml:4:14: error: account 'mine': 'command' must be a list of strings (the program, "
          "then its arguments) or the program alone\n");
    CHECK(check_messages(f, { { "command", "./plugin.sh" },
                              { "env", { "PLUGIN_TOKEN", "UNSET_ONE", "not a name" } } }) ==
          "c.yaml:5:10: error: account 'mine': 'env': 'not a name' is not an environment "
          "variable name\n"
          "c.yaml:5:10: error: account 'mine': environment variable UNSET_ONE (env) is not set\n");
    CHECK(check_messages(
            f, { { "command", "./plugin.sh" }, { "timeout", "10m" }, { "options", "x" } }) ==
          "c.yaml:6:14: error: account 'mine': 'timeout' must be between 1s and 5m\n"
          "c.yaml:7:14: error: account 'mine': 'options' must be a map (it is handed to the "
          "plugin in its hello)\n");
  }

  TEST_CASE("hello and publish: the requests as the protocol shows them, and the answer")
  {
    Fixture f;
    plugin(f.dir, "{\\\"threads\\\":true}",
           say(R"({"type":"published","remote_id":"r-1","url":"https://x.example/r-1"})"));
    auto adapter = f.adapter({ { "command", { "./plugin.sh", "--list", "weekly" } },
                               { "options", { { "list", "weekly" } } } });
    const auto published = adapter->publish(post());
    REQUIRE_MESSAGE(published.has_value(), published.error().message);
    CHECK(published->remote_id == "r-1");
    CHECK(published->url == "https://x.example/r-1");
    CHECK(
      f.requests() ==
      fmt::format("{{\"type\":\"hello\",\"id\":1,\"protocol\":1,\"herald\":\"{}\","
                  "\"account\":\"mine\",\"options\":{{\"list\":\"weekly\"}}}}\n"
                  "{{\"type\":\"publish\",\"id\":2,\"job\":\"launch/mine\",\"post\":\"launch\","
                  "\"account\":\"mine\",\"idempotency_key\":\"herald-abc-1\","
                  "\"text\":\"hello \\\"world\\\"\\nline two\","
                  "\"parts\":[{{\"text\":\"hello \\\"world\\\"\\nline two\",\"media\":[]}}]}}\n",
                  k_version));
    // The same process serves the next publish: no second hello.
    REQUIRE(adapter->publish(post()).has_value());
    CHECK(f.requests().find("\"id\":3") != std::string::npos);
    CHECK(f.requests().find("\"type\":\"hello\",\"id\":3") == std::string::npos);
  }

  TEST_CASE("the plugin's errors keep their kind")
  {
    Fixture f;
    struct Case
    {
      std::string answer;
      Kind kind;
      std::string message;
    };
    const Case cases[] = {
      { R"({"type":"error","kind":"retryable","message":"down"})", Kind::not_sent, "down" },
      { R"({"type":"error","kind":"maybe_sent","message":"lost"})", Kind::maybe_sent, "lost" },
      { R"({"type":"error","kind":"permanent","message":"too rude"})", Kind::permanent,
        "too rude" },
      { R"({"type":"error","kind":"auth","message":"token refused"})", Kind::auth,
        "token refused" },
      { R"({"type":"error","kind":"rate_limited","retry_after":120})", Kind::rate_limited,
        "(no message)" },
      { R"({"type":"error","kind":"oops","message":"m"})", Kind::maybe_sent,
        "it answered publish with an error of unknown kind 'oops': m; it may have published" },
    };
    for (const auto& c : cases) {
      CAPTURE(c.answer);
      plugin(f.dir, "{}", say(c.answer));
      auto adapter = f.adapter({ { "command", "./plugin.sh" } });
      const auto result = adapter->publish(post());
      REQUIRE_FALSE(result.has_value());
      CHECK(result.error().kind == c.kind);
      CHECK(result.error().message == "plugin ./plugin.sh: " + c.message);
      if (c.kind == Kind::rate_limited) {
        REQUIRE(result.error().retry_after.has_value());
        CHECK(*result.error().retry_after == k_now + std::chrono::seconds(120));
      }
    }
  }

  TEST_CASE("an answer that is not UTF-8 is refused: which plugin, which line, which byte")
  {
    Fixture f;
    plugin(f.dir, "{}",
           "printf '{\"id\":%s,\"type\":\"published\",\"remote_id\":\"r-\\377\"}\\n' "
           "\"$id\"");
    auto adapter = f.adapter({ { "command", "./plugin.sh" } });
    const auto result = adapter->publish(post());
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().kind == Kind::maybe_sent);
    CHECK(result.error().message ==
          "plugin ./plugin.sh: its answer to publish (line 2 of its output) is not UTF-8: byte "
          "0xff at byte offset 42; it may have published");
    // The -v log shows the line with the byte replaced, never raw.
    CHECK(f.all_log().find("\xFF") == std::string::npos);
    CHECK(f.all_log().find("r-\uFFFD") != std::string::npos);
  }

  TEST_CASE("maybe_sent from an idempotent plugin is resent")
  {
    Fixture f;
    plugin(f.dir, "{\\\"idempotent\\\":true}",
           say(R"({"type":"error","kind":"maybe_sent","message":"lost"})"));
    auto adapter = f.adapter({ { "command", "./plugin.sh" } });
    const auto result = adapter->publish(post());
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().kind == Kind::not_sent);
    CHECK(result.error().message == "plugin ./plugin.sh: lost; it declared \"idempotent\": true, "
                                    "so the same idempotency key is sent again");
  }

  TEST_CASE("a plugin of another protocol version is a permanent error")
  {
    Fixture f;
    const auto path = f.dir.write("v2.sh", "#!/bin/sh\nread -r l\n"
                                           "echo '{\"type\":\"hello\",\"id\":1,\"protocol\":2,"
                                           "\"name\":\"v2\"}'\nread -r l\n");
    ::chmod(path.c_str(), 0755);
    auto adapter = f.adapter({ { "command", "./v2.sh" } });
    const auto result = adapter->publish(post());
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().kind == Kind::permanent);
    CHECK(result.error().message ==
          "plugin ./v2.sh: it speaks protocol 2, and this herald speaks protocol 1; use a "
          "version of the plugin made for protocol 1");
  }

  TEST_CASE("a publish that gets no answer: maybe sent, unless the plugin is idempotent")
  {
    Fixture f;
    SUBCASE("not idempotent")
    {
      plugin(f.dir, "{}", "sleep 30");
      auto adapter = f.adapter({ { "command", "./plugin.sh" }, { "timeout", "1s" } });
      const auto result = adapter->publish(post());
      REQUIRE_FALSE(result.has_value());
      CHECK(result.error().kind == Kind::maybe_sent);
      CHECK(result.error().message ==
            "plugin ./plugin.sh: no answer to publish within 1s; stopped it; it may have "
            "published");
      // Not started again in this run: each further publish would wait as long.
      const auto next = adapter->publish(post());
      REQUIRE_FALSE(next.has_value());
      CHECK(next.error().kind == Kind::not_sent);
      CHECK(next.error().message ==
            "plugin ./plugin.sh: it gave no answer in time earlier in this run; it is not "
            "started again until the next run");
    }
    SUBCASE("idempotent")
    {
      plugin(f.dir, "{\\\"idempotent\\\":true}", "sleep 30");
      auto adapter = f.adapter({ { "command", "./plugin.sh" }, { "timeout", "1s" } });
      const auto result = adapter->publish(post());
      REQUIRE_FALSE(result.has_value());
      CHECK(result.error().kind == Kind::not_sent);
      CHECK(result.error().message ==
            "plugin ./plugin.sh: no answer to publish within 1s; stopped it; it declared "
            "\"idempotent\": true, so the same idempotency key is sent again");
    }
  }

  TEST_CASE("garbage after a publish: maybe sent; the next publish gets a fresh process")
  {
    Fixture f;
    plugin(f.dir, "{}",
           "if [ -e garbled ]; then " + say(R"({"type":"published","remote_id":"r-2"})") +
             "; else touch garbled; echo 'Traceback (most recent call last):'; fi");
    auto adapter = f.adapter({ { "command", "./plugin.sh" } });
    const auto result = adapter->publish(post());
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().kind == Kind::maybe_sent);
    CHECK(result.error().message ==
          "plugin ./plugin.sh: it answered publish with a line that is not a JSON object: "
          "\"Traceback (most recent call last):\"; it may have published");
    const auto next = adapter->publish(post());
    REQUIRE_MESSAGE(next.has_value(), next.error().message);
    CHECK(next->remote_id == "r-2");
  }

  TEST_CASE("wrong answers to a publish")
  {
    Fixture f;
    const std::pair<std::string, std::string> cases[] = {
      { say(R"({"type":"surprise"})"),
        "it answered publish with an unknown message type 'surprise'; it may have published" },
      { "echo '{\"type\":\"published\",\"id\":99,\"remote_id\":\"x\"}'",
        "it answered publish (id 2) with id 99; it may have published" },
      { say(R"({"type":"published","url":"u"})"),
        "its 'published' answer has no 'remote_id'; it may have published" },
      { "exit 4", "closed its output (exited with status 4) before answering publish; it may "
                  "have published" },
      { "echo '" + std::string(70, '[') + std::string(70, ']') + "'",
        "its answer to publish is nested too deeply; it may have published" },
    };
    for (const auto& one : cases) {
      // Not a structured binding: CAPTURE takes it into a lambda, which clang 14 refuses.
      const std::string& behaviour = one.first;
      const std::string& message = one.second;
      CAPTURE(behaviour);
      plugin(f.dir, "{}", behaviour);
      auto adapter = f.adapter({ { "command", "./plugin.sh" } });
      const auto result = adapter->publish(post());
      REQUIRE_FALSE(result.has_value());
      CHECK(result.error().kind == Kind::maybe_sent);
      CHECK(result.error().message == "plugin ./plugin.sh: " + message);
    }
  }

  TEST_CASE("posts the plugin cannot take are refused before they are sent")
  {
    Fixture f;
    plugin(f.dir, "{\\\"max_length\\\":5,\\\"length_unit\\\":\\\"graphemes\\\"}",
           say(R"({"type":"published","remote_id":"r"})"));
    auto adapter = f.adapter({ { "command", "./plugin.sh" } });
    auto result = adapter->publish(post("123456"));
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().kind == Kind::permanent);
    CHECK(result.error().message ==
          "not sent: it is too long for plugin 't': text is 6 characters, the limit is 5");
    OutPost with_media = post("12345");
    with_media.parts[0].media.push_back({ "/tmp/a.png", "alt" });
    result = adapter->publish(with_media);
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().message == "not sent: it has media, and plugin 't' takes none");
    OutPost thread = post("1");
    thread.parts.push_back({ "2", {} });
    result = adapter->publish(thread);
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().message ==
          "not sent: it is a thread of 2 parts, and plugin 't' does not take threads");
    CHECK(f.requests().find("publish") == std::string::npos);
  }

  TEST_CASE("secrets: only the named variables reach the plugin, and never the log")
  {
    Fixture f;
    ::setenv("HERALD_TEST_NOT_NAMED", "leak", 1);
    plugin(f.dir, "{}",
           "echo \"token is $PLUGIN_TOKEN, other is ${HERALD_TEST_NOT_NAMED:-unset}\" >&2; " +
             say(R"({"type":"error","kind":"auth","message":"refused $PLUGIN_TOKEN"})"));
    auto adapter = f.adapter({ { "command", "./plugin.sh" }, { "env", { "PLUGIN_TOKEN" } } });
    const auto result = adapter->publish(post());
    ::unsetenv("HERALD_TEST_NOT_NAMED");
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().message == "plugin ./plugin.sh: refused ***");
    adapter.reset();
    const auto log = f.all_log();
    CHECK(log.find("exec mine: stderr: token is ***, other is unset") != std::string::npos);
    CHECK(log.find("t0ken-s3cret") == std::string::npos);
  }

  TEST_CASE("secrets: a published post's id and url never carry a secret into the state")
  {
    Fixture f;
    plugin(
      f.dir, "{}",
      say(
        R"({"type":"published","remote_id":"id-$PLUGIN_TOKEN","url":"https://x.test/?k=$PLUGIN_TOKEN"})"));
    auto adapter = f.adapter({ { "command", "./plugin.sh" }, { "env", { "PLUGIN_TOKEN" } } });
    const auto result = adapter->publish(post());
    REQUIRE(result.has_value());
    CHECK(result->remote_id == "id-***");
    CHECK(result->url == "https://x.test/?k=***");
  }

  TEST_CASE("a plugin that exits after each answer is started again")
  {
    Fixture f;
    plugin(f.dir, "{}", say(R"({"type":"published","remote_id":"once"})") + "; exit 0");
    auto adapter = f.adapter({ { "command", "./plugin.sh" } });
    for (int i = 0; i < 3; ++i) {
      const auto result = adapter->publish(post());
      REQUIRE_MESSAGE(result.has_value(), result.error().message);
    }
  }

  TEST_CASE("verify: the plugin's answer, or that it started")
  {
    Fixture f;
    plugin(f.dir, "{\\\"verify\\\":true}", ":",
           say(R"({"type":"verified","detail":"posts as @me"})"));
    const auto verified = f.adapter({ { "command", "./plugin.sh" } })->verify().value();
    CHECK(verified.detail == "plugin 't': posts as @me");
    CHECK(verified.checked);
    plugin(f.dir, "{}", ":", "", "plain.sh");
    const auto started = f.adapter({ { "command", "./plain.sh" } })->verify().value();
    CHECK(started.detail == "plugin 't' started and answered hello; it has no verify");
    CHECK_FALSE(started.checked);
  }

  TEST_CASE("validate asks the plugin about each message, within its timeout")
  {
    Fixture f;
    const auto path = f.dir.write(
      "v.sh",
      "#!/bin/sh\n"
      "while IFS= read -r line; do\n"
      "  id=$(printf '%s\\n' \"$line\" | sed -n "
      "'s/^{\"type\":\"[a-z_]*\",\"id\":\\([0-9]*\\).*/\\1/p')\n"
      "  case $line in\n"
      "  '{\"type\":\"hello\"'*) echo \"{\\\"type\\\":\\\"hello\\\",\\\"id\\\":$id,"
      "\\\"protocol\\\":1,\\\"name\\\":\\\"v\\\",\\\"capabilities\\\":{\\\"validate\\\":true,"
      "\\\"max_length\\\":10}}\" ;;\n"
      "  *'\"post\":\"bad\"'*) echo \"{\\\"type\\\":\\\"validated\\\",\\\"id\\\":$id,"
      "\\\"problems\\\":[\\\"no swearing\\\"]}\" ;;\n"
      "  *'\"post\":\"slow\"'*) sleep 30 ;;\n"
      "  *) echo \"{\\\"type\\\":\\\"validated\\\",\\\"id\\\":$id,\\\"problems\\\":[]}\" ;;\n"
      "  esac\n"
      "done\n");
    ::chmod(path.c_str(), 0755);
    const std::map<std::string, SourcePos> positions{ { "command", { "c.yaml", 4, 14 } } };
    std::vector<MessageToCheck> messages{
      { "good", { "c.yaml", 10, 5 }, { { "fine", {} } }, { { "c.yaml", 11, 11 } } },
      { "bad", { "c.yaml", 12, 5 }, { { "rude", {} } }, { { "c.yaml", 13, 11 } } },
      { "long", { "c.yaml", 14, 5 }, { { "far too long", {} } }, { { "c.yaml", 15, 11 } } },
      { "slow", { "c.yaml", 16, 5 }, { { "x", {} } }, { { "c.yaml", 17, 11 } } },
      { "never", { "c.yaml", 18, 5 }, { { "x", {} } }, { { "c.yaml", 19, 11 } } },
    };
    Diagnostics diagnostics;
    const auto started = std::chrono::steady_clock::now();
    exec_platform().check_messages(
      f.account({ { "command", "./v.sh" }, { "hello_timeout", "1s" } }), messages, positions,
      { "c.yaml", 3, 3 }, f.context, diagnostics);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
    CHECK(test::all_messages(diagnostics) ==
          "c.yaml:15:11: error: post 'long' for account 'mine' (exec): it is too long for plugin "
          "'v': text is 12 Unicode code points, the limit is 10\n"
          "c.yaml:12:5: error: post 'bad' for account 'mine' (plugin 'v'): no swearing\n"
          "c.yaml:4:14: error: account 'mine': plugin ./v.sh: no answer to validate within 1s; "
          "stopped it\n");
  }
}
