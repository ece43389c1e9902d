#include "testutil.hpp"

#include "platforms/registry.hpp"
#include "platforms/x/x.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

using namespace herald::platforms;

TEST_SUITE("platforms::x")
{
  TEST_CASE("X's error shapes: a problem document, or an errors list")
  {
    CHECK(x::error_detail(R"({"title":"Forbidden","detail":"You are not allowed to create a )"
                          R"(Tweet with duplicate content.","type":"about:blank","status":403})") ==
          "You are not allowed to create a Tweet with duplicate content.");
    CHECK(x::error_detail(R"({"title":"Unauthorized","type":"about:blank","status":401})") ==
          "Unauthorized");
    CHECK(x::error_detail(R"({"errors":[{"message":"Invalid media_id"}]})") == "Invalid media_id");
    CHECK(x::error_detail("<html>") == "");
    CHECK(x::error_detail(R"(["detail"])") == "");
  }

  TEST_CASE("only the duplicate-content 403 is read as a duplicate")
  {
    CHECK(x::is_duplicate_refusal(
      R"({"detail":"You are not allowed to create a Tweet with duplicate content."})"));
    CHECK_FALSE(x::is_duplicate_refusal(R"({"detail":"Forbidden"})"));
    CHECK_FALSE(x::is_duplicate_refusal("duplicate content"));
  }

  TEST_CASE("a post's text as X shows it matches the text as written")
  {
    // X shortens every link to t.co and escapes &, < and >.
    CHECK(x::same_text("New &amp; faster: https://t.co/abc123XYZ0 &lt;3",
                       "New & faster: https://example.org/releases/2.0 <3"));
    CHECK(x::decoded_text("a &amp;amp; b") == "a &amp; b");
    CHECK_FALSE(x::same_text("New &amp; faster", "New and faster"));
    CHECK_FALSE(x::same_text("see https://t.co/x", "see"));
  }

  TEST_CASE("media X takes: four images, or one GIF; alt text up to 1,000 characters")
  {
    herald::test::TestDir dir;
    const auto write = [&](const char* name, size_t bytes) {
      std::ofstream(dir.path() / name, std::ios::binary) << std::string(bytes, 'x');
      return dir.path() / name;
    };
    OutPart part{ "text", {} };
    for (int i = 0; i < 4; ++i) {
      part.media.push_back({ write(("a" + std::to_string(i) + ".png").c_str(), 10), "alt" });
    }
    CHECK(x::media_problems(part).empty());
    part.media.push_back({ write("e.png", 10), "" });
    CHECK(x::media_problems(part) ==
          std::vector<std::string>{ "5 media files, the limit is 4 images" });
    part.media = { { write("big.jpg", 5 * 1024 * 1024 + 1), "" } };
    CHECK(x::media_problems(part) ==
          std::vector<std::string>{ "big.jpg is 5242881 bytes, the limit is 5242880 bytes for an "
                                    "image" });
    part.media = { { write("cat.gif", 10), "" }, { write("b.png", 10), "" } };
    CHECK(x::media_problems(part) ==
          std::vector<std::string>{ "cat.gif is a GIF, which X takes only alone in a post" });
    part.media = { { write("c.png", 10), std::string(1001, 'a') } };
    CHECK(
      x::media_problems(part) ==
      std::vector<std::string>{ "the alt text of c.png is 1001 characters, the limit is 1000" });
  }

  TEST_CASE("media X takes: one MP4 or MOV video alone, up to 512 MB; its length is not checked")
  {
    herald::test::TestDir dir;
    const auto write = [&](const char* name, uintmax_t bytes) {
      std::ofstream(dir.path() / name, std::ios::binary) << "x";
      std::filesystem::resize_file(dir.path() / name, bytes); // sparse: nothing is written
      return dir.path() / name;
    };
    OutPart part{ "text", { { write("clip.mp4", 10), "A clip" } } };
    CHECK(x::media_problems(part).empty());
    part.media = { { write("clip.mov", 10), "" } };
    CHECK(x::media_problems(part).empty());
    part.media = { { write("at-limit.mp4", uintmax_t(512) * 1024 * 1024), "" } };
    CHECK(x::media_problems(part).empty());
    part.media = { { write("big.mp4", uintmax_t(512) * 1024 * 1024 + 1), "" } };
    CHECK(x::media_problems(part) ==
          std::vector<std::string>{ "big.mp4 is 536870913 bytes, the limit is 536870912 bytes "
                                    "for a video" });
    part.media = { { write("clip.mp4", 10), "" }, { write("b.png", 10), "" } };
    CHECK(x::media_problems(part) ==
          std::vector<std::string>{ "clip.mp4 is a video, which X takes only alone in a post" });
    part.media = { { write("clip.webm", 10), "" } };
    CHECK(x::media_problems(part) ==
          std::vector<std::string>{ "clip.webm is a video X does not take (video/webm); X takes "
                                    "MP4 and MOV" });
    part.media = { { write("big.gif", uintmax_t(15) * 1024 * 1024 + 1), "" } };
    CHECK(x::media_problems(part) ==
          std::vector<std::string>{ "big.gif is 15728641 bytes, the limit is 15728640 bytes for "
                                    "a GIF" });
  }

  TEST_CASE("the platform: 280 weighted characters, threads and media, not idempotent")
  {
    const auto* x = find_platform("x");
    REQUIRE(x != nullptr);
    CHECK(x->capabilities().threads);
    CHECK(x->capabilities().media);
    CHECK_FALSE(x->capabilities().idempotent);
    const auto rules = x->length_rules({ "x", "x", nlohmann::json::object(), "/" });
    REQUIRE(rules.size() == 1);
    CHECK(rules[0].limit == 280);
    CHECK(rules[0].url_weight == 23);
  }
}
