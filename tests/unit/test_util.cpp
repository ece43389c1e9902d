#include "testutil.hpp"

#include "util/atomic_file.hpp"
#include "util/diagnostics.hpp"
#include "util/duration.hpp"
#include "util/edit_distance.hpp"
#include "util/file_lock.hpp"
#include "util/hash.hpp"
#include "util/media_kind.hpp"
#include "util/private_dir.hpp"
#include "util/secret_file.hpp"
#include "util/trim.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <fstream>
#include <sstream>

using namespace herald;
using namespace std::chrono_literals;

TEST_SUITE("util")
{
  TEST_CASE("hash is stable and separates fields")
  {
    CHECK(Hasher().update("abc").hex() == "e71fa2190541574b");
    CHECK(Hasher().field("ab").field("c").hex() != Hasher().field("a").field("bc").hex());
  }

  TEST_CASE("parse_duration")
  {
    CHECK(parse_duration("90s").value() == 90s);
    CHECK(parse_duration("15m").value() == 15min);
    CHECK(parse_duration("1h30m").value() == 90min);
    CHECK(parse_duration("2d").value() == 48h);
    CHECK(parse_duration("1w").value() == 168h);
    CHECK(parse_duration("").error() == "empty duration");
    CHECK(parse_duration("10").error() == "duration '10' needs a unit (s, m, h, d or w), e.g. 10m");
    CHECK(parse_duration("1x").error() ==
          "invalid duration unit 'x' in '1x' (use s, m, h, d or w)");
    CHECK(parse_duration("30m1h").error() ==
          "invalid duration '30m1h': units must go from large to small");
    CHECK(parse_duration("h").error() == "invalid duration 'h' (expected e.g. 30m, 1h, 2d)");
  }

  TEST_CASE("create_private_directories: 0700 for what it makes, nothing else touched")
  {
    test::TestDir dir;
    std::filesystem::create_directory(dir.path() / "kept");
    ::chmod((dir.path() / "kept").c_str(), 0751);
    const mode_t old_mask = ::umask(022);
    const auto made = create_private_directories(dir.path() / "kept" / "a" / "b");
    ::umask(old_mask);
    REQUIRE(made);
    const auto mode_of = [](const std::filesystem::path& path) {
      struct stat st;
      REQUIRE(::stat(path.c_str(), &st) == 0);
      return st.st_mode & 07777;
    };
    CHECK(mode_of(dir.path() / "kept") == 0751);
    CHECK(mode_of(dir.path() / "kept" / "a") == 0700);
    CHECK(mode_of(dir.path() / "kept" / "a" / "b") == 0700);
    CHECK(create_private_directories(dir.path() / "kept" / "a"));

    dir.write("file", "x");
    CHECK(create_private_directories(dir.path() / "file" / "sub").error() ==
          "cannot create " + (dir.path() / "file" / "sub").string() + ": " +
            (dir.path() / "file").string() + " is not a directory");
  }

  TEST_CASE("format_duration")
  {
    CHECK(format_duration(45s) == "45s");
    CHECK(format_duration(3min) == "3m");
    CHECK(format_duration(90min) == "1h30m");
    CHECK(format_duration(2h) == "2h");
    CHECK(format_duration(100h) == "4d4h");
    CHECK(format_duration(0s) == "0s");
  }

  TEST_CASE("format_duration keeps every unit, so the text reads back as the same duration")
  {
    // Found by tests/fuzz/fuzz_time (corpus/time/format-duration-90s): 90s was written "1m", so
    // a plugin's `timeout: 90s` was reported as "no answer within 1m".
    CHECK(format_duration(90s) == "1m30s");
    CHECK(format_duration(93784s) == "1d2h3m4s");
    CHECK(format_duration(-90s) == "-1m30s");
    for (const auto text : { "90s", "1d2h3m4s", "2w", "99999999d23h", "59m59s" }) {
      const auto parsed = parse_duration(text).value();
      CHECK(parse_duration(format_duration(parsed)).value() == parsed);
    }
  }

  TEST_CASE("edit distance and suggestions")
  {
    CHECK(edit_distance("text", "text") == 0);
    CHECK(edit_distance("txt", "text") == 1);
    CHECK(edit_distance("txet", "text") == 1); // a swap is one edit
    CHECK(edit_distance("", "abc") == 3);
    const std::array<std::string_view, 4> keys{ "text", "to", "at", "media" };
    CHECK(closest_match("txt", keys).value() == "text");
    CHECK(closest_match("medai", keys).value() == "media");
    CHECK_FALSE(closest_match("completely-different", keys).has_value());
  }

  TEST_CASE("diagnostics format and order")
  {
    Diagnostics d;
    d.error({ "c.yaml", 4, 5 }, "second");
    d.warning({ "c.yaml", 2, 1 }, "first");
    d.error({ "", 0, 0 }, "no place");
    d.sort();
    REQUIRE(d.all().size() == 3);
    CHECK(d.all()[0].to_string() == "error: no place");
    CHECK(d.all()[1].to_string() == "c.yaml:2:1: warning: first");
    CHECK(d.all()[2].to_string() == "c.yaml:4:5: error: second");
    CHECK(d.error_count() == 2);
    CHECK(d.has_errors());
  }

  TEST_CASE("unset secrets are dropped for the accounts a command does not use")
  {
    const auto messages = [](const std::vector<Diagnostic>& items) {
      std::string text;
      for (const auto& item : items) {
        text += item.to_string() + "\n";
      }
      return text;
    };
    Diagnostics d;
    d.unset_secret({ "c.yaml", 5, 16 }, "masto", "MASTO_TOKEN is not set");
    d.error({ "c.yaml", 6, 1 }, "unknown key");
    d.unset_secret({ "c.yaml", 9, 16 }, "team", "TEAM_URL is not set");
    d.warning({ "c.yaml", 10, 1 }, "a warning");
    d.unset_secret({ "c.yaml", 12, 16 }, "masto", "MASTO_OTHER is not set");

    SUBCASE("the used accounts keep theirs, in order")
    {
      const auto dropped = d.drop_unset_secrets({ "masto", "absent" });
      CHECK(messages(dropped) == "c.yaml:9:16: error: TEAM_URL is not set\n");
      CHECK(messages(d.all()) == "c.yaml:5:16: error: MASTO_TOKEN is not set\n"
                                 "c.yaml:6:1: error: unknown key\n"
                                 "c.yaml:10:1: warning: a warning\n"
                                 "c.yaml:12:16: error: MASTO_OTHER is not set\n");
      CHECK(d.error_count() == 3);
    }
    SUBCASE("no account used: every unset secret goes, nothing else does")
    {
      const auto dropped = d.drop_unset_secrets();
      CHECK(messages(dropped) == "c.yaml:5:16: error: MASTO_TOKEN is not set\n"
                                 "c.yaml:9:16: error: TEAM_URL is not set\n"
                                 "c.yaml:12:16: error: MASTO_OTHER is not set\n");
      CHECK(messages(d.all()) == "c.yaml:6:1: error: unknown key\n"
                                 "c.yaml:10:1: warning: a warning\n");
      CHECK(d.drop_unset_secrets().empty());
    }
    SUBCASE("without other errors, dropping them makes the calendar usable")
    {
      Diagnostics only;
      only.unset_secret({ "c.yaml", 5, 16 }, "masto", "MASTO_TOKEN is not set");
      CHECK(only.has_errors());
      only.drop_unset_secrets({ "team" });
      CHECK_FALSE(only.has_errors());
      CHECK(only.all().empty());
    }
  }

  TEST_CASE("write_file_atomically: no planted symlink is followed, no temporary file is left")
  {
    test::TestDir dir;
    const auto victim = dir.write("victim.txt", "keep me");
    const auto file = dir.path() / "out.json";
    // The names a fixed-name writer would use, planted as symlinks to the victim.
    std::filesystem::create_symlink(victim, dir.path() / "out.json.tmp");
    std::filesystem::create_symlink(victim, dir.path() / ".out.json.tmp");

    REQUIRE(write_file_atomically(file, "new content\n").has_value());
    const auto read = [](const std::filesystem::path& path) {
      std::ifstream in(path);
      std::stringstream text;
      text << in.rdbuf();
      return text.str();
    };
    CHECK(read(victim) == "keep me");
    CHECK(read(file) == "new content\n");
    struct stat st
    {};
    REQUIRE(::stat(file.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777 & ~0644) == 0); // the mode asked for, less the umask
    CHECK((st.st_mode & 0600) == 0600);
    size_t entries = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) {
      ++entries;
    }
    CHECK(entries == 4); // the victim, the two planted links and the file: nothing left over

    SUBCASE("a symlink at the file itself is replaced, not written through")
    {
      std::filesystem::remove(file);
      std::filesystem::create_symlink(victim, file);
      REQUIRE(write_file_atomically(file, "page").has_value());
      CHECK(read(victim) == "keep me");
      CHECK_FALSE(std::filesystem::is_symlink(file));
      CHECK(read(file) == "page");
    }
    SUBCASE("the error names the file")
    {
      const auto missing = dir.path() / "no" / "such" / "out.json";
      const auto written = write_file_atomically(missing, "x");
      REQUIRE_FALSE(written.has_value());
      CHECK(written.error() == "cannot write " + missing.string() + ": No such file or directory");
    }
  }

  TEST_CASE("media types from a file's first bytes and from its name")
  {
    using namespace std::string_literals;
    CHECK(media_type_of_content("\x89PNG\r\n\x1a\n") == "image/png");
    CHECK(media_type_of_content("\xFF\xD8\xFF\xE1") == "image/jpeg");
    CHECK(media_type_of_content("GIF89a") == "image/gif");
    CHECK(media_type_of_content("RIFF\x10\0\0\0WEBPVP8 "s) == "image/webp");
    CHECK(media_type_of_content("RIFF\x10\0\0\0WAVEfmt "s) == "");
    CHECK(media_type_of_content("\0\0\0\x20"
                                "ftypisom"s) == "video/mp4");
    CHECK(media_type_of_content("\0\0\0\x14"
                                "ftypqt  "s) == "video/quicktime");
    CHECK(media_type_of_content("\0\0\0\x20"
                                "ftypM4A "s) == "audio/mp4");
    CHECK(media_type_of_content("\x1A\x45\xDF\xA3") == "video/webm");
    CHECK(media_type_of_content("ID3\x04") == "audio/mpeg");
    CHECK(media_type_of_content("#!/bin/sh\n") == "");
    CHECK(media_type_of_content("") == "");
    CHECK(media_type_of_name("a/b.PNG") == "image/png");
    CHECK(media_type_of_name("clip.mov") == "video/quicktime");
    CHECK(media_type_of_name("notes.txt") == "");
    CHECK(media_types_agree("video/mp4", "video/quicktime"));
    CHECK_FALSE(media_types_agree("image/png", "image/jpeg"));
  }

  TEST_CASE("secret_file_path: one file per account and host, inside its folder")
  {
    CHECK(secret_file_path("/s", "threads", "me", "https://graph.threads.net/v1.0") ==
          "/s/threads/me@graph.threads.net.json");
    CHECK(secret_file_path("/s", "x", "../up", "http://127.0.0.1:8080") ==
          "/s/x/_.._up@127.0.0.1_8080.json");
    CHECK(secret_file_path("/s", "x", "", "") == "/s/x/@.json");
    CHECK(secret_file_path("/s", "x", ".hidden", "h") == "/s/x/_.hidden@h.json");
    CHECK(secret_file_path({}, "x", "a", "https://h").empty());
  }

  TEST_CASE("FileLock: one holder at a time, released with the object")
  {
    test::TestDir dir;
    const auto path = dir.path() / "token.json";
    // flock conflicts between open file descriptions, so a second open stands for another run.
    const auto try_lock = [&] {
      const int fd = ::open((path.string() + ".lock").c_str(), O_RDWR);
      REQUIRE(fd >= 0);
      const bool got = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
      ::close(fd);
      return got;
    };
    {
      auto lock = FileLock::acquire(path);
      REQUIRE(lock);
      CHECK_FALSE(try_lock());
      struct stat st
      {};
      REQUIRE(::stat((path.string() + ".lock").c_str(), &st) == 0);
      CHECK((st.st_mode & 0777) == 0600);
      auto moved = std::move(*lock);
      CHECK_FALSE(try_lock());
    }
    CHECK(try_lock());
    const auto missing = FileLock::acquire(dir.path() / "no" / "such.json");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().find("cannot open") == 0);
  }

  TEST_CASE("trim_blanks and first_line keep what a message says, not its blanks")
  {
    static_assert(trim_blanks(" \tvalue\r ") == "value");
    CHECK(trim_blanks("a\n") == "a\n"); // a line break is not a blank
    CHECK(trim_blanks("  ").empty());
    CHECK(first_line("fatal: bad revision 'nope'\r\nmore\n") == "fatal: bad revision 'nope'");
    CHECK(first_line("one line  ") == "one line");
    CHECK(first_line("").empty());
  }
}
