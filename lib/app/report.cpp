#include "report.hpp"

#include "report/clicks.hpp"
#include "tick.hpp"

#include "platforms/metrics.hpp"
#include "store/metrics_store.hpp"
#include "store/state_location.hpp"

#include <algorithm>

namespace herald::app {

namespace {

// Every job the calendar published: its own and its one-off posts.
std::vector<store::Job>
posted_jobs(store::Store& store, const std::string& key)
{
  std::vector<store::Job> jobs;
  for (const auto& calendar : { key, one_off_key(key) }) {
    store::JobFilter filter;
    filter.calendar = calendar;
    filter.states = { store::JobState::posted };
    filter.order_by = "posted";
    auto some = store.list_jobs(filter);
    jobs.insert(jobs.end(), std::make_move_iterator(some.begin()),
                std::make_move_iterator(some.end()));
  }
  return jobs;
}

// What a job's links were tagged with, from the calendar's post when it still has it.
report::PublishedPost
published(const store::Job& job, const calendar::Calendar& calendar)
{
  report::PublishedPost post{ job.calendar,
                              job.id,
                              job.post_id,
                              job.account,
                              job.platform,
                              job.url,
                              job.posted_at.value_or(job.due),
                              job.post_id,
                              "",
                              job.post_id,
                              job.post_id };
  if (const calendar::Post* source = calendar.find_post(job.post_id)) {
    if (!source->campaign.empty()) {
      post.campaign = source->campaign;
      post.utm_campaign = source->campaign;
    }
    if (const auto tags = source->utm.find(job.account); tags != source->utm.end()) {
      post.utm_source = tags->second.source;
      post.utm_campaign = tags->second.campaign;
      post.utm_content = tags->second.content;
    }
  }
  return post;
}

} // namespace

CollectRun
collect_metrics(const std::filesystem::path& calendar, const std::filesystem::path& state,
                const calendar::LoadOptions& options, const platforms::AdapterContext& context)
{
  CollectRun run;
  run.loaded = load_checked(calendar, options);
  // An account without its secret fails alone, when its metrics source is made.
  run.loaded.diagnostics.drop_unset_secrets();
  if (!run.loaded.calendar || run.loaded.diagnostics.has_errors()) {
    return run;
  }
  const auto& cal = *run.loaded.calendar;
  const std::string key = calendar_key(cal);
  auto jobs = posted_jobs(*store::open_store(state), key);
  const TimePoint now = context.clock->now();
  run.result = report::collect(
    cal, key, jobs,
    [&](const platforms::AccountConfig& account) {
      return platforms::make_metrics_source(account, context);
    },
    now);
  auto metrics = store::open_metrics_store(state);
  metrics->begin_write();
  try {
    for (const auto& s : run.result.follower_snapshots) {
      metrics->add_follower_snapshot(s);
    }
    for (const auto& s : run.result.post_snapshots) {
      metrics->add_post_snapshot(s);
    }
    metrics->commit();
  } catch (...) {
    metrics->rollback();
    throw;
  }
  return run;
}

ReportRun
make_report(const ReportQuery& query)
{
  ReportRun run;
  run.loaded = load_checked(query.calendar, query.options);
  run.loaded.diagnostics.drop_unset_secrets(); // the report reads the state only
  if (!run.loaded.calendar || run.loaded.diagnostics.has_errors()) {
    return run;
  }
  const auto& cal = *run.loaded.calendar;
  run.title = cal.name.empty() ? "herald report: " + cal.file.filename().string()
                               : "herald report: " + cal.name;
  run.zone = cal.zone.name();
  report::ReportInput input;
  input.zone = cal.zone;
  input.until = query.now;
  input.since = query.now - query.since;
  input.by = query.by;
  if (query.clicks) {
    auto clicks = report::load_clicks(*query.clicks);
    if (!clicks) {
      run.problem = clicks.error();
      return run;
    }
    input.clicks = std::move(*clicks);
  }
  if (store::StateLocation(query.state).exists()) {
    const std::string key = calendar_key(cal);
    for (const auto& job : posted_jobs(*store::open_store(query.state), key)) {
      input.posts.push_back(published(job, cal));
    }
    auto metrics = store::open_metrics_store(query.state);
    for (const auto& calendar : { key, one_off_key(key) }) {
      auto some = metrics->post_snapshots(calendar);
      input.post_snapshots.insert(input.post_snapshots.end(), some.begin(), some.end());
    }
    // Snapshots of both calendars interleave: keep them oldest first.
    std::stable_sort(input.post_snapshots.begin(), input.post_snapshots.end(),
                     [](const auto& a, const auto& b) { return a.at < b.at; });
    input.follower_snapshots = metrics->follower_snapshots(key);
  }
  run.report = report::build_report(input);
  return run;
}

} // namespace herald::app
