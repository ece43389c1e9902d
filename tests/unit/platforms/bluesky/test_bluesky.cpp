#include "http_fake.hpp"
#include "testutil.hpp"

#include "platforms/bluesky/bluesky.hpp"
#include "platforms/bluesky/client.hpp"
#include "platforms/http_errors.hpp"
#include "platforms/registry.hpp"
#include "schedule/zone.hpp"

#include <doctest/doctest.h>
#include <fmt/core.h>

#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

using namespace herald;
using namespace herald::platforms;
using herald::test::FakeRequest;
using herald::test::FakeResponse;
using herald::test::FakeServer;

namespace {

constexpr std::string_view k_password = "app-pass-1234";
constexpr std::string_view k_did = "did:plc:alice123";

// The 64-bit value of a TID, to read its timestamp back.
uint64_t
tid_value(std::string_view tid)
{
  constexpr std::string_view alphabet = "234567abcdefghijklmnopqrstuvwxyz";
  uint64_t value = 0;
  for (const char c : tid) {
    value = (value << 5) | alphabet.find(c);
  }
  return value;
}

int
mode_of(const std::filesystem::path& path)
{
  struct stat st
  {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return int(st.st_mode & 07777);
}

FakeResponse
json(int status, const nlohmann::json& body,
     std::vector<std::pair<std::string, std::string>> headers = {})
{
  headers.emplace_back("Content-Type", "application/json");
  return { status, std::move(headers), body.dump() };
}

// Just enough of a PDS: sessions with numbered tokens, records by rkey, and a script of
// answers that replaces the normal one for the next requests of a path.
struct MiniPds
{
  std::mutex mutex;
  int sessions = 0;  // createSession calls
  int refreshes = 0; // refreshSession calls
  std::string access = "";
  std::string refresh = "";
  std::map<std::string, nlohmann::json> records; // rkey -> record
  std::map<std::string, std::vector<FakeResponse>> script;
  bool store_then_fail = false; // createRecord stores the record, then answers 500

  std::string path_of(const FakeRequest& r) { return r.target.substr(0, r.target.find('?')); }

  FakeResponse handle(const FakeRequest& r)
  {
    std::lock_guard lock(mutex);
    const auto path = path_of(r);
    if (auto it = script.find(path); it != script.end() && !it->second.empty()) {
      auto answer = it->second.front();
      it->second.erase(it->second.begin());
      return answer;
    }
    const auto bearer = r.header("Authorization").value_or("");
    if (path == "/xrpc/com.atproto.server.createSession") {
      const auto body = nlohmann::json::parse(r.body);
      if (body["password"] != k_password) {
        return json(401, { { "error", "AuthenticationRequired" },
                           { "message", "Invalid identifier or password" } });
      }
      return new_session(++sessions);
    }
    if (path == "/xrpc/com.atproto.server.refreshSession") {
      if (bearer != "Bearer " + refresh) {
        return json(400, { { "error", "ExpiredToken" }, { "message", "Token has expired" } });
      }
      ++refreshes;
      return new_session(100 + refreshes);
    }
    if (bearer != "Bearer " + access) {
      return json(400, { { "error", "ExpiredToken" }, { "message", "Token has expired" } });
    }
    if (path == "/xrpc/com.atproto.server.getSession") {
      return json(200, { { "did", k_did }, { "handle", "alice.test" } });
    }
    if (path == "/xrpc/com.atproto.repo.createRecord") {
      const auto body = nlohmann::json::parse(r.body);
      const std::string rkey = body["rkey"];
      if (records.contains(rkey)) {
        return json(500,
                    { { "error", "InternalServerError" }, { "message", "Internal Server Error" } });
      }
      records[rkey] = body["record"];
      if (store_then_fail) {
        return json(500, { { "error", "InternalServerError" } });
      }
      return json(200, { { "uri", uri_of(rkey) }, { "cid", "cid-" + rkey } });
    }
    if (path == "/xrpc/com.atproto.repo.getRecord") {
      const auto at = r.target.find("rkey=");
      const auto rkey = r.target.substr(at + 5);
      if (!records.contains(rkey)) {
        return json(400, { { "error", "RecordNotFound" } });
      }
      return json(
        200, { { "uri", uri_of(rkey) }, { "cid", "cid-" + rkey }, { "value", records[rkey] } });
    }
    if (path == "/xrpc/com.atproto.identity.resolveHandle") {
      if (r.target.find("handle=bob.test") != std::string::npos) {
        return json(200, { { "did", "did:plc:bob" } });
      }
      return json(400,
                  { { "error", "InvalidRequest" }, { "message", "Unable to resolve handle" } });
    }
    if (path == "/xrpc/com.atproto.repo.uploadBlob") {
      return json(200, { { "blob",
                           { { "$type", "blob" },
                             { "ref", { { "$link", "bafyblob" } } },
                             { "mimeType", r.header("Content-Type").value_or("") },
                             { "size", r.body.size() } } } });
    }
    return json(404, { { "error", "MethodNotImplemented" } });
  }

  FakeResponse new_session(int n)
  {
    access = "access-jwt-" + std::to_string(n);
    refresh = "refresh-jwt-" + std::to_string(n);
    return json(200, { { "did", k_did },
                       { "handle", "alice.test" },
                       { "accessJwt", access },
                       { "refreshJwt", refresh } });
  }

  static std::string uri_of(const std::string& rkey)
  {
    return fmt::format("at://{}/app.bsky.feed.post/{}", k_did, rkey);
  }
};

struct Rig
{
  test::TestDir dir;
  MiniPds pds;
  FakeServer server{ [this](const FakeRequest& r) { return pds.handle(r); } };
  FixedClock clock{ parse_rfc3339("2026-12-01T08:00:05Z").value() };
  AdapterContext context = default_context(clock, dir.path() / "state");

  Rig()
  {
    context.getenv = [](std::string_view name) -> std::optional<std::string> {
      return name == "SKY_PASSWORD" ? std::optional<std::string>(k_password) : std::nullopt;
    };
  }

  AccountConfig account() const
  {
    return { "sky",
             "bluesky",
             { { "handle", "alice.test" },
               { "password_env", "SKY_PASSWORD" },
               { "url", server.url("/") },
               { "language", "en" },
               { "link_card", false } }, // no page fetches from unit tests
             dir.path() };
  }

  std::unique_ptr<Adapter> adapter() const
  {
    return find_platform("bluesky")->make_adapter(account(), context);
  }

  std::filesystem::path session_path() const
  {
    return bluesky::session_file(context.state_dir, "alice.test", server.url("/"));
  }

  std::vector<FakeRequest> requests_to(std::string_view nsid) const
  {
    std::vector<FakeRequest> out;
    for (auto& r : server.requests()) {
      if (r.target.find(nsid) != std::string::npos) {
        out.push_back(r);
      }
    }
    return out;
  }
};

OutPost
post_of(std::vector<std::string> texts)
{
  OutPost post{ "launch/sky", "launch", "sky", "herald-0123456789abcdef-r1", {} };
  post.due = parse_rfc3339("2026-12-01T08:00:00Z").value();
  for (auto& text : texts) {
    post.parts.push_back({ std::move(text), {} });
  }
  return post;
}

} // namespace

TEST_SUITE("platforms::bluesky")
{
  TEST_CASE("TIDs: the PDS's rule, and the encoding of time and clock id")
  {
    CHECK(bluesky::is_valid_tid("3jzfcijpj2z2a"));
    CHECK(bluesky::is_valid_tid("2222222222222"));
    CHECK_FALSE(bluesky::is_valid_tid("3jzfcijpj2z2"));  // 12 characters
    CHECK_FALSE(bluesky::is_valid_tid("3jzfcijpj2z21")); // '1' is not in the alphabet
    CHECK_FALSE(bluesky::is_valid_tid("kjzfcijpj2z2a")); // top bit set
    CHECK_FALSE(bluesky::is_valid_tid("3JZFCIJPJ2Z2A")); // upper case
    CHECK_FALSE(bluesky::is_valid_tid("launch-sky-01")); // a job id is not a TID
    CHECK(bluesky::encode_tid(0, 0) == "2222222222222");
    const uint64_t micros = 1'764'576'000'123'456;
    const auto tid = bluesky::encode_tid(micros, 1023);
    CHECK(bluesky::is_valid_tid(tid));
    CHECK(tid_value(tid) == ((micros << 10) | 1023));
    // The largest timestamp still has a zero top bit.
    CHECK(bluesky::is_valid_tid(bluesky::encode_tid(~uint64_t(0), 1023)));
  }

  TEST_CASE("record keys: valid, stable per job and revision, distinct per part, time-ordered")
  {
    const auto post = post_of({ "one", "two", "three" });
    const auto key0 = bluesky::record_key(post, 0);
    CHECK(bluesky::is_valid_tid(key0));
    CHECK(bluesky::record_key(post, 0) == key0);
    CHECK(bluesky::record_key(post_of({ "other text" }), 0) ==
          key0); // the key decides, not the text
    const auto key1 = bluesky::record_key(post, 1);
    const auto key2 = bluesky::record_key(post, 2);
    CHECK(key0 < key1);
    CHECK(key1 < key2);
    auto revised = post;
    revised.idempotency_key = "herald-0123456789abcdef-r2";
    CHECK(bluesky::record_key(revised, 0) != key0);
    auto other = post;
    other.job_id = "other/sky";
    CHECK(bluesky::record_key(other, 0) != key0);
    // The timestamp is within the second the job was due.
    const uint64_t due_micros = uint64_t(post.due.time_since_epoch().count()) * 1'000'000;
    const uint64_t micros = tid_value(key0) >> 10;
    CHECK(micros >= due_micros);
    CHECK(micros < due_micros + 1'000'000);
  }

  TEST_CASE("record keys of one-off posts leave out when the command ran")
  {
    auto first = post_of({ "hello" });
    first.one_off = true;
    auto rerun = first;
    rerun.due = parse_rfc3339("2026-12-03T17:45:12Z").value(); // a re-run two days later
    const auto key = bluesky::record_key(first, 0);
    CHECK(bluesky::is_valid_tid(key));
    CHECK(bluesky::record_key(rerun, 0) == key);
    CHECK(bluesky::record_key(first, 1) > key);
    auto revised = first;
    revised.idempotency_key = "herald-0123456789abcdef-r2";
    CHECK(bluesky::record_key(revised, 0) != key);
    // The time part lies within 2024, clear of keys the PDS mints from its clock.
    const uint64_t micros = tid_value(key) >> 10;
    CHECK(micros >= uint64_t(1'704'067'200) * 1'000'000);
    CHECK(micros < uint64_t(1'735'689'600) * 1'000'000);
    // A calendar post keeps its due-time key.
    CHECK(bluesky::record_key(post_of({ "hello" }), 0) != key);
  }

  TEST_CASE("createdAt has milliseconds and Z")
  {
    CHECK(bluesky::created_at(parse_rfc3339("2026-12-01T08:00:05Z").value()) ==
          "2026-12-01T08:00:05.000Z");
  }

  TEST_CASE("facets: UTF-8 byte offsets after non-ASCII text")
  {
    const std::string text = "café → https://example.org/x #launch";
    const auto facets =
      bluesky::facets_for(text, [](const std::string&) { return std::optional<std::string>(); });
    REQUIRE(facets);
    REQUIRE(facets->size() == 2);
    const auto& link = (*facets)[0];
    CHECK(link["index"]["byteStart"] == 10);
    CHECK(link["index"]["byteEnd"] == 31);
    CHECK(link["features"][0]["$type"] == "app.bsky.richtext.facet#link");
    CHECK(link["features"][0]["uri"] == "https://example.org/x");
    CHECK(text.substr(10, 21) == "https://example.org/x");
    const auto& tag = (*facets)[1];
    CHECK(tag["index"]["byteStart"] == 32);
    CHECK(tag["index"]["byteEnd"] == 39);
    CHECK(tag["features"][0] ==
          nlohmann::json{ { "$type", "app.bsky.richtext.facet#tag" }, { "tag", "launch" } });
  }

  TEST_CASE("facets: handles are resolved, the rest of the mentions left alone")
  {
    std::vector<std::string> asked;
    const auto resolve =
      [&](const std::string& handle) -> Result<std::optional<std::string>, PublishError> {
      asked.push_back(handle);
      if (handle == "bob.test") {
        return std::optional<std::string>("did:plc:bob");
      }
      return std::optional<std::string>();
    };
    const std::string text = "日本 @Bob.Test @carol.test @dave @eve@mastodon.social";
    const auto facets = bluesky::facets_for(text, resolve);
    REQUIRE(facets);
    CHECK(asked == std::vector<std::string>{ "bob.test", "carol.test" });
    REQUIRE(facets->size() == 1);
    CHECK((*facets)[0]["index"] == nlohmann::json{ { "byteStart", 7 }, { "byteEnd", 16 } });
    CHECK(
      (*facets)[0]["features"][0] ==
      nlohmann::json{ { "$type", "app.bsky.richtext.facet#mention" }, { "did", "did:plc:bob" } });
    // A lookup that failed stops the post (it is retried), rather than dropping the mention.
    const auto failing =
      [](const std::string&) -> Result<std::optional<std::string>, PublishError> {
      return unexpected(PublishError{ PublishError::Kind::not_sent, "down", {} });
    };
    CHECK_FALSE(bluesky::facets_for("hi @bob.test", failing));
    CHECK(bluesky::facets_for("no links here", failing)->empty());
  }

  TEST_CASE("image sizes from PNG, GIF and JPEG headers")
  {
    std::string png = "\x89PNG\r\n\x1a\n";
    png += std::string("\0\0\0\x0dIHDR", 8) + std::string("\0\0\x02\x80\0\0\x01\xe0", 8);
    const auto png_size = bluesky::image_size(png);
    REQUIRE(png_size);
    CHECK((png_size->width == 640 && png_size->height == 480));
    const auto gif = bluesky::image_size(std::string("GIF89a\x20\x03\x58\x02", 10));
    REQUIRE(gif);
    CHECK((gif->width == 800 && gif->height == 600));
    // SOI, an APP0 segment of 4 bytes, then SOF0 with height 100 and width 200.
    const std::string jpeg("\xff\xd8\xff\xe0\x00\x04\x00\x00\xff\xc0\x00\x11\x08\x00\x64\x00\xc8",
                           17);
    const auto jpeg_size = bluesky::image_size(jpeg);
    REQUIRE(jpeg_size);
    CHECK((jpeg_size->width == 200 && jpeg_size->height == 100));
    CHECK_FALSE(bluesky::image_size("not an image"));
    CHECK_FALSE(bluesky::image_size(png.substr(0, 20)));
  }

  TEST_CASE("the session file: 0600 in a 0700 directory, refused when others may read it")
  {
    test::TestDir dir;
    const auto path =
      bluesky::session_file(dir.path() / "state", "alice.test", "https://pds.example:8443");
    CHECK(path == dir.path() / "state" / "bluesky" / "alice.test@pds.example_8443.json");
    CHECK(bluesky::session_file({}, "alice.test", "https://bsky.social").empty());
    const bluesky::SessionFile file(path, "alice.test", "https://pds.example:8443");
    CHECK(file.load().value() == std::nullopt);
    REQUIRE(file.save({ "did:plc:a", "alice.test", "acc-7f3e", "ref-9b1c" }));
    CHECK(mode_of(path) == 0600);
    CHECK(mode_of(path.parent_path()) == 0700);
    const auto loaded = file.load();
    REQUIRE(loaded);
    REQUIRE(*loaded);
    CHECK((*loaded)->access_jwt == "acc-7f3e");
    CHECK((*loaded)->refresh_jwt == "ref-9b1c");
    // Another account's (or another PDS's) session is not used.
    CHECK(bluesky::SessionFile(path, "bob.test", "https://pds.example:8443").load().value() ==
          std::nullopt);
    ::chmod(path.c_str(), 0644);
    const auto refused = file.load();
    REQUIRE_FALSE(refused);
    CHECK(refused.error().find("accessible by group or others (mode 0644)") != std::string::npos);
    CHECK(refused.error().find("acc-7f3e") == std::string::npos);
    // Saving replaces the file with a new owner-only one.
    REQUIRE(file.save({ "did:plc:a", "alice.test", "acc2", "ref2" }));
    CHECK(mode_of(path) == 0600);
  }

  TEST_CASE("the session file is saved whole when two threads save it at once")
  {
    // Two accounts with one handle and PDS share the file and publish on two threads.
    test::TestDir dir;
    const auto path =
      bluesky::session_file(dir.path() / "state", "alice.test", "https://bsky.social");
    const bluesky::SessionFile file(path, "alice.test", "https://bsky.social");
    REQUIRE(file.save({ "did:plc:a", "alice.test", "acc-0", "ref-0" }));
    std::atomic<int> failures{ 0 };
    std::string first_error;
    std::mutex mutex;
    const auto saver = [&](int thread) {
      for (int i = 0; i < 200; ++i) {
        const auto token = fmt::format("acc-{}-{}", thread, i);
        if (auto saved = file.save({ "did:plc:a", "alice.test", token, "ref" }); !saved) {
          std::lock_guard lock(mutex);
          if (failures++ == 0) {
            first_error = saved.error();
          }
        }
      }
    };
    std::thread a(saver, 1);
    std::thread b(saver, 2);
    a.join();
    b.join();
    CHECK_MESSAGE(failures == 0, first_error);
    const auto loaded = file.load();
    REQUIRE(loaded);
    REQUIRE(*loaded);
    CHECK((*loaded)->access_jwt.starts_with("acc-"));
    size_t entries = 0;
    for ([[maybe_unused]] const auto& entry :
         std::filesystem::directory_iterator(path.parent_path())) {
      ++entries;
    }
    CHECK(entries == 1); // no temporary file left behind
  }

  TEST_CASE("check: handle, password_env, url and language")
  {
    Rig rig;
    const auto messages = [&](nlohmann::json settings) {
      Diagnostics diagnostics;
      find_platform("bluesky")->check({ "sky", "bluesky", std::move(settings), "/cal" }, {},
                                      SourcePos{}, rig.context, diagnostics);
      return test::all_messages(diagnostics);
    };
    CHECK(messages({ { "handle", "alice.test" }, { "password_env", "SKY_PASSWORD" } }).empty());
    CHECK(messages({ { "password_env", "SKY_PASSWORD" } }).find("needs 'handle:'") !=
          std::string::npos);
    CHECK(messages({ { "handle", "@alice.test" }, { "password_env", "SKY_PASSWORD" } })
            .find("without '@'") != std::string::npos);
    CHECK(messages({ { "handle", "alice.test" } }).find("password_env") != std::string::npos);
    CHECK(messages({ { "handle", "alice.test" }, { "password_env", "UNSET" } }).find("UNSET") !=
          std::string::npos);
    CHECK(messages({ { "handle", "alice.test" },
                     { "password_env", "SKY_PASSWORD" },
                     { "url", "http://pds.example" } })
            .find("'url'") != std::string::npos);
    CHECK(messages(
            { { "handle", "alice.test" }, { "password_env", "SKY_PASSWORD" }, { "language", "" } })
            .find("'language'") != std::string::npos);
  }

  TEST_CASE("a post: one createSession, a TID rkey, facets, langs; the session is kept 0600")
  {
    Rig rig;
    const auto published =
      rig.adapter()->publish(post_of({ "café → https://example.org/x #launch" }));
    REQUIRE(published);
    const auto post = post_of({ "" });
    const auto rkey = bluesky::record_key(post, 0);
    CHECK(published->remote_id == MiniPds::uri_of(rkey));
    CHECK(published->url == "https://bsky.app/profile/alice.test/post/" + rkey);
    CHECK(rig.pds.sessions == 1);
    const auto creates = rig.requests_to("createRecord");
    REQUIRE(creates.size() == 1);
    CHECK(creates[0].header("Authorization") == "Bearer access-jwt-1");
    const auto body = nlohmann::json::parse(creates[0].body);
    CHECK(body["repo"] == k_did);
    CHECK(body["collection"] == "app.bsky.feed.post");
    CHECK(body["rkey"] == rkey);
    const auto& record = body["record"];
    CHECK(record["$type"] == "app.bsky.feed.post");
    CHECK(record["createdAt"] == "2026-12-01T08:00:05.000Z");
    CHECK(record["langs"] == nlohmann::json::array({ "en" }));
    CHECK(record["facets"][0]["index"]["byteStart"] == 10);
    CHECK_FALSE(record.contains("reply"));
    CHECK(mode_of(rig.session_path()) == 0600);

    // A later run (a new adapter) uses the stored session: no second createSession.
    auto again = post_of({ "second" });
    again.job_id = "second/sky";
    REQUIRE(rig.adapter()->publish(again));
    CHECK(rig.pds.sessions == 1);
  }

  TEST_CASE("the PDS's error text: name and message, the password and tokens masked, cut short")
  {
    // As tests/fuzz/fuzz_mastodon found for Mastodon: a server may echo what it was sent.
    http::Response response{ 401, {}, R"({"error":"AuthFailed","message":"no pw-123 here"})" };
    CHECK(server_text(bluesky::error_detail(response), { "pw-123" }) == "AuthFailed: no *** here");
    response.body = nlohmann::json{ { "error", std::string(400, 'x') + "pw-123" } }.dump();
    CHECK(server_text(bluesky::error_detail(response), { "pw-123" }) ==
          std::string(300, 'x') + "...");
  }

  TEST_CASE("text that is not valid UTF-8 is refused as permanent, never thrown on")
  {
    // As tests/fuzz/fuzz_mastodon found for Mastodon (whose JSON body threw): Bluesky's facets
    // need UTF-8 offsets, so it refuses such text before anything is sent.
    Rig rig;
    const auto published = rig.adapter()->publish(post_of({ "caf\xe9 #launch" }));
    REQUIRE_FALSE(published);
    CHECK(published.error().kind == PublishError::Kind::permanent);
    CHECK(published.error().message == "bluesky: text is not valid UTF-8 (bad byte at offset 3)");
    CHECK(rig.requests_to("createRecord").empty());
  }

  TEST_CASE("an expired access token is refreshed once, and the new pair is kept")
  {
    Rig rig;
    REQUIRE(rig.adapter()->verify());
    rig.pds.access = "access-jwt-expired"; // the stored token no longer works
    const auto published = rig.adapter()->publish(post_of({ "hello" }));
    REQUIRE(published);
    CHECK(rig.pds.sessions == 1);
    CHECK(rig.pds.refreshes == 1);
    const auto creates = rig.requests_to("createRecord");
    REQUIRE(creates.size() == 2);
    CHECK(creates[0].header("Authorization") == "Bearer access-jwt-1");
    CHECK(creates[1].header("Authorization") == "Bearer access-jwt-101");
    const auto stored =
      bluesky::SessionFile(rig.session_path(), "alice.test", rig.server.url("")).load();
    REQUIRE(stored);
    REQUIRE(*stored);
    CHECK((*stored)->access_jwt == "access-jwt-101");
    CHECK((*stored)->refresh_jwt == "refresh-jwt-101");
  }

  TEST_CASE("a refused refresh token leads to a new createSession")
  {
    Rig rig;
    REQUIRE(rig.adapter()->verify());
    rig.pds.access = "gone";
    rig.pds.refresh = "gone";
    REQUIRE(rig.adapter()->publish(post_of({ "hello" })));
    CHECK(rig.pds.sessions == 2);
    CHECK(rig.requests_to("refreshSession").size() == 1);
  }

  TEST_CASE("createRecord answering 500 is reconciled with getRecord")
  {
    Rig rig;
    rig.pds.store_then_fail = true;
    const auto published = rig.adapter()->publish(post_of({ "hello" }));
    REQUIRE(published);
    const auto rkey = bluesky::record_key(post_of({ "" }), 0);
    CHECK(published->remote_id == MiniPds::uri_of(rkey));
    const auto gets = rig.requests_to("getRecord");
    REQUIRE(gets.size() == 1);
    CHECK(gets[0].target == "/xrpc/com.atproto.repo.getRecord?repo=did%3Aplc%3Aalice123&collection="
                            "app.bsky.feed.post&rkey=" +
                              rkey);

    // A resend of the same job finds its record at the same key: no second post.
    rig.pds.store_then_fail = false;
    REQUIRE(rig.adapter()->publish(post_of({ "hello" })));
    CHECK(rig.pds.records.size() == 1);
    CHECK(rig.requests_to("createRecord").size() == 2);
  }

  TEST_CASE("find_earlier: getRecord at the job's key; missing is not found")
  {
    Rig rig;
    auto post = post_of({ "hello" });
    post.one_off = true;
    const auto since = parse_rfc3339("2026-11-24T08:00:00Z").value();
    auto adapter = rig.adapter();
    CHECK(adapter->ledger() == "record key");
    const auto missing = adapter->find_earlier(post, since);
    REQUIRE(missing);
    CHECK_FALSE(*missing);
    CHECK(rig.requests_to("createRecord").empty());

    REQUIRE(adapter->publish(post));
    // A re-run: another runner, another day, the same key.
    auto rerun = post;
    rerun.due = parse_rfc3339("2026-12-02T10:00:00Z").value();
    const auto found = rig.adapter()->find_earlier(rerun, since);
    REQUIRE(found);
    REQUIRE(*found);
    const auto rkey = bluesky::record_key(post, 0);
    CHECK((*found)->remote_id == MiniPds::uri_of(rkey));
    const auto gets = rig.requests_to("getRecord");
    REQUIRE(gets.size() == 2);
    CHECK(gets[1].target == "/xrpc/com.atproto.repo.getRecord?repo=did%3Aplc%3Aalice123&collection="
                            "app.bsky.feed.post&rkey=" +
                              rkey);
  }

  TEST_CASE("find_earlier: a server error cannot tell; another text at the key is refused")
  {
    Rig rig;
    auto post = post_of({ "hello" });
    post.one_off = true;
    const auto since = parse_rfc3339("2026-11-24T08:00:00Z").value();
    rig.pds.script["/xrpc/com.atproto.repo.getRecord"].push_back(
      json(502, { { "error", "UpstreamFailure" }, { "message", "Upstream Failure" } }));
    const auto failed = rig.adapter()->find_earlier(post, since);
    REQUIRE_FALSE(failed);
    CHECK(failed.error().kind != PublishError::Kind::maybe_sent);
    CHECK(failed.error().message ==
          "bluesky: GET com.atproto.repo.getRecord: HTTP 502: UpstreamFailure: Upstream Failure");

    REQUIRE(rig.adapter()->publish(post));
    auto other = post;
    other.parts[0].text = "something else";
    const auto clash = rig.adapter()->find_earlier(other, since);
    REQUIRE_FALSE(clash);
    CHECK(clash.error().kind == PublishError::Kind::permanent);
    CHECK(clash.error().message.starts_with("bluesky: record key " + bluesky::record_key(post, 0) +
                                            " already holds a different post"));
  }

  TEST_CASE("a 500 with no record behind it stays maybe_sent")
  {
    Rig rig;
    rig.pds.script["/xrpc/com.atproto.repo.createRecord"].push_back(
      json(500, { { "error", "InternalServerError" }, { "message", "Internal Server Error" } }));
    const auto published = rig.adapter()->publish(post_of({ "hello" }));
    REQUIRE_FALSE(published);
    CHECK(published.error().kind == PublishError::Kind::maybe_sent);
    CHECK(published.error().message ==
          "bluesky: POST com.atproto.repo.createRecord: HTTP 500: InternalServerError: Internal "
          "Server Error");
  }

  TEST_CASE("a thread: reply refs to the first and the previous part")
  {
    Rig rig;
    const auto post = post_of({ "one", "two", "three" });
    REQUIRE(rig.adapter()->publish(post));
    const auto creates = rig.requests_to("createRecord");
    REQUIRE(creates.size() == 3);
    const auto uri = [&](size_t i) { return MiniPds::uri_of(bluesky::record_key(post, i)); };
    CHECK_FALSE(nlohmann::json::parse(creates[0].body)["record"].contains("reply"));
    const auto reply2 = nlohmann::json::parse(creates[2].body)["record"]["reply"];
    CHECK(reply2["root"]["uri"] == uri(0));
    CHECK(reply2["root"]["cid"] == "cid-" + bluesky::record_key(post, 0));
    CHECK(reply2["parent"]["uri"] == uri(1));
  }

  TEST_CASE("images: uploaded raw with their type, embedded with alt and aspect ratio")
  {
    Rig rig;
    std::string png = "\x89PNG\r\n\x1a\n";
    png += std::string("\0\0\0\x0dIHDR", 8) + std::string("\0\0\x02\x80\0\0\x01\xe0", 8) + "rest";
    auto post = post_of({ "look" });
    post.parts[0].media.push_back({ rig.dir.write("shot.png", png), "A plan view" });
    REQUIRE(rig.adapter()->publish(post));
    const auto uploads = rig.requests_to("uploadBlob");
    REQUIRE(uploads.size() == 1);
    CHECK(uploads[0].header("Content-Type") == "image/png");
    CHECK(uploads[0].body == png);
    const auto embed =
      nlohmann::json::parse(rig.requests_to("createRecord")[0].body)["record"]["embed"];
    CHECK(embed["$type"] == "app.bsky.embed.images");
    CHECK(embed["images"][0]["alt"] == "A plan view");
    CHECK(embed["images"][0]["image"]["ref"]["$link"] == "bafyblob");
    CHECK(embed["images"][0]["aspectRatio"] ==
          nlohmann::json{ { "width", 640 }, { "height", 480 } });

    // Five images, or one over 1,000,000 bytes: refused before anything is sent.
    const auto before = rig.server.request_count();
    auto many = post_of({ "many" });
    many.parts[0].media.assign(5, { rig.dir.path() / "shot.png", "" });
    const auto refused = rig.adapter()->publish(many);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind == PublishError::Kind::permanent);
    CHECK(refused.error().message == "bluesky: 5 images, the limit is 4");
    auto big = post_of({ "big" });
    big.parts[0].media.push_back({ rig.dir.write("big.jpg", std::string(1'000'001, 'x')), "" });
    const auto too_big = rig.adapter()->publish(big);
    REQUIRE_FALSE(too_big);
    CHECK(too_big.error().message ==
          "bluesky: big.jpg is 1000001 bytes, the limit is 1000000 bytes per image");
    CHECK(rig.server.request_count() == before);
  }

  TEST_CASE("a group-readable session file is refused before anything is sent")
  {
    Rig rig;
    REQUIRE(rig.adapter()->verify());
    ::chmod(rig.session_path().c_str(), 0644);
    const auto before = rig.server.request_count();
    const auto published = rig.adapter()->publish(post_of({ "hello" }));
    REQUIRE_FALSE(published);
    CHECK(published.error().kind == PublishError::Kind::not_sent);
    CHECK(published.error().message.find("refusing the session file") != std::string::npos);
    CHECK(rig.server.request_count() == before);
    CHECK(mode_of(rig.session_path()) == 0644); // left for the user to look at
  }

  TEST_CASE("429: rate limited until RateLimit-Reset (epoch seconds) or Retry-After")
  {
    Rig rig;
    const auto reset = rig.clock.now() + std::chrono::seconds(90);
    rig.pds.script["/xrpc/com.atproto.repo.createRecord"].push_back(
      json(429, { { "error", "RateLimitExceeded" }, { "message", "Rate Limit Exceeded" } },
           { { "RateLimit-Reset", std::to_string(reset.time_since_epoch().count()) } }));
    const auto limited = rig.adapter()->publish(post_of({ "hello" }));
    REQUIRE_FALSE(limited);
    CHECK(limited.error().kind == PublishError::Kind::rate_limited);
    CHECK(limited.error().retry_after == reset);

    rig.pds.access = "stale";
    rig.pds.refresh = "stale";
    rig.pds.script["/xrpc/com.atproto.server.createSession"].push_back(
      json(429, { { "error", "RateLimitExceeded" } }, { { "Retry-After", "120" } }));
    const auto login_limited = rig.adapter()->publish(post_of({ "hello" }));
    REQUIRE_FALSE(login_limited);
    CHECK(login_limited.error().kind == PublishError::Kind::rate_limited);
    CHECK(login_limited.error().retry_after == rig.clock.now() + std::chrono::seconds(120));
  }

  TEST_CASE("verify: the session's account, or an auth error for a wrong password")
  {
    Rig rig;
    rig.context.getenv = [](std::string_view) { return std::optional<std::string>("wrong"); };
    const auto verified = rig.adapter()->verify();
    REQUIRE_FALSE(verified);
    CHECK(verified.error().kind == PublishError::Kind::auth);
    CHECK(verified.error().message ==
          "bluesky: POST com.atproto.server.createSession: HTTP 401: AuthenticationRequired: "
          "Invalid identifier or password");
    CHECK_FALSE(std::filesystem::exists(rig.session_path()));

    Rig ok;
    const auto who = ok.adapter()->verify();
    REQUIRE(who);
    CHECK(who->detail == "@alice.test (did:plc:alice123)");
  }
}
