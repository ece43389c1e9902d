// herald post: publish one post now (or queue it with --at) through the calendar's accounts;
// what a CI job calls to announce a release.
#include "app/post.hpp"

#include "context.hpp"
#include "release/changelog.hpp"

#include "platforms/context.hpp"
#include "schedule/zone.hpp"
#include "store/state_location.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <fstream>
#include <iostream>
#include <iterator>

namespace herald::cmd {

namespace {

struct PostCommand
{
  std::vector<std::string> to;
  std::string text;
  std::string text_file;
  std::vector<std::string> media;
  std::vector<std::string> alt;
  std::string at;
  std::string id;
  std::string media_dir;
  std::string now;
  bool split = false;
  std::string numbering;
  bool dry_run = false;
  calendar::Article article;
  bool draft = false;
  std::string release_notes;
  std::string version;
  std::string release_event;
};

std::string
read_file(const std::string& path, std::string_view option)
{
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error(fmt::format("cannot read {} {}", option, path), ExitStatus::usage);
  }
  return { std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>() };
}

// --release-notes FILE --version V, or --release-event FILE; nullopt without them.
std::optional<release::ReleaseNotes>
read_release(const PostCommand& command)
{
  if (!command.release_event.empty()) {
    auto notes = release::read_release_event(read_file(command.release_event, "--release-event"));
    if (!notes) {
      throw Error(fmt::format("{}: {}", command.release_event, notes.error()), ExitStatus::usage);
    }
    return *notes;
  }
  if (command.release_notes.empty()) {
    if (!command.version.empty()) {
      throw Error("--version goes with --release-notes", ExitStatus::usage);
    }
    return std::nullopt;
  }
  if (command.version.empty()) {
    throw Error("--release-notes needs --version, the version to announce", ExitStatus::usage);
  }
  auto notes =
    release::read_changelog(read_file(command.release_notes, "--release-notes"), command.version);
  if (!notes) {
    throw Error(fmt::format("{}: {}", command.release_notes, notes.error()), ExitStatus::usage);
  }
  return *notes;
}

std::string
read_text(const PostCommand& command)
{
  if (!command.text.empty()) {
    return command.text;
  }
  if (!command.text_file.empty() && command.text_file != "-") {
    std::ifstream in(command.text_file, std::ios::binary);
    if (!in) {
      throw Error(fmt::format("cannot read --text-file {}", command.text_file));
    }
    return { std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>() };
  }
  if (command.text_file.empty() && ::isatty(STDIN_FILENO)) {
    throw Error("no text: give --text, --text-file, or pipe the text on standard input");
  }
  return { std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>() };
}

void
print_job(const Context& context, std::string_view status, const store::Job& job,
          std::string_view message, std::string_view ledger = {})
{
  if (context.global.json) {
    if (ledger.empty()) {
      fmt::print("{}\n", job_line(job, status, message));
    } else {
      auto line = nlohmann::json::parse(job_line(job, status, message));
      line["ledger"] = ledger;
      fmt::print("{}\n", json_text(line));
    }
    return;
  }
  const bool fine = status == "posted" || status == "already-posted" || status == "queued";
  if (context.global.quiet && fine) {
    return;
  }
  fmt::print("{} {}  {}\n", context.paint(fmt::format("{:<14}", status), fine ? "green" : "red"),
             shown(job.id), shown(message.empty() ? job.url : message));
}

// A job that an earlier call settled or left: its state, and what a person can do about it.
void
print_earlier(const Context& context, const store::Job& job)
{
  using store::JobState;
  std::string message = job.error;
  const auto and_then = [&](const std::string& hint) {
    message = message.empty() ? hint : fmt::format("{}; {}", message, hint);
  };
  switch (job.state) {
  case JobState::posted:
    print_job(context, "already-posted", job, "");
    return;
  case JobState::failed:
  case JobState::missed:
    and_then(fmt::format("herald retry {} publishes it again", job.id));
    break;
  case JobState::unknown:
    and_then(fmt::format("herald resolve {} settles it", job.id));
    break;
  case JobState::retry_wait:
    if (job.next_attempt) {
      and_then(fmt::format("next attempt {} (herald run)", format_utc(*job.next_attempt)));
    }
    break;
  case JobState::claimed:
  case JobState::sending:
    and_then("another herald is publishing it now");
    break;
  case JobState::pending:
  case JobState::cancelled:
    break;
  }
  print_job(context, store::to_string(job.state), job, message);
}

// --dry-run: what each account would get, with its counts against the account's limits.
void
print_previews(const Context& context, const std::vector<app::AccountPreview>& previews)
{
  for (const auto& preview : previews) {
    if (context.global.json) {
      auto parts = nlohmann::json::array();
      for (size_t i = 0; i < preview.parts.size(); ++i) {
        auto media = nlohmann::json::array();
        for (const auto& item : preview.parts[i].media) {
          media.push_back({ { "file", item.file }, { "alt", item.alt } });
        }
        auto lengths = nlohmann::json::array();
        for (const auto& count : preview.lengths[i]) {
          lengths.push_back({ { "rule", count.rule },
                              { "unit", count.unit },
                              { "count", count.count },
                              { "limit", count.limit } });
        }
        parts.push_back(
          { { "text", preview.parts[i].text }, { "media", media }, { "length", lengths } });
      }
      fmt::print("{}\n", json_text(nlohmann::json{ { "account", preview.account },
                                                   { "platform", preview.platform },
                                                   { "status", "dry-run" },
                                                   { "parts", parts } }));
      continue;
    }
    const size_t count = preview.parts.size();
    fmt::print("{} ({}){}\n", shown(preview.account), shown(preview.platform),
               count > 1 ? fmt::format(": thread of {}", count) : "");
    for (size_t i = 0; i < count; ++i) {
      std::string measured;
      for (const auto& length : preview.lengths[i]) {
        const std::string unit = length.unit == "graphemes"     ? "characters"
                                 : length.unit == "code_points" ? "code points"
                                 : length.unit == "utf16"       ? "UTF-16 units"
                                                                : length.unit;
        measured += fmt::format("{}{} of {} {}", measured.empty() ? "" : ", ", length.count,
                                length.limit, unit);
      }
      fmt::print("  {}{}\n", count > 1 ? fmt::format("[{}/{}] ", i + 1, count) : "",
                 measured.empty() ? "no limit" : measured);
      print_text(preview.parts[i].text, "    ");
      for (const auto& item : preview.parts[i].media) {
        fmt::print("    media: {} (alt: {})\n", shown(item.file), shown(item.alt));
      }
    }
  }
}

void
run_post(const PostCommand& command, Context& context)
{
  context.load_credentials();
  if (command.media.size() != command.alt.size()) {
    throw Error(fmt::format("every --media needs its --alt (got {} --media and {} --alt)",
                            command.media.size(), command.alt.size()));
  }
  app::PostOptions options;
  options.calendar = context.global.calendar;
  options.state = context.state_path();
  options.now = now_or(command.now);
  options.to = command.to;
  options.release = read_release(command);
  if (!options.release) {
    options.text = read_text(command);
  }
  for (size_t i = 0; i < command.media.size(); ++i) {
    options.media.push_back({ command.media[i], command.alt[i] });
  }
  if (!command.at.empty()) {
    options.at = parse_time_option(command.at, "--at");
  }
  options.id = command.id;
  options.media_dir = command.media_dir;
  if (command.split || !command.numbering.empty()) {
    options.split = calendar::SplitSettings{ command.numbering };
  }
  options.load.max_bytes = context.global.max_calendar_bytes;
  options.dry_run = command.dry_run;
  options.article = command.article;
  options.article.published = !command.draft;

  const FixedClock clock(options.now);
  http::LogSink log = context.verbose_log();
  queue::RegistryAdapters adapters(platforms::default_context(
    clock, store::StateLocation(options.state).local_dir(), std::move(log)));
  const auto report = app::post_one_off(options, adapters);
  context.print_diagnostics(report.diagnostics);
  context.status = report.exit_status();
  if (report.diagnostics.has_errors()) {
    context.print_error_summary(report.diagnostics, "; nothing was published");
    return;
  }
  if (report.skipped_by) {
    const auto& notes = *options.release;
    if (context.global.json) {
      fmt::print("{}\n", json_text(nlohmann::json{ { "version", notes.version },
                                                   { "status", "skipped" },
                                                   { "skip", *report.skipped_by } }));
    } else if (!context.global.quiet) {
      fmt::print("release {} not announced: the calendar's release: skip: has {}\n",
                 shown(notes.version), *report.skipped_by);
    }
    return;
  }
  if (command.dry_run) {
    print_previews(context, report.previews);
    return;
  }
  if (report.queued) {
    if (!context.global.quiet || context.global.json) {
      if (context.global.json) {
        fmt::print("{}\n", json_text(nlohmann::json{ { "post", report.post_id },
                                                     { "status", "queued" },
                                                     { "due", format_utc(report.due) } }));
      } else {
        fmt::print("queued {} for {}; `herald run` publishes it then\n", report.post_id,
                   format_utc(report.due));
      }
    }
    return;
  }
  for (const auto& result : report.accounts) {
    if (result.outcome) {
      if (result.outcome->ledger == "none") {
        fmt::print(stderr,
                   "herald: account '{}' ({}) cannot be asked whether this post went out before; "
                   "a re-run with a fresh state may post it again\n",
                   result.job.account, result.job.platform);
      }
      print_job(context, queue::to_string(result.outcome->kind), result.job,
                result.outcome->message, result.outcome->ledger);
    } else {
      print_earlier(context, result.job);
    }
  }
}

} // namespace

