// herald plan: the timeline of what will fire when, in the calendar's local time.
#include "app/plan.hpp"

#include "context.hpp"
#include "plan_diff.hpp"

#include "platforms/context.hpp"
#include "schedule/zone.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

namespace herald::cmd {

namespace {

struct PlanOptions
{
  std::string from;
  std::string until;
  int days = 7;
  std::string now;
  bool diff = false;
  bool fetch_cards = false;
  std::string against;         // --against REV
  std::string format = "text"; // --diff's: text or markdown
};

nlohmann::json
parts_json(const app::PlanEntry& entry)
{
  auto json = nlohmann::json::array();
  for (size_t i = 0; i < entry.parts.size(); ++i) {
    const auto& part = entry.parts[i];
    auto media = nlohmann::json::array();
    for (const auto& m : part.media) {
      media.push_back({ { "file", m.file }, { "alt", m.alt } });
    }
    nlohmann::json out{ { "text", part.text }, { "media", media } };
    if (i < entry.cards.size() && entry.cards[i]) {
      const auto& card = *entry.cards[i];
      out["card"] = { { "uri", card.uri },
                      { "title", card.title },
                      { "description", card.description },
                      { "thumb", card.thumb.empty()
                                   ? nlohmann::json()
                                   : nlohmann::json{ { "type", card.thumb_type },
                                                     { "bytes", card.thumb.size() } } } };
    } else if (i < entry.card_problems.size() && !entry.card_problems[i].empty()) {
      out["card_error"] = entry.card_problems[i];
    }
    json.push_back(std::move(out));
  }
  return json;
}

// The long-form keys above the text, one per line, as the platform will get them.
void
print_article(const Context& context, const platforms::OutArticle& article)
{
  const auto line = [&](std::string_view label, const std::string& value) {
    if (!value.empty()) {
      fmt::print("         {} {}\n", context.paint(fmt::format("[{}]", label), "dim"),
                 shown(value));
    }
  };
  line("title", article.title);
  line("link", article.link);
  std::string tags;
  for (const auto& tag : article.tags) {
    tags += (tags.empty() ? "" : ", ") + tag;
  }
  line("tags", tags);
  line("canonical", article.canonical_url);
  line("series", article.series);
  if (!article.published) {
    line("published", "false (a draft)");
  }
}

void
run_plan(const PlanOptions& options, Context& context)
{
  context.load_credentials();
  if (options.diff) {
    run_plan_diff({ options.against, options.format, options.now }, context);
    return;
  }
  const TimePoint from =
    options.from.empty() ? now_or(options.now) : parse_time_option(options.from, "--from");
  const TimePoint until = options.until.empty() ? from + std::chrono::days(options.days)
                                                : parse_time_option(options.until, "--until");
  if (until < from) {
    throw Error("--until is before --from");
  }
  calendar::LoadOptions load;
  load.max_bytes = context.global.max_calendar_bytes;
  auto plan = app::make_plan(context.global.calendar, from, until, load, context.state_path(),
                             now_or(options.now));
  if (options.fetch_cards) {
    const FixedClock clock(now_or(options.now));
    const auto platform_context = platforms::default_context(clock, {}, context.verbose_log());
    app::fetch_link_cards(plan, *platform_context.make_transport());
  }
  const auto& diagnostics = plan.loaded.diagnostics;
  if (diagnostics.has_errors() || !plan.loaded.calendar) {
    context.print_diagnostics(diagnostics);
    context.print_error_summary(diagnostics, "; nothing to plan");
    context.status = ExitStatus::usage;
    return;
  }
  const Zone& zone = plan.loaded.calendar->zone;

  if (context.global.json) {
    nlohmann::json out = { { "calendar", context.global.calendar },
                           { "timezone", zone.name() },
                           { "from", format_utc(from) },
                           { "until", format_utc(until) } };
    out["entries"] = nlohmann::json::array();
    for (const auto& e : plan.entries) {
      out["entries"].push_back({ { "at", format_local_rfc3339(e.due, zone) },
                                 { "utc", format_utc(e.due) },
                                 { "job", e.job_id },
                                 { "post", e.post_id },
                                 { "account", e.account },
                                 { "platform", e.platform },
                                 { "thread", e.is_thread },
                                 { "recurring", e.recurring },
                                 { "queued", e.queued },
                                 { "new_slot", e.new_slot },
                                 { "parts", parts_json(e) } });
      if (e.article) {
        out["entries"].back()["article"] = platforms::to_json(*e.article);
      }
    }
    out["warnings"] = nlohmann::json::array();
    for (const auto& d : diagnostics.all()) {
      out["warnings"].push_back(d.to_string());
    }
    context.print_diagnostics(diagnostics); // standard error: a script may not read the JSON's
    fmt::print("{}\n", json_text(out, 2));
    return;
  }

  context.print_diagnostics(diagnostics);
  if (plan.entries.empty()) {
    if (!context.global.quiet) {
      fmt::print("nothing scheduled between {} and {} ({})\n", format_local_iso(from, zone),
                 format_local_iso(until, zone), zone.name());
    }
    return;
  }
  std::string day;
  for (const auto& e : plan.entries) {
    const std::string heading = format_local_day_heading(e.due, zone);
    if (heading != day) {
      fmt::print("{}{} ({})\n", day.empty() ? "" : "\n", context.paint(heading, "bold"),
                 zone.name());
      day = heading;
    }
    fmt::print("  {}  {} -> {} ({}){}{}\n", format_local_time(e.due, zone), e.post_id, e.account,
               e.platform,
               e.is_thread ? fmt::format(", thread of {}", e.parts.size())
                           : (e.recurring ? ", recurring" : ""),
               e.queued ? (e.new_slot ? ", next free slot" : ", queued slot") : "");
    if (e.article) {
      print_article(context, *e.article);
    }
    for (size_t i = 0; i < e.parts.size(); ++i) {
      const auto& part = e.parts[i];
      if (e.is_thread) {
        fmt::print("         {}\n",
                   context.paint(fmt::format("[{}/{}]", i + 1, e.parts.size()), "dim"));
      }
      print_text(part.text, "         ");
      for (const auto& m : part.media) {
        fmt::print("         {} {} (alt: {})\n", context.paint("[media]", "dim"), shown(m.file),
                   shown(m.alt));
      }
      if (i < e.cards.size() && e.cards[i]) {
        fmt::print("         {} {} ({}){}\n", context.paint("[card]", "dim"),
                   shown(e.cards[i]->title), shown(e.cards[i]->uri),
                   e.cards[i]->thumb.empty() ? "" : ", with an image");
      } else if (i < e.card_problems.size() && !e.card_problems[i].empty()) {
        fmt::print("         {} none: {}\n", context.paint("[card]", "dim"),
                   shown(e.card_problems[i]));
      }
    }
  }
}

} // namespace

void
setup_plan(CLI::App& app, Context& context)
{
  auto options = std::make_shared<PlanOptions>();
  auto* sub = app.add_subcommand("plan", "Show what will be published when, grouped by day");
  auto* from =
    sub->add_option("--from", options->from, "Start of the window (RFC 3339; default: now)");
  auto* until = sub->add_option("--until", options->until, "End of the window (RFC 3339)");
  auto* days = sub->add_option("--days", options->days, "Length of the window in days (default 7)")
                 ->check(CLI::Range(1, 3660))
                 ->excludes(until);
  sub->add_option("--now", options->now, "Pretend the time is this (RFC 3339)");
  // --diff compares whole syncs (recurring posts over the sync's own horizon): no window.
  auto* diff = sub
                 ->add_flag("--diff", options->diff,
                            "Show what syncing the calendar would change in the state (exit 1 "
                            "if anything)")
                 ->excludes(from, until, days);
  sub
    ->add_option("--against", options->against,
                 "With --diff: compare with the calendar at this git revision instead")
    ->needs(diff);
  sub->add_option("--format", options->format, "--diff's output: text or markdown")
    ->check(CLI::IsMember({ "text", "markdown" }))
    ->needs(diff);
  sub
    ->add_flag("--fetch-cards", options->fetch_cards,
               "Fetch the link card each post would get where herald builds one (Bluesky)")
    ->excludes(diff);
  sub->callback([options, &context] { run_plan(*options, context); });
}

} // namespace herald::cmd
