#include "post.hpp"

#include "content_check.hpp"
#include "http/curl_api.hpp"
#include "release/announcement.hpp"
#include "release/release_template.hpp"
#include "text/length_rules.hpp"
#include "text/utf8.hpp"
#include "tick.hpp"

#include "calendar/article_check.hpp"
#include "calendar/media_check.hpp"
#include "calendar/post_id.hpp"
#include "platforms/post.hpp"
#include "platforms/registry.hpp"
#include "queue/split_parts.hpp"
#include "queue/sync.hpp"
#include "store/state_location.hpp"
#include "util/hash.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <map>
#include <set>
#include <utility>

namespace herald::app {

namespace fs = std::filesystem;

namespace {

// From what is published, never from where it sits: a CI re-run on another runner, with the
// media checked out under another directory, is the same post.
std::string
derived_id(const PostOptions& options)
{
  Hasher hasher;
  hasher.field(options.text);
  for (const auto& media : options.media) {
    Hasher content;
    hasher.field(content.update_from_file(media.file.string()) ? content.hex() : "")
      .field(media.alt);
  }
  for (const auto& account : options.to) {
    hasher.field(account);
  }
  // Only when set, so that the ids of posts without them stay as they were.
  if (!options.article.empty()) {
    hasher.field(platforms::to_json(queue::out_article(options.article)).dump());
  }
  return "post-" + hasher.hex().substr(0, 12);
}

// The form of --title, --link, ... as the calendar checks them; what each platform needs of them
// is check_articles()'s.
void
check_article(const calendar::Article& article, const SourcePos& here, Diagnostics& diagnostics)
{
  const auto check_line = [&](std::string_view option, const std::string& value) {
    if (!value.empty()) {
      if (const auto problem = calendar::line_problem(value)) {
        diagnostics.error(here, fmt::format("{} {}", option, *problem));
      }
    }
  };
  const auto check_url = [&](std::string_view option, const std::string& value) {
    if (!value.empty() && !calendar::is_web_url(value)) {
      diagnostics.error(here, fmt::format("{} must be an http or https URL, like "
                                          "https://example.org/page",
                                          option));
    }
  };
  check_line("--title", article.title);
  check_line("--series", article.series);
  check_url("--link", article.link);
  check_url("--canonical-url", article.canonical_url);
  for (const auto& tag : article.tags) {
    check_line("--tag", tag);
  }
}

// Whether one of `accounts` publishes a post's long-form keys.
bool
any_publishes_articles(const calendar::Calendar& cal, const std::vector<std::string>& accounts)
{
  return std::any_of(accounts.begin(), accounts.end(), [&](const std::string& name) {
    const auto account = cal.accounts.find(name);
    return account != cal.accounts.end() && app::publishes_articles(account->second);
  });
}

// The one-off post as a calendar post, or nothing after reporting why not.
std::optional<calendar::Post>
make_post(const PostOptions& options, const calendar::Calendar& cal, Diagnostics& diagnostics)
{
  const SourcePos here{ "herald post", 0, 0 };
  calendar::Post post;
  post.id = options.id.empty() ? derived_id(options) : options.id;
  if (options.at && *options.at < options.now) {
    diagnostics.error(here, fmt::format("--at {} is in the past (it is {} now); to publish now, "
                                        "leave --at out",
                                        format_utc(*options.at), format_utc(options.now)));
  }
  if (const auto problem = calendar::post_id_problem(post.id)) {
    diagnostics.error(here, "--id: " + *problem);
  }
  if (options.to.empty()) {
    diagnostics.error(here, "--to names no account");
  }
  for (const auto& account : options.to) {
    if (!cal.accounts.contains(account)) {
      std::string known;
      for (const auto& [name, _] : cal.accounts) {
        known += (known.empty() ? "" : ", ") + name;
      }
      diagnostics.error(here, fmt::format("unknown account '{}' (the calendar has: {})", account,
                                          known.empty() ? "none" : known));
    } else if (std::find(post.to.begin(), post.to.end(), account) == post.to.end()) {
      post.to.push_back(account);
    }
  }
  if (const auto bad = text::locate_invalid_utf8(options.text)) {
    diagnostics.error(here,
                      fmt::format("the text has {}; herald posts UTF-8 text", bad->describe()));
  }
  for (const auto& media : options.media) {
    if (const auto bad = text::locate_invalid_utf8(media.alt)) {
      diagnostics.error(
        here, fmt::format("the --alt of '{}' has {}", media.file.string(), bad->describe()));
    }
  }
  const auto first = options.text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) {
    diagnostics.error(here, "the post has empty text");
  }
  calendar::Content content;
  content.text = options.text;
  while (!content.text.empty() && (content.text.back() == '\n' || content.text.back() == ' ')) {
    content.text.pop_back();
  }
  std::vector<calendar::MediaRoot> roots = { { fs::current_path(), "the current directory" } };
  if (!options.media_dir.empty()) {
    if (!fs::is_directory(options.media_dir)) {
      diagnostics.error(
        here, fmt::format("--media-dir {} is not a directory", options.media_dir.string()));
    }
    roots.push_back({ fs::absolute(options.media_dir).lexically_normal(), "--media-dir" });
  }
  for (const auto& media : options.media) {
    if (!fs::is_regular_file(media.file)) {
      diagnostics.error(here, fmt::format("media file '{}' not found", media.file.string()));
    } else if (auto problem = calendar::media_problem(
                 media.file.string(), fs::absolute(media.file).lexically_normal(), roots,
                 "allow another directory with --media-dir")) {
      diagnostics.error(here, std::move(*problem));
    }
    if (media.alt.empty()) {
      diagnostics.error(here,
                        fmt::format("media '{}' has no alt text (--alt)", media.file.string()));
    }
    content.media.push_back(
      { media.file.string(), fs::absolute(media.file).lexically_normal(), media.alt, here });
  }
  post.parts.push_back(std::move(content));
  post.article = options.article;
  check_article(post.article, here, diagnostics);
  post.schedule.kind = calendar::Schedule::Kind::at;
  post.schedule.at = options.at.value_or(options.now);
  post.pos = here;
  post.split = options.split ? options.split : cal.split;
  if (options.split && !options.split->numbering.empty() &&
      options.split->numbering.find("{i}") == std::string::npos) {
    diagnostics.error(here, "--numbering must hold {i}, the part's number (e.g. '{i}/{n}')");
  }
  if (diagnostics.has_errors()) {
    return std::nullopt;
  }
  return post;
}

std::string_view
unit_key(text::LengthRule::Unit unit)
{
  switch (unit) {
  case text::LengthRule::Unit::graphemes:
    return "graphemes";
  case text::LengthRule::Unit::bytes:
    return "bytes";
  case text::LengthRule::Unit::utf16:
    return "utf16";
  case text::LengthRule::Unit::code_points:
    return "code_points";
  case text::LengthRule::Unit::x_weighted:
    return "x_weighted";
  case text::LengthRule::Unit::emoji_bytes:
    return "emoji_bytes";
  }
  return "?";
}

// What each account of the post would get, measured as its platform measures it.
std::vector<AccountPreview>
previews_of(const calendar::Calendar& cal, const calendar::Post& post)
{
  std::vector<AccountPreview> previews;
  for (const auto& name : post.to) {
    const auto& account = cal.accounts.at(name);
    AccountPreview preview{ name, account.platform, queue::parts_for(post, account), {} };
    const platforms::Platform* platform = platforms::find_platform(account.platform);
    const auto config = queue::account_config(account);
    for (const auto& part : preview.parts) {
      std::vector<LengthCount> counts;
      if (platform) {
        for (const auto& rule : platform->message_length_rules(config, queue::out_part(part))) {
          counts.push_back({ rule.name, std::string(unit_key(rule.unit)),
                             text::measure(part.text, rule), rule.limit });
        }
      }
      preview.lengths.push_back(std::move(counts));
    }
    previews.push_back(std::move(preview));
  }
  return previews;
}

// The announcement of `notes` for each account of `to` that the calendar has: from the
// account's `release:` template, else the calendar's, else the short form for a microblog and
// the whole notes elsewhere.
std::map<std::string, std::string>
release_texts(const release::ReleaseNotes& notes, const calendar::Calendar& cal,
              const std::vector<std::string>& to)
{
  const auto plain = release::to_plain_text(notes.body, cal.release.summary_items);
  std::map<std::string, std::string> texts;
  for (const auto& name : to) {
    const auto account = cal.accounts.find(name);
    if (account == cal.accounts.end()) {
      continue; // make_post reports it
    }
    const auto variant = cal.release.variants.find(name);
    const std::string& own =
      variant != cal.release.variants.end() ? variant->second : cal.release.text;
    if (!own.empty()) {
      texts[name] = release::render_template(own, notes, plain);
      continue;
    }
    const platforms::Platform* platform = platforms::find_platform(account->second.platform);
    const size_t limit =
      platform ? platform->capabilities_for(queue::account_config(account->second)).max_text_length
               : 0;
    texts[name] = release::default_announcement(notes, plain, release::wants_short_form(limit));
  }
  return texts;
}

} // namespace