void
setup_post(CLI::App& app, Context& context)
{
  auto command = std::make_shared<PostCommand>();
  auto* sub =
    app.add_subcommand("post", "Publish one post now (or at --at) through the calendar's accounts");
  sub->add_option("--to", command->to, "Accounts, comma-separated (e.g. masto,team)")
    ->delimiter(',')
    ->required();
  auto* text = sub->add_option("--text", command->text, "The text");
  auto* text_file = sub
                      ->add_option("--text-file", command->text_file,
                                   "Read the text from a file (- for standard input)")
                      ->excludes(text);
  auto* notes = sub
                  ->add_option("--release-notes", command->release_notes,
                               "Announce a release from this Keep a Changelog file (with "
                               "--version)")
                  ->excludes(text)
                  ->excludes(text_file);
  sub->add_option("--version", command->version, "The version whose --release-notes to announce");
  sub
    ->add_option("--release-event", command->release_event,
                 "Announce the release of this GitHub release event ($GITHUB_EVENT_PATH)")
    ->excludes(text)
    ->excludes(text_file)
    ->excludes(notes);
  sub->add_option("--media", command->media, "A media file (repeatable; each needs an --alt)");
  sub->add_option("--alt", command->alt, "Alt text for the --media at the same position");
  sub->add_option("--media-dir", command->media_dir,
                  "Also take --media from this directory (default: the current one only)");
  sub->add_option("--at", command->at, "Publish at this time instead (RFC 3339)");
  sub->add_option("--id", command->id,
                  "The post's identity (default: derived from text, media and accounts)");
  sub->add_flag("--split", command->split,
                "Where the text is too long for an account, post it there as a thread "
                "(default: the calendar's defaults: split:)");
  sub->add_option("--numbering", command->numbering,
                  "With --split: number the parts with this pattern, e.g. '{i}/{n}'");
  sub->add_option("--title", command->article.title,
                  "The title, for the platforms that publish titled posts (dev.to, Lemmy)");
  sub->add_option("--link", command->article.link, "The URL the post is about (a Lemmy link post)");
  sub->add_option("--tag", command->article.tags, "A tag (repeatable; dev.to)");
  sub->add_option("--canonical-url", command->article.canonical_url,
                  "Where the article was first published (dev.to)");
  sub->add_option("--series", command->article.series, "The series of the article (dev.to)");
  sub->add_flag("--draft", command->draft, "Publish a draft where the platform keeps drafts");
  sub->add_flag("--dry-run", command->dry_run,
                "Show what each account would get, with its length against the limits; send "
                "nothing, change no state");
  sub->add_option("--now", command->now, "Pretend the time is this (RFC 3339)");
  sub->callback([command, &context] { run_post(*command, context); });
}

} // namespace herald::cmd
