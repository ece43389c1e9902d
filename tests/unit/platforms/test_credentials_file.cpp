#include "testutil.hpp"

#include "platforms/credentials_file.hpp"

#include <doctest/doctest.h>
#include <fmt/core.h>

#include <sys/stat.h>

#include <cstdlib>
#include <tuple>

using namespace herald;
using namespace herald::platforms;
namespace fs = std::filesystem;

namespace {

fs::path
write_private(const test::TestDir& dir, std::string_view content, mode_t mode = 0600)
{
  const auto path = dir.write("credentials", content);
  REQUIRE(::chmod(path.c_str(), mode) == 0);
  return path;
}

} // namespace

TEST_SUITE("platforms::CredentialsFile")
{
  TEST_CASE("NAME=value lines, with comments, export, quotes and spaces")
  {
    test::TestDir dir;
    const auto path =
      write_private(dir, "# herald secrets\n"
                         "\n"
                         "MASTODON_TOKEN=abc123\n"
                         "export BLUESKY_PASSWORD = 'app pass word'\n"
                         "  DISCORD_WEBHOOK_URL=\"https://discord.com/api/webhooks/1/x=y\"\r\n"
                         "EMPTY=\n");
    const auto credentials = read_credentials_file(path);
    REQUIRE(credentials);
    CHECK(credentials->size() == 4);
    CHECK(credentials->at("MASTODON_TOKEN") == "abc123");
    CHECK(credentials->at("BLUESKY_PASSWORD") == "app pass word");
    CHECK(credentials->at("DISCORD_WEBHOOK_URL") == "https://discord.com/api/webhooks/1/x=y");
    CHECK(credentials->at("EMPTY").empty());
  }

  TEST_CASE("a malformed line is reported by line number, without its content")
  {
    test::TestDir dir;
    const auto path = write_private(dir, "A=1\nsk-live-very-secret-value\n");
    const auto credentials = read_credentials_file(path);
    REQUIRE_FALSE(credentials);
    CHECK(credentials.error() == path.string() + ":2: expected NAME=value");

    const auto bad_name = write_private(dir, "1ABC=x\n");
    CHECK(read_credentials_file(bad_name).error() == bad_name.string() + ":1: expected NAME=value");
  }

  TEST_CASE("parse_credentials: text already read, named in errors as given")
  {
    const auto credentials = parse_credentials("export A='1'\n# c\nB = two\n", "creds");
    REQUIRE(credentials);
    CHECK(*credentials == Credentials{ { "A", "1" }, { "B", "two" } });
    CHECK(parse_credentials("A=1\nB=\xff\n", "creds").error() ==
          "creds:2: the value of B is not valid UTF-8");
  }

  TEST_CASE("a file other users can read or change is refused before it is read")
  {
    test::TestDir dir;
    for (const mode_t mode : { 0644, 0640, 0604, 0620, 0602 }) {
      CAPTURE(mode);
      const auto path = write_private(dir, "MASTODON_TOKEN=abc123\n", mode);
      const auto credentials = read_credentials_file(path);
      REQUIRE_FALSE(credentials);
      CHECK(credentials.error() ==
            fmt::format("refusing credentials file {}: its mode {:04o} lets other users read or "
                        "change it; run: chmod 600 {}",
                        path.string(), mode, path.string()));
      CHECK(credentials.error().find("abc123") == std::string::npos);
    }
    CHECK(read_credentials_file(write_private(dir, "A=1\n", 0400)));
  }

  TEST_CASE("a symbolic link, a directory or a missing file is refused")
  {
    test::TestDir dir;
    const auto target = write_private(dir, "A=1\n");
    fs::create_symlink(target, dir.path() / "link");
    CHECK(read_credentials_file(dir.path() / "link").error() == "cannot read credentials file " +
                                                                  (dir.path() / "link").string() +
                                                                  ": it is a symbolic link");
    fs::create_directory(dir.path() / "d");
    ::chmod((dir.path() / "d").c_str(), 0700);
    CHECK(read_credentials_file(dir.path() / "d").error() ==
          "refusing credentials file " + (dir.path() / "d").string() + ": not a regular file");
    CHECK(read_credentials_file(dir.path() / "none").error() == "cannot read credentials file " +
                                                                  (dir.path() / "none").string() +
                                                                  ": No such file or directory");
  }

  TEST_CASE("the environment wins over the file; an empty value counts as not set")
  {
    use_credentials({ { "HERALD_TEST_FROM_FILE", "file-value" },
                      { "HERALD_TEST_BOTH", "file-value" },
                      { "HERALD_TEST_EMPTY", "" } });
    ::setenv("HERALD_TEST_BOTH", "env-value", 1);
    CHECK(lookup_secret("HERALD_TEST_FROM_FILE").source == SecretSource::credentials_file);
    CHECK(lookup_secret("HERALD_TEST_FROM_FILE").value == "file-value");
    CHECK(lookup_secret("HERALD_TEST_BOTH").source == SecretSource::environment);
    CHECK(lookup_secret("HERALD_TEST_BOTH").value == "env-value");
    CHECK(lookup_secret("HERALD_TEST_EMPTY").source == SecretSource::none);
    CHECK(lookup_secret("HERALD_TEST_NOWHERE").source == SecretSource::none);
    ::unsetenv("HERALD_TEST_BOTH");
    use_credentials({});
  }

  TEST_CASE("the default file follows XDG_CONFIG_HOME, else HOME")
  {
    const char* saved_xdg = std::getenv("XDG_CONFIG_HOME");
    const std::string xdg = saved_xdg ? saved_xdg : "";
    const char* saved_home = std::getenv("HOME");
    const std::string home = saved_home ? saved_home : "";
    ::setenv("XDG_CONFIG_HOME", "/cfg", 1);
    CHECK(default_credentials_path() == "/cfg/herald/credentials");
    ::setenv("XDG_CONFIG_HOME", "relative", 1); // not absolute: ignored, as the spec says
    ::setenv("HOME", "/home/ann", 1);
    CHECK(default_credentials_path() == "/home/ann/.config/herald/credentials");
    for (const auto& [name, saved, value] : { std::tuple{ "XDG_CONFIG_HOME", saved_xdg, xdg },
                                              std::tuple{ "HOME", saved_home, home } }) {
      if (saved) {
        ::setenv(name, value.c_str(), 1);
      } else {
        ::unsetenv(name);
      }
    }
  }
}
