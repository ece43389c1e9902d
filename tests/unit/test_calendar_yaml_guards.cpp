// Hostile and malformed YAML (reliability.md section 6) and literal secrets (section 7, K3).

#include "testutil.hpp"

#include "calendar/loader.hpp"
#include "calendar/yaml_tree.hpp"

#include <doctest/doctest.h>
#include <fmt/core.h>

#include <chrono>
#include <string>

using herald::Diagnostics;
using herald::calendar::load_calendar;
using herald::calendar::LoadOptions;
using herald::calendar::LoadResult;
using herald::calendar::parse_yaml;
using herald::calendar::YamlNode;
using herald::test::all_messages;
using herald::test::TestDir;

namespace {

// Loads `text` as c.yaml and fails the test if that takes longer than a second.
LoadResult
load_quickly(const TestDir& dir, std::string_view text, LoadOptions options = {})
{
  dir.write("c.yaml", text);
  options.check_media = false;
  const auto start = std::chrono::steady_clock::now();
  LoadResult result = load_calendar("c.yaml", options);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
  return result;
}

} // namespace

TEST_SUITE("calendar::YamlGuards")
{
  TEST_CASE("a self-referencing alias is rejected, not followed")
  {
    TestDir dir;
    const LoadResult result = load_quickly(dir, "a: &x [*x]\n");
    CHECK(all_messages(result) ==
          "c.yaml:1:1: error: unknown key 'a' at top level\n"
          "c.yaml:1:4: error: anchors and aliases are not allowed in a calendar\n"
          "c.yaml:1:8: error: anchors and aliases are not allowed in a calendar\n");
    CHECK(result.calendar);
  }

  TEST_CASE("billion laughs returns quickly with an error")
  {
    TestDir dir;
    std::string text =
      "posts: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
    const std::string names = "abcdefghij";
    for (size_t level = 1; level < names.size(); ++level) {
      text += fmt::format("{0}: &{0} [", names[level]);
      for (int i = 0; i < 9; ++i) {
        text += fmt::format("{}*{}", i == 0 ? "" : ",", names[level - 1]);
      }
      text += "]\n";
    }
    const LoadResult result = load_quickly(dir, text);
    REQUIRE(result.diagnostics.all().size() >= 2);
    CHECK(result.diagnostics.all()[0].to_string() ==
          "c.yaml:1:8: error: anchors and aliases are not allowed in a calendar");
    CHECK(result.diagnostics.all()[1].to_string() ==
          "c.yaml:1:12: error: 'posts[0]' must be a map with 'id:', 'text:' and 'at:' or "
          "'cron:'");
    // Reports stop after a handful; the rest would only repeat them.
    size_t alias_reports = 0;
    for (const auto& diagnostic : result.diagnostics.all()) {
      alias_reports += diagnostic.message == "anchors and aliases are not allowed in a calendar";
    }
    CHECK(alias_reports == 10);
  }

  TEST_CASE("a lone comma errors out instead of looping")
  {
    TestDir dir;
    const LoadResult result = load_quickly(dir, ",");
    CHECK(all_messages(result) == "c.yaml:1:1: error: invalid YAML: unexpected ','\n");
    CHECK_FALSE(result.calendar);
  }

  TEST_CASE("syntax errors")
  {
    TestDir dir;
    SUBCASE("a map value where none may be")
    {
      CHECK(all_messages(load_quickly(dir, "a: b: c\n")) ==
            "c.yaml:1:5: error: invalid YAML: illegal map value\n");
    }
    SUBCASE("an unclosed flow sequence")
    {
      CHECK(all_messages(load_quickly(dir, "posts: [\n")) ==
            "c.yaml:2:1: error: invalid YAML: end of sequence flow not found\n");
    }
    SUBCASE("an unclosed flow map (a hang in older yaml-cpp)")
    {
      CHECK(all_messages(load_quickly(dir, "{x:")) ==
            "c.yaml:1:3: error: invalid YAML: unknown token\n");
    }
  }

  TEST_CASE("a calendar is a single document")
  {
    TestDir dir;
    const LoadResult result = load_quickly(dir, "posts: []\n---\nposts: []\n");
    CHECK(all_messages(result) == "c.yaml:2:1: error: a calendar is a single YAML document\n");
    CHECK(result.calendar);
  }

  TEST_CASE("deep nesting is an error, not a crash")
  {
    TestDir dir;
    SUBCASE("flow sequences")
    {
      const LoadResult result =
        load_quickly(dir, std::string(100000, '[') + std::string(100000, ']'));
      CHECK(all_messages(result) == "c.yaml:1:499: error: invalid YAML: nesting is too deep\n");
      CHECK_FALSE(result.calendar);
    }
    SUBCASE("flow maps")
    {
      std::string text;
      for (int i = 0; i < 100000; ++i) {
        text += "{a: ";
      }
      const LoadResult result = load_quickly(dir, text);
      CHECK(result.diagnostics.all().at(0).message == "invalid YAML: nesting is too deep");
      CHECK_FALSE(result.calendar);
    }
  }

  TEST_CASE("duplicate keys")
  {
    TestDir dir;
    SUBCASE("in small maps")
    {
      CHECK(all_messages(load_quickly(dir, "posts:\n"
                                           "  - id: a\n"
                                           "    text: x\n"
                                           "    text: y\n"
                                           "    to: [x]\n"
                                           "    at: 2026-12-01 09:00\n"
                                           "accounts: {x: {platform: stub}}\n"
                                           "posts: []\n")) ==
            "c.yaml:4:5: error: duplicate key 'text' (first at line 3)\n"
            "c.yaml:8:1: error: duplicate key 'posts' (first at line 1)\n");
    }
    SUBCASE("in large maps")
    {
      std::string text = "accounts:\n";
      for (int i = 0; i < 40; ++i) {
        text += fmt::format("  a{}: {{platform: stub}}\n", i);
      }
      text += "  a7: {platform: stub}\n";
      CHECK(all_messages(load_quickly(dir, text)) ==
            "c.yaml:42:3: error: duplicate key 'a7' (first at line 9)\n");
    }
  }

  TEST_CASE("keys must be plain names")
  {
    TestDir dir;
    CHECK(all_messages(load_quickly(dir, "? [a]\n: 1\n~: 2\n")) ==
          "c.yaml:1:3: error: a key must be a plain name, not a list, a map or null\n"
          "c.yaml:3:1: error: a key must be a plain name, not a list, a map or null\n");
  }

  TEST_CASE("the top level must be a map")
  {
    TestDir dir;
    CHECK(all_messages(load_quickly(dir, "- a\n- b\n")) ==
          "c.yaml:1:1: error: a calendar must be a map with keys such as 'timezone:', "
          "'accounts:' and 'posts:'\n");
  }

  TEST_CASE("the file size is checked before parsing")
  {
    TestDir dir;
    LoadOptions options;
    options.max_bytes = 10;
    SUBCASE("the main file")
    {
      const LoadResult result = load_quickly(dir, "posts: []\n# some padding\n", options);
      CHECK(all_messages(result) ==
            "c.yaml: error: file is 25 bytes, larger than the limit of 10 (set "
            "HERALD_MAX_CALENDAR_BYTES or --max-calendar-bytes)\n");
      CHECK_FALSE(result.calendar);
    }
    SUBCASE("an included file")
    {
      options.max_bytes = 20;
      dir.write("a.yaml", "posts: []\n# some padding\n");
      const LoadResult result = load_quickly(dir, "include: [a.yaml]\n", options);
      CHECK(all_messages(result) ==
            "a.yaml: error: file is 25 bytes, larger than the limit of 20 (set "
            "HERALD_MAX_CALENDAR_BYTES or --max-calendar-bytes)\n");
      CHECK(result.calendar);
    }
  }

  TEST_CASE("literal secrets are errors and never echoed")
  {
    TestDir dir;
    const LoadResult result = load_quickly(
      dir, "accounts:\n"
           "  team:\n"
           "    platform: discord\n"
           "    url: https://discord.com/api/webhooks/123456/tokTOKEN1\n"
           "    webhook_url: https://discord.com/api/webhooks/999/tokTOKEN2\n"
           "  slack:\n"
           "    platform: slack\n"
           "    hook: https://hooks.slack.com/services/T000/B000/tokTOKEN3\n"
           "  db:\n"
           "    platform: exec\n"
           "    dsn: postgres://herald:pwTOKEN4@db.example.org/herald\n"
           "defaults: {to: [\"https://discordapp.com/api/webhooks/1/tokTOKEN5\"]}\n"
           "posts:\n"
           "  - id: a\n"
           "    at: 2026-12-01 09:00\n"
           "    text: \"see https://user:pwTOKEN6@example.org/x\"\n"
           "  - id: b\n"
           "    at: https://discord.com/api/v10/webhooks/1/tokTOKEN7\n"
           "    text: fine https://user@example.org/ and https://discord.com/developers\n");
    const std::string messages = all_messages(result);
    CHECK(messages ==
          "c.yaml:4:10: error: 'accounts.team.url' holds a webhook URL with its secret token; "
          "keep secrets in environment variables, not in the calendar\n"
          "c.yaml:5:5: error: account 'team': 'webhook_url' holds a secret in the calendar; "
          "put it in an environment variable and name it with 'webhook_url_env: "
          "DISCORD_WEBHOOK_URL'\n"
          "c.yaml:8:11: error: 'accounts.slack.hook' holds a webhook URL with its secret "
          "token; keep secrets in environment variables, not in the calendar\n"
          "c.yaml:11:10: error: 'accounts.db.dsn' holds a URL with a password in it; keep "
          "secrets in environment variables, not in the calendar\n"
          "c.yaml:12:17: error: 'defaults.to[0]' holds a webhook URL with its secret token; "
          "keep secrets in environment variables, not in the calendar\n"
          "c.yaml:12:17: error: unknown account '[redacted]' in defaults\n"
          "c.yaml:16:11: error: 'posts[0].text' holds a URL with a password in it; keep "
          "secrets in environment variables, not in the calendar\n"
          "c.yaml:18:9: error: 'posts[1].at' holds a webhook URL with its secret token; keep "
          "secrets in environment variables, not in the calendar\n"
          "c.yaml:18:9: error: 'posts[1].at': invalid date-time '[redacted]': expected a "
          "date like 2026-12-01\n");
    CHECK(messages.find("TOKEN") == std::string::npos);
    REQUIRE(result.calendar);
    const auto& team = result.calendar->accounts.at("team");
    CHECK(team.settings.dump() == R"({"url":"[redacted]"})");
  }

  TEST_CASE("the node cap stops huge documents")
  {
    Diagnostics diagnostics;
    herald::calendar::YamlLimits limits;
    limits.max_nodes = 10;
    CHECK_FALSE(
      parse_yaml("[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]", "c.yaml", diagnostics, limits));
    CHECK(all_messages(diagnostics) ==
          "c.yaml:1:1: error: the calendar has more than 10 YAML values, the limit\n");
  }
}

