// When a post fires: `at:` once, or `cron:` with optional `start:`, `until:` and `count:`.

#include "post_reader.hpp"

#include <fmt/core.h>

#include <charconv>

namespace herald::calendar {

namespace {

using namespace std::chrono_literals;

enum class DateOnly
{
  rejected,
  start_of_day,
  end_of_day
};

// A written time as an instant in the calendar's zone. DST gaps and overlaps are errors for
// explicit times (to_instant says which instants the user could mean); a bare date means the
// start or the end of that local day, however long the day is.
std::optional<TimePoint>
read_time(LoadContext& ctx, const SourceFile& file, const YamlNode& node, const std::string& path,
          DateOnly date_only)
{
  const bool allow_date = date_only != DateOnly::rejected;
  if (!expect_scalar(ctx, file, node, path,
                     allow_date ? "a date or a date and time, like 2027-03-01 or 2027-03-01 09:00"
                                : "a date and time, like 2026-12-01 09:00")) {
    return std::nullopt;
  }
  const auto written = parse_written_time(trim(node.scalar), allow_date);
  if (!written) {
    ctx.error(file, node, fmt::format("'{}': {}", path, written.error()));
    return std::nullopt;
  }
  if (written->date_only) {
    const bool end = date_only == DateOnly::end_of_day;
    const auto boundary = written->local + (end ? std::chrono::days{ 1 } : std::chrono::days{ 0 });
    // The first instant of the day (the gap's end if midnight is skipped, the earlier one if
    // it repeats); `until` ends one second before the next day's.
    const TimePoint first = resolve_local(ctx.calendar.zone, boundary).first;
    return end ? first - 1s : first;
  }
  const auto instant = to_instant(*written, ctx.calendar.zone);
  if (!instant) {
    ctx.error(file, node, fmt::format("'{}': {}", path, instant.error()));
    return std::nullopt;
  }
  return *instant;
}

void
read_cron(LoadContext& ctx, const PostScope& scope, const YamlNode& node, Schedule& schedule)
{
  const std::string path = join_path(scope.path, "cron");
  if (!expect_scalar(ctx, scope.file, node, path, "a cron expression, like \"0 10 * * MON\"")) {
    return;
  }
  auto expr = CronExpr::parse(node.scalar);
  if (expr) {
    schedule.cron = std::move(*expr);
    return;
  }
  SourcePos pos = ctx.pos(scope.file, node);
  // Point at the offending field when the scalar sits on its own line as written.
  if (expr.error().column > 0 && node.style != YamlNode::Style::other) {
    pos.column += expr.error().column - 1 + (node.style == YamlNode::Style::quoted ? 1 : 0);
  }
  ctx.diagnostics.error(std::move(pos), fmt::format("'{}': {}", path, expr.error().message));
}

void
read_count(LoadContext& ctx, const PostScope& scope, const YamlNode& node, Schedule& schedule)
{
  const std::string path = join_path(scope.path, "count");
  if (node.is_scalar()) {
    const std::string_view text = trim(node.scalar);
    int value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc() && end == text.data() + text.size() && !text.empty() && value > 0) {
      schedule.count = value;
      return;
    }
  }
  ctx.error(scope.file, node, fmt::format("'{}' must be a positive whole number", path));
}

// `queue: true` or `queue: false` (strict, like `enabled:`).
bool
read_queue(LoadContext& ctx, const PostScope& scope, const YamlNode& node)
{
  const bool plain = node.is_scalar() && node.style == YamlNode::Style::plain;
  if (plain && (node.scalar == "true" || node.scalar == "false")) {
    return node.scalar == "true";
  }
  ctx.error(scope.file, node,
            fmt::format("'{}' must be true or false", join_path(scope.path, "queue")));
  return false;
}

} // namespace

void
read_schedule(LoadContext& ctx, const PostScope& scope, const PostFields& fields, Post& post)
{
  Schedule& schedule = post.schedule;
  const YamlNode* at = fields.value(PostFields::at);
  const YamlNode* cron = fields.value(PostFields::cron);
  const YamlNode* queue = fields.value(PostFields::queue);
  const bool queued = queue && read_queue(ctx, scope, *queue);

  if (at && cron) {
    ctx.error(scope.file, scope.node,
              fmt::format("{} has both 'at:' and 'cron:'; use one", scope.label));
  } else if (queued && (at || cron)) {
    ctx.error(scope.file, *queue,
              fmt::format("{} has 'queue: true' and '{}:'; a queued post takes its time from the "
                          "posting slots, so use one",
                          scope.label, at ? "at" : "cron"));
  } else if (!at && !cron && !queued) {
    ctx.error(scope.file, scope.node,
              fmt::format("{} has no time: add 'at:', 'cron:' or 'queue: true'", scope.label));
  }
  if (queued && !at && !cron) {
    schedule.kind = Schedule::Kind::queue;
    schedule.pos = ctx.pos(scope.file, *queue);
  }

  if (at) {
    schedule.kind = Schedule::Kind::at;
    schedule.pos = ctx.pos(scope.file, *at);
    if (const auto instant =
          read_time(ctx, scope.file, *at, join_path(scope.path, "at"), DateOnly::rejected)) {
      schedule.at = *instant;
    }
  }
  if (cron) {
    schedule.kind = Schedule::Kind::cron;
    schedule.pos = ctx.pos(scope.file, *cron);
    read_cron(ctx, scope, *cron, schedule);
  }

  for (const auto key : { PostFields::start, PostFields::until, PostFields::count }) {
    if (fields.key(key) && !cron) {
      ctx.error(scope.file, *fields.key(key),
                fmt::format("{} has '{}:' but no 'cron:'; '{}:' only applies to repeating posts",
                            scope.label, k_post_keys[key], k_post_keys[key]));
    }
  }
  if (!cron) {
    return;
  }
  if (const YamlNode* start = fields.value(PostFields::start)) {
    schedule.start =
      read_time(ctx, scope.file, *start, join_path(scope.path, "start"), DateOnly::start_of_day);
  }
  if (const YamlNode* until = fields.value(PostFields::until)) {
    schedule.until =
      read_time(ctx, scope.file, *until, join_path(scope.path, "until"), DateOnly::end_of_day);
  }
  if (const YamlNode* count = fields.value(PostFields::count)) {
    read_count(ctx, scope, *count, schedule);
  }
  if (schedule.start && schedule.until && *schedule.start > *schedule.until) {
    ctx.error(scope.file, *fields.value(PostFields::start),
              fmt::format("{} has 'start:' after 'until:'", scope.label));
  }
}

} // namespace herald::calendar
