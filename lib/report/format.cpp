#include "format.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>

namespace herald::report {

namespace {

struct Column
{
  std::string title;
  bool right = true;
};

std::string
count_text(std::optional<int64_t> value)
{
  return value ? std::to_string(*value) : "-";
}

nlohmann::json
optional_json(std::optional<double> value)
{
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json
optional_json(std::optional<int64_t> value)
{
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

bool
has_impressions(const Report& report)
{
  return report.total.impressions > 0;
}

// The columns after the key, and each row's cells, shared by the table and CSV.
std::vector<std::string>
cells(const Totals& t, const Report& report, bool fractions)
{
  const auto rate = [&](std::optional<double> r) {
    return fractions ? (r ? fmt::format("{:.6f}", *r) : std::string()) : percent(r);
  };
  std::vector<std::string> out = { std::to_string(t.posts), std::to_string(t.interactions),
                                   std::to_string(t.followers), rate(t.engagement_rate()) };
  if (fractions || has_impressions(report)) {
    out.push_back(std::to_string(t.impressions));
    out.push_back(rate(t.engagement_per_impression()));
  }
  if (report.has_clicks) {
    out.push_back(count_text(t.clicks));
    out.push_back(rate(t.click_through_rate()));
    out.push_back(count_text(t.conversions));
    out.push_back(rate(t.conversion_rate()));
  }
  return out;
}

std::vector<std::string>
headers(const Report& report, bool csv)
{
  std::vector<std::string> out = { csv ? "posts" : "POSTS", csv ? "interactions" : "INTERACTIONS",
                                   csv ? "followers_at_publish" : "FOLLOWERS",
                                   csv ? "engagement_rate" : "ENGAGEMENT" };
  if (csv || has_impressions(report)) {
    out.push_back(csv ? "impressions" : "IMPRESSIONS");
    out.push_back(csv ? "engagement_per_impression" : "PER IMPR.");
  }
  if (report.has_clicks) {
    out.push_back(csv ? "clicks" : "CLICKS");
    out.push_back(csv ? "click_through_rate" : "CTR");
    out.push_back(csv ? "conversions" : "CONV.");
    out.push_back(csv ? "conversion_rate" : "CONV. RATE");
  }
  return out;
}

// Display width for alignment: code points, which is right for the names and marks used here.
size_t
width(std::string_view text)
{
  return static_cast<size_t>(
    std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string
pad(std::string_view text, size_t to, bool right)
{
  const std::string fill(to > width(text) ? to - width(text) : 0, ' ');
  return right ? fill + std::string(text) : std::string(text) + fill;
}

// Columns aligned: the first (names) and, with `left_last`, the last (a sparkline) to the left,
// numbers to the right.
std::string
render_table(const std::vector<std::string>& head,
             const std::vector<std::vector<std::string>>& rows, bool left_last = false)
{
  std::vector<size_t> widths(head.size(), 0);
  for (size_t i = 0; i < head.size(); ++i) {
    widths[i] = width(head[i]);
    for (const auto& row : rows) {
      widths[i] = std::max(widths[i], width(row[i]));
    }
  }
  std::string out;
  const auto line = [&](const std::vector<std::string>& row) {
    std::string text;
    for (size_t i = 0; i < row.size(); ++i) {
      const bool left = i == 0 || (left_last && i + 1 == row.size());
      text += (i ? "  " : "") + pad(row[i], widths[i], !left);
    }
    while (!text.empty() && text.back() == ' ') {
      text.pop_back();
    }
    out += text + "\n";
  };
  line(head);
  for (const auto& row : rows) {
    line(row);
  }
  return out;
}

std::string
signed_count(std::optional<int64_t> value)
{
  return value ? fmt::format("{:+}", *value) : "-";
}

std::string
signed_percent(std::optional<double> rate)
{
  return rate ? fmt::format("{:+.2f}%", *rate * 100) : "-";
}

nlohmann::json
totals_json(const Totals& t)
{
  nlohmann::json j = { { "posts", t.posts },
                       { "interactions", t.interactions },
                       { "counts", t.counts },
                       { "followers_at_publish", t.followers },
                       { "engagement_rate", optional_json(t.engagement_rate()) },
                       { "impressions", t.impressions },
                       { "engagement_per_impression",
                         optional_json(t.engagement_per_impression()) } };
  if (t.clicks) {
    j["clicks"] = *t.clicks;
    j["conversions"] = t.conversions.value_or(0);
    j["reach"] = t.reach;
    j["click_through_rate"] = optional_json(t.click_through_rate());
    j["conversion_rate"] = optional_json(t.conversion_rate());
  }
  return j;
}

nlohmann::json
best_json(const std::optional<Best>& best)
{
  if (!best) {
    return nullptr;
  }
  return { { "key", best->key },
           { "engagement_rate", best->engagement_rate },
           { "posts", best->posts } };
}

// --- SVG -----------------------------------------------------------------------------------

constexpr int k_chart_width = 640;
constexpr int k_chart_height = 220;
constexpr int k_margin_left = 70;
constexpr int k_margin_right = 20;
constexpr int k_margin_top = 15;
constexpr int k_margin_bottom = 35;

struct Point
{
  TimePoint at;
  double value;
  std::string label;
};

// A line (or dots) chart of `points` over time, with the extremes written on the axes.
std::string
svg_chart(const std::vector<Point>& points, std::string_view title, bool line,
          const std::function<std::string(double)>& value_text)
{
  std::string out =
    fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" "
                "viewBox=\"0 0 {0} {1}\" role=\"img\"><title>{2}</title>\n",
                k_chart_width, k_chart_height, escape_html(title));
  const int plot_w = k_chart_width - k_margin_left - k_margin_right;
  const int plot_h = k_chart_height - k_margin_top - k_margin_bottom;
  out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" class=\"plot\"/>\n",
                     k_margin_left, k_margin_top, plot_w, plot_h);
  if (points.empty()) {
    out += fmt::format("<text x=\"{}\" y=\"{}\">no data in this window</text>\n</svg>\n",
                       k_margin_left + 10, k_margin_top + plot_h / 2);
    return out;
  }
  const auto [tmin, tmax] = std::minmax_element(
    points.begin(), points.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
  const auto [vmin, vmax] = std::minmax_element(
    points.begin(), points.end(), [](const auto& a, const auto& b) { return a.value < b.value; });
  const double t0 = double(tmin->at.time_since_epoch().count());
  const double t1 = double(tmax->at.time_since_epoch().count());
  double v0 = vmin->value;
  double v1 = vmax->value;
  if (v1 == v0) {
    v0 -= 1;
    v1 += 1;
  }
  const auto x = [&](TimePoint at) {
    return t1 == t0
             ? k_margin_left + plot_w / 2.0
             : k_margin_left + (double(at.time_since_epoch().count()) - t0) / (t1 - t0) * plot_w;
  };
  const auto y = [&](double v) { return k_margin_top + plot_h - (v - v0) / (v1 - v0) * plot_h; };
  if (line && points.size() > 1) {
    std::string coords;
    for (const auto& p : points) {
      coords += fmt::format("{}{:.1f},{:.1f}", coords.empty() ? "" : " ", x(p.at), y(p.value));
    }
    out += fmt::format("<polyline class=\"line\" points=\"{}\"/>\n", coords);
  }
  for (const auto& p : points) {
    out += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3.5\"><title>{}</title></circle>\n",
                       x(p.at), y(p.value), escape_html(p.label));
  }
  out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", k_margin_left - 6,
                     k_margin_top + 10, escape_html(value_text(vmax->value)));
  out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", k_margin_left - 6,
                     k_margin_top + plot_h, escape_html(value_text(vmin->value)));
  out += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>\n", k_margin_left, k_chart_height - 12,
                     escape_html(format_utc(tmin->at).substr(0, 10)));
  out +=
    fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", k_margin_left + plot_w,
                k_chart_height - 12, escape_html(format_utc(tmax->at).substr(0, 10)));
  return out + "</svg>\n";
}

