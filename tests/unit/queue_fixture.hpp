#pragma once

#include "calendar/model.hpp"
#include "schedule/zone.hpp"

#include <string>

namespace herald::test {

inline TimePoint
utc(const char* rfc3339)
{
  return parse_rfc3339(rfc3339).value();
}

// A calendar built in code: two stub accounts, no posts.
inline calendar::Calendar
make_calendar()
{
  calendar::Calendar cal;
  cal.file = "/cal/herald.yaml";
  cal.files = { cal.file };
  for (const char* name : { "masto", "sky" }) {
    calendar::Account account;
    account.name = name;
    account.platform = "stub";
    account.settings = { { "dir", std::string("out-") + name } };
    account.base_dir = "/cal";
    cal.accounts.emplace(name, account);
  }
  return cal;
}

inline calendar::Post&
add_post(calendar::Calendar& cal, std::string id, const char* at, std::string text,
         std::vector<std::string> to = { "masto" })
{
  calendar::Post post;
  post.id = std::move(id);
  post.to = std::move(to);
  post.schedule.kind = calendar::Schedule::Kind::at;
  post.schedule.at = utc(at);
  post.parts.push_back({ std::move(text), {}, {} });
  cal.posts.push_back(std::move(post));
  return cal.posts.back();
}

inline calendar::Post&
add_cron_post(calendar::Calendar& cal, std::string id, const char* cron, std::string text,
              std::vector<std::string> to = { "masto" })
{
  calendar::Post post;
  post.id = std::move(id);
  post.to = std::move(to);
  post.schedule.kind = calendar::Schedule::Kind::cron;
  post.schedule.cron = CronExpr::parse(cron).value();
  post.parts.push_back({ std::move(text), {}, {} });
  cal.posts.push_back(std::move(post));
  return cal.posts.back();
}

} // namespace herald::test