ExitStatus
PostReport::exit_status() const
{
  if (diagnostics.has_errors()) {
    return ExitStatus::usage;
  }
  if (queued || !previews.empty() || skipped_by) {
    return ExitStatus::ok;
  }
  // Green only when every account asked for holds this post as published, whatever this call
  // or an earlier one did: a re-run that finds a failed job must not pass.
  const auto published = [](const AccountResult& r) {
    return r.job.state == store::JobState::posted;
  };
  return !accounts.empty() && std::all_of(accounts.begin(), accounts.end(), published)
           ? ExitStatus::ok
           : ExitStatus::job_failed;
}

PostReport
post_one_off(const PostOptions& options, queue::AdapterSource& adapters)
{
  PostReport report;
  if (!options.dry_run && (!options.at || *options.at <= options.now)) {
    http::preload_curl_api(); // while the calendar is read and the job committed
  }
  // Only the accounts and defaults matter here: the posts are not read (nor checked).
  auto load = options.load;
  load.read_posts = false;
  auto loaded = load_checked(options.calendar, load);
  report.diagnostics = std::move(loaded.diagnostics);
  // A dry run sends nothing, so it needs no secret (a pull request's preview has none).
  report.diagnostics.drop_unset_secrets(
    options.dry_run ? std::set<std::string>{}
                    : std::set<std::string>(options.to.begin(), options.to.end()));
  if (report.diagnostics.has_errors() || !loaded.calendar) {
    return report;
  }
  calendar::Calendar cal = std::move(*loaded.calendar);
  PostOptions effective = options;
  std::map<std::string, std::string> texts; // per account, from release notes
  if (options.release) {
    if (const auto rule = release::skipped_by(*options.release, cal.release.skip)) {
      report.skipped_by = std::string(release::to_string(*rule));
      return report; // not announced, as the calendar asks: nothing sent, nothing stored
    }
    texts = release_texts(*options.release, cal, options.to);
    // Only where an account publishes titles, so that the id and the jobs of an announcement to
    // the other platforms stay what they were (a CI re-run after an upgrade is the same post).
    if (effective.article.title.empty() && any_publishes_articles(cal, options.to)) {
      effective.article.title = release::release_title(*options.release);
    }
    effective.text = texts.empty() ? std::string() : texts.begin()->second;
    for (const auto& [account, text] : texts) {
      effective.text = std::min(effective.text, text,
                                [](const auto& a, const auto& b) { return a.size() < b.size(); });
    }
  }
  auto post = make_post(effective, cal, report.diagnostics);
  if (!post) {
    return report;
  }
  for (const auto& [account, text] : texts) {
    if (text != effective.text) {
      post->variants[account].text = text;
    }
  }
  if (cal.utm) {
    calendar::apply_utm(cal, *cal.utm, *post); // `defaults: utm:` tags its links too
  }
  report.post_id = post->id;
  report.due = post->schedule.at;
  cal.posts = { std::move(*post) };
  check_lengths(cal, report.diagnostics);
  check_media(cal, report.diagnostics);
  check_articles(cal, report.diagnostics);
  if (report.diagnostics.has_errors()) {
    return report;
  }
  if (options.dry_run) {
    report.previews = previews_of(cal, cal.posts.front());
    return report;
  }

  auto store = store::open_store(options.state);
  const std::string key = one_off_key(calendar_key(cal));
  const auto sync = [&] {
    queue::sync_calendar(*store, cal, key, options.now, options.now, options.now, options.now,
                         /*cancel_missing=*/false);
  };
  if (report.due > options.now) {
    store->begin_write();
    try {
      sync();
      store->commit();
    } catch (...) {
      store->rollback();
      throw;
    }
    report.queued = true;
    return report;
  }
  auto runner = options.runner;
  runner.only_post = report.post_id;
  runner.calendar_dir = fs::absolute(cal.file).lexically_normal().parent_path();
  // The job is stored, claimed and its intent recorded in one commit.
  runner.prepare = sync;
  auto outcomes = queue::run_due_jobs(*store, key, TimePoint::min(), options.now, adapters, runner);
  for (const auto& account : cal.posts.front().to) {
    const auto id = report.post_id + "/" + account;
    const auto done =
      std::find_if(outcomes.begin(), outcomes.end(), [&](const auto& o) { return o.job.id == id; });
    if (done != outcomes.end()) {
      report.accounts.push_back({ done->job, std::move(*done) });
    } else if (auto job = store->find_job(key, id)) {
      report.accounts.push_back({ *job, std::nullopt });
    }
  }
  return report;
}

} // namespace herald::app
