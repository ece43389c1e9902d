// herald engage: the conversations that wait for a human answer, and their triage (done,
// snooze, open, reply). The rules live in lib/engage; this file parses and prints.
#include "context.hpp"
#include "engage/external.hpp"
#include "engage/inbox.hpp"

#include "app/tick.hpp"
#include "platforms/context.hpp"
#include "schedule/zone.hpp"
#include "store/state_location.hpp"
#include "util/duration.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <iterator>

namespace herald::cmd {

namespace {

constexpr size_t k_excerpt = 80;

struct EngageCommand
{
  bool no_fetch = false;
  std::string older_than;
  bool count = false;
  bool fail_if_any = false;
  int fail_if_more = -1;
  std::string now;
  std::string id;
  std::string snooze_for;
  std::string snooze_until;
  bool browser = false;
  std::string text;
  std::string text_file;
  bool editor = false;
};

calendar::Calendar
load(Context& context)
{
  context.load_credentials();
  calendar::LoadOptions options;
  options.max_bytes = context.global.max_calendar_bytes;
  auto loaded = app::load_checked(context.global.calendar, options);
  if (loaded.diagnostics.has_errors() || !loaded.calendar) {
    context.print_diagnostics(loaded.diagnostics);
    context.print_error_summary(loaded.diagnostics);
    throw Error("the calendar has errors; nothing was fetched", ExitStatus::usage);
  }
  return std::move(*loaded.calendar);
}

engage::SourceFactory
sources(const Context& context, const Clock& clock)
{
  http::LogSink log = context.verbose_log();
  return engage::registry_sources(platforms::default_context(
    clock, store::StateLocation(context.state_path()).local_dir(), std::move(log)));
}

// "3h", "45m", "2d4h": minutes under a day, hours above, so the column stays short.
std::string
waited(std::chrono::seconds s)
{
  using namespace std::chrono;
  const auto unit = s < hours(24) ? seconds(minutes(1)) : seconds(hours(1));
  const auto rounded = s < unit ? seconds(s) : (s / unit) * unit;
  return format_duration(rounded);
}

nlohmann::json
entry_json(const engage::Entry& e)
{
  const auto& a = e.assessment;
  return { { "id", e.conversation.id },
           { "platform", e.conversation.platform },
           { "account", e.conversation.account },
           { "author", a.latest->author },
           { "author_name", a.latest->author_name },
           { "text", a.latest->text },
           { "excerpt", engage::excerpt(a.latest->text, k_excerpt) },
           { "since", format_utc(a.first->created_at) },
           { "waiting_seconds", a.waiting.count() },
           { "waiting", waited(a.waiting) },
           { "reason", a.reason_text },
           { "url", a.latest->url },
           { "triage", engage::to_string(e.conversation.triage.state) } };
}

void
print_table(const Context& context, const std::vector<engage::Entry>& entries)
{
  if (entries.empty()) {
    if (!context.global.quiet) {
      fmt::print("nobody is waiting for an answer\n");
    }
    return;
  }
  fmt::print("{}\n",
             context.paint(fmt::format("{:<7} {:<8} {:<9} {:<12} {:<32} {}", "ID", "WAITING",
                                       "PLATFORM", "ACCOUNT", "AUTHOR", "REASON"),
                           "bold"));
  for (const auto& e : entries) {
    const auto& a = e.assessment;
    // Everything but the id and the timing comes from a platform: shown() keeps escape
    // sequences in a message (or a display name) from driving the terminal.
    const std::string author = "@" + shown(a.latest->author);
    fmt::print("{:<7} {} {:<9} {:<12} {:<32} {}\n", e.conversation.id,
               context.paint(fmt::format("{:<8}", waited(a.waiting)),
                             a.waiting >= std::chrono::hours(24) ? "red" : "yellow"),
               shown(e.conversation.platform), shown(e.conversation.account), author,
               context.paint(shown(a.reason_text), "bold"));
    fmt::print("        {}\n", shown(engage::excerpt(a.latest->text, k_excerpt)));
    fmt::print("        {}\n", context.paint(shown(a.latest->url), "dim"));
  }
}

void
run_list(const EngageCommand& command, Context& context)
{
  std::optional<std::chrono::seconds> older_than;
  if (!command.older_than.empty()) {
    const auto limit = parse_duration(command.older_than);
    if (!limit) {
      throw Error(fmt::format("--older-than: {}", limit.error()));
    }
    older_than = *limit;
  }
  const auto calendar = load(context);
  const TimePoint now = now_or(command.now);
  const FixedClock clock(now);
  auto store = store::open_conversation_store(context.state_path());
  if (!command.no_fetch) {
    for (const auto& problem : engage::fetch(calendar, sources(context, clock), *store, clock)) {
      fmt::print(stderr, "herald: engage: account '{}': {}\n", shown(problem.account),
                 shown(problem.message));
      context.status = ExitStatus::job_failed;
    }
  }
  auto entries = engage::waiting(calendar, *store, now);
  if (older_than) {
    std::erase_if(entries,
                  [&](const engage::Entry& e) { return e.assessment.waiting <= *older_than; });
  }
  const int threshold = command.fail_if_any ? 0 : command.fail_if_more;
  if (threshold >= 0 && entries.size() > size_t(threshold)) {
    context.status = ExitStatus::job_failed;
  }
  if (command.count) {
    if (context.global.json) {
      fmt::print("{}\n", json_text(nlohmann::json{ { "count", entries.size() } }));
    } else {
      fmt::print("{}\n", entries.size());
    }
    return;
  }
  if (context.global.json) {
    auto out = nlohmann::json::array();
    for (const auto& e : entries) {
      out.push_back(entry_json(e));
    }
    fmt::print("{}\n", json_text(out, 2));
    return;
  }
  print_table(context, entries);
}

engage::Conversation
find(store::ConversationStore& store, const std::string& id)
{
  auto found = engage::find(store, id);
  if (!found) {
    throw Error(found.error());
  }
  return std::move(*found);
}

void
run_done(const EngageCommand& command, Context& context)
{
  auto store = store::open_conversation_store(context.state_path());
  const auto conversation = find(*store, command.id);
  engage::set_triage(*store, conversation, engage::Triage::State::done, std::nullopt,
                     now_or(command.now));
}

void
run_snooze(const EngageCommand& command, Context& context)
{
  const TimePoint now = now_or(command.now);
  TimePoint until;
  if (command.snooze_for.empty() == command.snooze_until.empty()) {
    throw Error("give --for or --until");
  }
  if (!command.snooze_for.empty()) {
    const auto duration = parse_duration(command.snooze_for);
    if (!duration) {
      throw Error(fmt::format("--for: {}", duration.error()));
    }
    until = now + *duration;
  } else {
    until = parse_time_option(command.snooze_until, "--until");
  }
  auto store = store::open_conversation_store(context.state_path());
  const auto conversation = find(*store, command.id);
  engage::set_triage(*store, conversation, engage::Triage::State::snoozed, until, now);
  if (!context.global.quiet && !context.global.json) {
    fmt::print("{} snoozed until {}\n", conversation.id, format_utc(until));
  }
}

// The message a person would open: the newest one waiting, else the newest one.
std::string
url_of(const engage::Conversation& conversation)
{
  std::string url;
  for (const auto& m : conversation.messages) {
    if (!m.ours && !m.url.empty()) {
      url = m.url;
    }
  }
  return url.empty() && !conversation.messages.empty() ? conversation.messages.back().url : url;
}

void
run_open(const EngageCommand& command, Context& context)
{
  auto store = store::open_conversation_store(context.state_path());
  const auto conversation = find(*store, command.id);
  const auto url = url_of(conversation);
  if (url.empty()) {
    throw Error(fmt::format("conversation {} has no address to open", conversation.id));
  }
  if (command.browser) {
    if (auto opened = engage::open_in_browser(url); !opened) {
      throw Error(opened.error(), ExitStatus::job_failed);
    }
    return;
  }
  fmt::print("{}\n", shown(url));
}

std::string
reply_text(const EngageCommand& command, const engage::Conversation& conversation,
           const Context& context)
{
  const int given =
    int(!command.text.empty()) + int(!command.text_file.empty()) + int(command.editor);
  if (given != 1) {
    throw Error("give one of --text, --text-file or --editor");
  }
  std::string text;
  if (!command.text.empty()) {
    text = command.text;
  } else if (!command.text_file.empty()) {
    std::ifstream in(command.text_file, std::ios::binary);
    if (!in) {
      throw Error(fmt::format("cannot read --text-file {}", command.text_file));
    }
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } else {
    const char* visual = std::getenv("VISUAL");
    const char* editor = std::getenv("EDITOR");
    const std::string program = visual && *visual ? visual : editor && *editor ? editor : "vi";
    std::string initial = "\n# Your reply to this conversation; lines starting with '#' are "
                          "left out, and an empty reply sends nothing.\n";
    for (const auto& m : conversation.messages) {
      initial += fmt::format("# @{}: {}\n", shown(m.author), shown(engage::excerpt(m.text, 200)));
    }
    auto edited =
      engage::edit_text(program, initial, store::StateLocation(context.state_path()).local_dir());
    if (!edited) {
      throw Error(edited.error());
    }
    text = std::move(*edited);
  }
  const auto first = text.find_first_not_of(" \t\r\n");
  text = first == std::string::npos
           ? std::string()
           : text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
  if (text.empty()) {
    throw Error("the reply is empty; nothing was sent");
  }
  return text;
}

void
run_reply(const EngageCommand& command, Context& context)
{
  const auto calendar = load(context);
  const TimePoint now = now_or(command.now);
  const FixedClock clock(now);
  auto store = store::open_conversation_store(context.state_path());
  const auto conversation = find(*store, command.id);
  const auto text = reply_text(command, conversation, context);
  auto published =
    engage::reply(calendar, sources(context, clock), *store, conversation, text, now);
  if (!published) {
    throw Error(fmt::format("engage reply {}: {}", conversation.id, published.error()),
                ExitStatus::job_failed);
  }
  if (context.global.json) {
    fmt::print("{}\n", json_text(nlohmann::json{ { "id", conversation.id },
                                                 { "remote_id", published->remote_id },
                                                 { "url", published->url } }));
  } else if (!context.global.quiet) {
    fmt::print("{}\n", shown(published->url));
  }
}

} // namespace

void
setup_engage(CLI::App& app, Context& context)
{
  auto command = std::make_shared<EngageCommand>();
  auto* sub = app.add_subcommand(
    "engage", "List the conversations waiting for a human answer, most urgent first");
  sub->add_flag("--no-fetch", command->no_fetch, "List from the state without asking platforms");
  sub->add_option("--older-than", command->older_than,
                  "Only conversations waiting longer than this (e.g. 24h)");
  sub->add_flag("--count", command->count, "Print only how many conversations are listed");
  sub->add_flag("--fail-if-any", command->fail_if_any,
                "Exit with status 1 when any conversation is listed");
  sub
    ->add_option("--fail-if-more", command->fail_if_more,
                 "Exit with status 1 when more than N conversations are listed")
    ->check(at_least(0));
  sub->add_option("--now", command->now, "Pretend it is this time (RFC 3339), for tests");

  const auto with_id = [&](CLI::App* s) {
    s->add_option("id", command->id, "The conversation's id (a unique prefix is enough)")
      ->required();
    s->add_option("--now", command->now, "Pretend it is this time (RFC 3339), for tests");
  };
  auto* done = sub->add_subcommand("done", "Take a conversation off the list until it has news");
  with_id(done);
  done->callback([command, &context] { run_done(*command, context); });

  auto* snooze = sub->add_subcommand(
    "snooze", "Hide a conversation until a time, or until someone writes in it again");
  with_id(snooze);
  auto* for_option = snooze->add_option("--for", command->snooze_for, "For how long (e.g. 4h, 2d)");
  auto* until_option =
    snooze->add_option("--until", command->snooze_until, "Until when (RFC 3339)");
  for_option->excludes(until_option);
  snooze->callback([command, &context] { run_snooze(*command, context); });

  auto* open = sub->add_subcommand("open", "Print a conversation's address, or open it");
  with_id(open);
  open->add_flag("--browser", command->browser, "Open it with xdg-open");
  open->callback([command, &context] { run_open(*command, context); });

  auto* reply = sub->add_subcommand("reply", "Answer a conversation in its thread");
  with_id(reply);
  reply->add_option("--text", command->text, "The reply");
  reply->add_option("--text-file", command->text_file, "A file that holds the reply");
  reply->add_flag("--editor", command->editor, "Write the reply in $VISUAL or $EDITOR");
  reply->callback([command, &context] { run_reply(*command, context); });

  sub->callback([sub, command, &context] {
    if (sub->get_subcommands().empty()) {
      run_list(*command, context);
    }
  });
}

} // namespace herald::cmd