TEST_SUITE("calendar::YamlTree")
{
  TEST_CASE("positions, styles and order")
  {
    Diagnostics diagnostics;
    const auto root = parse_yaml("b: plain\n"
                                 "a: \"quoted\"\n"
                                 "c:\n"
                                 "  - |\n"
                                 "    block\n"
                                 "  - ~\n"
                                 "d:\n",
                                 "c.yaml", diagnostics);
    CHECK(all_messages(diagnostics) == "");
    REQUIRE(root);
    REQUIRE(root->is_map());
    REQUIRE(root->entries.size() == 4);
    CHECK(root->entries[0].key.scalar == "b");
    CHECK(root->entries[0].value.style == YamlNode::Style::plain);
    CHECK(root->entries[1].key.scalar == "a");
    CHECK(root->entries[1].value.scalar == "quoted");
    CHECK(root->entries[1].value.style == YamlNode::Style::quoted);
    CHECK(root->entries[1].value.line == 2);
    CHECK(root->entries[1].value.column == 4);
    const YamlNode& list = root->entries[2].value;
    REQUIRE(list.is_sequence());
    REQUIRE(list.items.size() == 2);
    CHECK(list.items[0].scalar == "block\n");
    CHECK(list.items[0].style == YamlNode::Style::other);
    CHECK(list.items[1].is_null());
    CHECK(list.items[1].line == 6);
    CHECK(list.items[1].column == 5);
    // An empty value sits at its key, not at the next token.
    CHECK(root->entries[3].value.is_null());
    CHECK(root->entries[3].value.line == 7);
    CHECK(root->entries[3].value.column == 1);
  }

  TEST_CASE("an empty text is a null document")
  {
    Diagnostics diagnostics;
    const auto root = parse_yaml("", "c.yaml", diagnostics);
    REQUIRE(root);
    CHECK(root->is_null());
    CHECK_FALSE(diagnostics.has_errors());
  }
}