constexpr std::string_view k_style = R"css(
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { padding: 0.3em 0.8em; border-bottom: 1px solid #ddd; text-align: right; }
th:first-child, td:first-child { text-align: left; }
svg { display: block; margin: 0.5em 0 1.5em; }
svg .plot { fill: #fafafa; stroke: #ccc; }
svg .line { fill: none; stroke: #2a6fdb; stroke-width: 2; }
svg circle { fill: #2a6fdb; }
svg text { font-size: 12px; fill: #555; }
)css";

} // namespace

bool
is_plain_number(std::string_view text)
{
  if (!text.empty() && text.front() == '-') {
    text.remove_prefix(1);
  }
  const size_t point = text.find('.');
  const auto digits = [](std::string_view part) {
    return !part.empty() &&
           std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  return point == std::string_view::npos
           ? digits(text)
           : digits(text.substr(0, point)) && digits(text.substr(point + 1));
}

std::string
csv_field(std::string_view text)
{
  std::string value;
  // A spreadsheet runs a cell that starts like a formula (OWASP "CSV injection"): a campaign
  // named =HYPERLINK(...) must stay text. A number, negative ones included, stays a number.
  if (!text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos &&
      !is_plain_number(text)) {
    value = "'";
  }
  value += text;
  if (value.find_first_of(",\"\r\n") == std::string::npos) {
    return value;
  }
  std::string out = "\"";
  for (const char c : value) {
    out += c == '"' ? "\"\"" : std::string(1, c);
  }
  return out + "\"";
}

std::string
sparkline(const std::vector<int64_t>& all, bool utf8, size_t width)
{
  static constexpr std::array<std::string_view, 8> k_blocks = { "\u2581", "\u2582", "\u2583",
                                                                "\u2584", "\u2585", "\u2586",
                                                                "\u2587", "\u2588" };
  static constexpr std::string_view k_ascii = " .:-=+*#";
  if (all.empty() || width == 0) {
    return "";
  }
  std::vector<int64_t> values = all;
  if (all.size() > width) {
    values.clear();
    for (size_t i = 0; i < width; ++i) {
      values.push_back(all[width == 1 ? all.size() - 1 : i * (all.size() - 1) / (width - 1)]);
    }
  }
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  std::string out;
  for (const auto v : values) {
    const size_t level =
      *hi == *lo ? 0 : static_cast<size_t>(std::lround(double(v - *lo) / double(*hi - *lo) * 7.0));
    out += utf8 ? std::string(k_blocks[level]) : std::string(1, k_ascii[level]);
  }
  return out;
}

std::string
percent(std::optional<double> rate)
{
  return rate ? fmt::format("{:.2f}%", *rate * 100) : "-";
}

std::string
escape_html(std::string_view text)
{
  std::string out;
  for (const char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&#39;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

std::string
format_table(const Report& report, std::string_view zone, bool utf8)
{
  std::string out = fmt::format("{} to {}, by {}\n\n", format_utc(report.since),
                                format_utc(report.until), to_string(report.by));
  if (report.rows.empty()) {
    out += "no posts published in this window\n";
  } else {
    std::vector<std::string> head = { report.by == Grouping::post
                                        ? "POST"
                                        : fmt::format("{}", to_string(report.by)) };
    std::transform(head[0].begin(), head[0].end(), head[0].begin(),
                   [](char c) { return static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c); });
    const auto rest = headers(report, false);
    head.insert(head.end(), rest.begin(), rest.end());
    std::vector<std::vector<std::string>> rows;
    for (const auto& row : report.rows) {
      auto line = cells(row.totals, report, false);
      line.insert(line.begin(), row.key);
      rows.push_back(std::move(line));
    }
    if (report.rows.size() > 1) {
      auto line = cells(report.total, report, false);
      line.insert(line.begin(), "total");
      rows.push_back(std::move(line));
    }
    out += render_table(head, rows);
  }
  if (report.accounts.empty() && !report.posts.empty()) {
    out += "\nno follower counts yet: run 'herald report collect' (from cron, e.g. hourly)\n";
  }
  if (!report.accounts.empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& a : report.accounts) {
      std::vector<int64_t> series;
      for (const auto& p : a.series) {
        series.push_back(p.followers);
      }
      rows.push_back({ fmt::format("{} ({})", a.account, a.platform), count_text(a.start),
                       count_text(a.end), signed_count(a.growth()), signed_percent(a.growth_rate()),
                       sparkline(series, utf8) });
    }
    out +=
      "\n" + render_table({ "FOLLOWERS", "START", "END", "GROWTH", "CHANGE", "TREND" }, rows, true);
  }
  const auto best = [&](std::string_view what, const std::optional<Best>& b,
                        std::string_view suffix) {
    if (b) {
      out += fmt::format("best {}: {}{} ({} engagement over {} post{})\n", what, b->key, suffix,
                         percent(b->engagement_rate), b->posts, b->posts == 1 ? "" : "s");
    }
  };
  if (report.best_weekday || report.best_hour) {
    out += "\n";
  }
  best("weekday", report.best_weekday, "");
  best("hour", report.best_hour, fmt::format(" {}", zone));
  return out;
}

std::string
format_csv(const Report& report)
{
  std::string out = std::string(to_string(report.by));
  for (const auto& h : headers(report, true)) {
    out += "," + h;
  }
  out += "\r\n";
  for (const auto& row : report.rows) {
    out += csv_field(row.key);
    for (const auto& cell : cells(row.totals, report, true)) {
      out += "," + csv_field(cell);
    }
    out += "\r\n";
  }
  return out;
}

nlohmann::json
to_json(const Report& report, std::string_view zone)
{
  nlohmann::json j;
  j["since"] = format_utc(report.since);
  j["until"] = format_utc(report.until);
  j["by"] = std::string(to_string(report.by));
  j["zone"] = std::string(zone);
  j["rows"] = nlohmann::json::array();
  for (const auto& row : report.rows) {
    auto r = totals_json(row.totals);
    r["key"] = row.key;
    j["rows"].push_back(std::move(r));
  }
  j["total"] = totals_json(report.total);
  j["posts"] = nlohmann::json::array();
  for (const auto& row : report.posts) {
    auto p = totals_json(row.totals);
    p["job"] = row.post.job_id;
    p["post"] = row.post.post_id;
    p["account"] = row.post.account;
    p["platform"] = row.post.platform;
    p["url"] = row.post.url;
    p["posted_at"] = format_utc(row.post.posted_at);
    p["campaign"] = row.post.campaign;
    p["utm_campaign"] = row.post.utm_campaign;
    p["utm_content"] = row.post.utm_content;
    p["counts"] = row.counts;
    p["counted_at"] = row.counted_at ? nlohmann::json(format_utc(*row.counted_at)) : nullptr;
    p["snapshots"] = row.snapshots;
    p["followers_at_publish"] = optional_json(row.followers_at_publish);
    p["impressions"] = optional_json(row.impressions);
    j["posts"].push_back(std::move(p));
  }
  j["accounts"] = nlohmann::json::array();
  for (const auto& a : report.accounts) {
    auto series = nlohmann::json::array();
    for (const auto& p : a.series) {
      series.push_back({ { "at", format_utc(p.at) }, { "followers", p.followers } });
    }
    j["accounts"].push_back({ { "account", a.account },
                              { "platform", a.platform },
                              { "followers_start", optional_json(a.start) },
                              { "followers_end", optional_json(a.end) },
                              { "growth", optional_json(a.growth()) },
                              { "growth_rate", optional_json(a.growth_rate()) },
                              { "series", series } });
  }
  j["best_weekday"] = best_json(report.best_weekday);
  j["best_hour"] = best_json(report.best_hour);
  return j;
}

std::string
format_html(const Report& report, std::string_view title, std::string_view zone)
{
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n";
  out += fmt::format("<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n", escape_html(title),
                     k_style);
  out += fmt::format("<h1>{}</h1>\n<p>Posts published from {} to {}, grouped by {}; weekdays and "
                     "hours in {}.</p>\n",
                     escape_html(title), format_utc(report.since), format_utc(report.until),
                     to_string(report.by), escape_html(zone));

  out += "<h2>Results</h2>\n<table>\n<thead><tr><th>" +
         escape_html(std::string(to_string(report.by))) + "</th>";
  for (const auto& h : headers(report, false)) {
    out += "<th>" + escape_html(h) + "</th>";
  }
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : report.rows) {
    out += "<tr><td>" + escape_html(row.key) + "</td>";
    for (const auto& cell : cells(row.totals, report, false)) {
      out += "<td>" + escape_html(cell) + "</td>";
    }
    out += "</tr>\n";
  }
  out += "</tbody>\n</table>\n";
  if (report.best_weekday || report.best_hour) {
    out += "<ul>\n";
    if (report.best_weekday) {
      out += fmt::format("<li>Best weekday: {} ({} engagement)</li>\n",
                         escape_html(report.best_weekday->key),
                         percent(report.best_weekday->engagement_rate));
    }
    if (report.best_hour) {
      out += fmt::format("<li>Best hour: {} {} ({} engagement)</li>\n",
                         escape_html(report.best_hour->key), escape_html(zone),
                         percent(report.best_hour->engagement_rate));
    }
    out += "</ul>\n";
  }

  out += "<h2>Follower growth</h2>\n";
  if (report.accounts.empty()) {
    out += "<p>No follower counts collected yet: run <code>herald report collect</code>.</p>\n";
  }
  for (const auto& a : report.accounts) {
    out +=
      fmt::format("<section class=\"account\">\n<h3>{} ({})</h3>\n<p>{} to {} followers: {} "
                  "({})</p>\n",
                  escape_html(a.account), escape_html(a.platform), count_text(a.start),
                  count_text(a.end), signed_count(a.growth()), signed_percent(a.growth_rate()));
    std::vector<Point> points;
    for (const auto& p : a.series) {
      points.push_back({ p.at, double(p.followers),
                         fmt::format("{}: {} followers", format_utc(p.at), p.followers) });
    }
    out += svg_chart(points, fmt::format("Followers of {} over time", a.account), true,
                     [](double v) { return fmt::format("{:.0f}", v); });
    out += "</section>\n";
  }

  out += "<h2>Engagement per post over time</h2>\n";
  std::vector<Point> points;
  for (const auto& row : report.posts) {
    if (const auto rate = row.totals.engagement_rate()) {
      points.push_back({ row.post.posted_at, *rate * 100,
                         fmt::format("{} on {}: {} engagement ({} interactions)", row.post.post_id,
                                     row.post.account, percent(rate), row.interactions) });
    }
  }
  out += svg_chart(points, "Engagement rate of each post by publish time", false,
                   [](double v) { return fmt::format("{:.2f}%", v); });
  out += "</body>\n</html>\n";
  return out;
}

} // namespace herald::report
