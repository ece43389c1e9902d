// `slots:`: the weekly posting schedule that posts with `queue: true` take their times from.

#include "load_context.hpp"

#include <fmt/core.h>

#include <array>
#include <charconv>

namespace herald::calendar {

namespace {

constexpr std::array<std::string_view, 3> k_slot_keys = { "days", "times", "to" };
constexpr std::array<std::string_view, 7> k_weekdays = { "sun", "mon", "tue", "wed",
                                                         "thu", "fri", "sat" };
constexpr std::array<std::string_view, 7> k_weekday_names = { "sunday",    "monday",   "tuesday",
                                                              "wednesday", "thursday", "friday",
                                                              "saturday" };
constexpr std::array<std::string_view, 7> k_cron_weekdays = { "SUN", "MON", "TUE", "WED",
                                                              "THU", "FRI", "SAT" };

std::string
lower(std::string_view text)
{
  std::string result(text);
  for (char& c : result) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return result;
}

// "mon" or "monday" (any case) -> 1; -1 when it is no weekday.
int
weekday_index(std::string_view name)
{
  const std::string text = lower(name);
  for (size_t i = 0; i < k_weekdays.size(); ++i) {
    if (text == k_weekdays[i] || text == k_weekday_names[i]) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

// "09:30" -> {9, 30}
std::optional<std::pair<int, int>>
parse_time_of_day(std::string_view text)
{
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 2 || text.size() != colon + 3) {
    return std::nullopt;
  }
  int hour = -1;
  int minute = -1;
  std::from_chars(text.data(), text.data() + colon, hour);
  const auto [end, ec] =
    std::from_chars(text.data() + colon + 1, text.data() + text.size(), minute);
  if (ec != std::errc() || end != text.data() + text.size() || hour < 0 || hour > 23 ||
      minute < 0 || minute > 59) {
    return std::nullopt;
  }
  return std::pair{ hour, minute };
}

class SlotReader
{
public:
  SlotReader(LoadContext& ctx, const SourceFile& file, std::string path)
    : m_ctx(ctx)
    , m_file(file)
    , m_path(std::move(path))
  {
  }

  // The cron weekday field ("MON,WED"), or "*" for every day.
  std::string days(const YamlNode* node)
  {
    if (!node) {
      return "*";
    }
    const std::string path = join_path(m_path, "days");
    const auto items = scalar_or_list(*node, path, "a list of weekdays, like [mon, wed, fri]");
    std::array<bool, 7> chosen{};
    for (const YamlNode* item : items) {
      const int index = item->is_scalar() ? weekday_index(trim(item->scalar)) : -1;
      if (index < 0) {
        m_ctx.error(m_file, *item,
                    fmt::format("'{}': '{}' is not a weekday; use mon, tue, wed, thu, fri, sat "
                                "or sun",
                                path, item->is_scalar() ? item->scalar : std::string("...")));
        continue;
      }
      chosen[static_cast<size_t>(index)] = true;
    }
    std::string field;
    for (size_t i = 0; i < chosen.size(); ++i) {
      if (chosen[i]) {
        field += (field.empty() ? "" : ",") + std::string(k_cron_weekdays[i]);
      }
    }
    return field.empty() ? "*" : field;
  }

  std::vector<CronExpr> times(const YamlNode* node, const YamlNode& rule, const std::string& days)
  {
    const std::string path = join_path(m_path, "times");
    if (!node) {
      m_ctx.error(m_file, rule, fmt::format("'{}' has no 'times:'", m_path));
      return {};
    }
    const auto items =
      scalar_or_list(*node, path, "a list of local times, like [\"09:30\", \"16:00\"]");
    std::vector<CronExpr> result;
    for (const YamlNode* item : items) {
      const auto time = item->is_scalar() ? parse_time_of_day(trim(item->scalar)) : std::nullopt;
      if (!time) {
        m_ctx.error(m_file, *item,
                    fmt::format("'{}': '{}' is not a time of day; write it as HH:MM, like "
                                "\"09:30\"",
                                path, item->is_scalar() ? item->scalar : std::string("...")));
        continue;
      }
      auto expr = CronExpr::parse(fmt::format("{} {} * * {}", time->second, time->first, days));
      if (expr) {
        result.push_back(std::move(*expr));
      }
    }
    if (items.empty() && node->is_sequence()) {
      m_ctx.error(m_file, *node, fmt::format("'{}' is empty", path));
    }
    return result;
  }

  std::vector<std::string> to(const YamlNode* node)
  {
    std::vector<std::string> names;
    if (!node) {
      return names;
    }
    const std::string path = join_path(m_path, "to");
    for (const YamlNode* name : read_name_list(m_ctx, m_file, *node, path)) {
      m_ctx.check_account_name(m_file, *name, fmt::format("in '{}'", m_path));
      names.push_back(name->scalar);
    }
    return names;
  }

private:
  // `mon` or `[mon, wed]`: the items, or none (reported) when it is neither.
  std::vector<const YamlNode*> scalar_or_list(const YamlNode& node, const std::string& path,
                                              std::string_view what)
  {
    std::vector<const YamlNode*> items;
    if (node.is_scalar()) {
      items.push_back(&node);
    } else if (expect_sequence(m_ctx, m_file, node, path, what)) {
      for (const auto& item : node.items) {
        items.push_back(&item);
      }
    }
    return items;
  }

  LoadContext& m_ctx;
  const SourceFile& m_file;
  std::string m_path;
};

} // namespace

void
read_slots(LoadContext& ctx, const SourceFile& file, const YamlNode& slots)
{
  if (slots.is_null() ||
      !expect_sequence(ctx, file, slots, "slots",
                       "a list of maps with 'times:' and optional 'days:' and 'to:'")) {
    return;
  }
  for (size_t i = 0; i < slots.items.size(); ++i) {
    const YamlNode& node = slots.items[i];
    const std::string path = index_path("slots", i);
    if (!expect_map(ctx, file, node, path, "a map with 'times:' and optional 'days:' and 'to:'")) {
      continue;
    }
    check_known_keys(ctx, file, node, k_slot_keys, fmt::format("in '{}'", path));
    SlotReader reader(ctx, file, path);
    SlotRule rule;
    rule.pos = ctx.pos(file, node);
    rule.to = reader.to(find_value(node, "to"));
    const std::string days = reader.days(find_value(node, "days"));
    rule.times = reader.times(find_value(node, "times"), node, days);
    ctx.calendar.slots.push_back(std::move(rule));
  }
}

} // namespace herald::calendar
