#include "metrics_store.hpp"
#include "sqlite_db.hpp"
#include "sqlite_store.hpp"

#include <nlohmann/json.hpp>

namespace herald::store {

namespace {

int64_t
seconds_of(TimePoint t)
{
  return static_cast<int64_t>(t.time_since_epoch().count());
}

TimePoint
time_of(int64_t seconds)
{
  return TimePoint(std::chrono::seconds(seconds));
}

class SqliteMetricsStore : public MetricsStore
{
public:
  explicit SqliteMetricsStore(const std::filesystem::path& path)
    : m_db(path.string())
  {
    m_db.use_state_settings();
  }

  void begin_write() override { m_db.exec("BEGIN IMMEDIATE"); }
  void commit() override { m_db.exec("COMMIT"); }
  void rollback() override
  {
    if (!sqlite3_get_autocommit(m_db.handle())) {
      m_db.exec("ROLLBACK");
    }
  }

  void add_post_snapshot(const PostSnapshot& s) override
  {
    Statement st(m_db, "INSERT OR REPLACE INTO post_metrics(calendar, job_id, account, remote_id, "
                       "at, counts) VALUES(?, ?, ?, ?, ?, ?)");
    st.bind(1, s.calendar)
      .bind(2, s.job_id)
      .bind(3, s.account)
      .bind(4, s.remote_id)
      .bind(5, seconds_of(s.at))
      .bind(6, nlohmann::json(s.counts).dump());
    st.run();
  }

  void add_follower_snapshot(const FollowerSnapshot& s) override
  {
    Statement st(m_db, "INSERT OR REPLACE INTO account_metrics(calendar, account, platform, at, "
                       "followers) VALUES(?, ?, ?, ?, ?)");
    st.bind(1, s.calendar)
      .bind(2, s.account)
      .bind(3, s.platform)
      .bind(4, seconds_of(s.at))
      .bind(5, s.followers);
    st.run();
  }

  std::vector<PostSnapshot> post_snapshots(const std::string& calendar) override
  {
    Statement st(m_db, "SELECT calendar, job_id, account, remote_id, at, counts FROM post_metrics "
                       "WHERE calendar = ? ORDER BY at, job_id");
    st.bind(1, calendar);
    std::vector<PostSnapshot> out;
    while (st.step()) {
      PostSnapshot s{ st.text(0), st.text(1), st.text(2), st.text(3), time_of(st.integer(4)), {} };
      const auto counts = nlohmann::json::parse(st.text(5), nullptr, false);
      if (counts.is_object()) {
        for (const auto& [name, value] : counts.items()) {
          if (value.is_number_integer()) {
            s.counts[name] = value.get<int64_t>();
          }
        }
      }
      out.push_back(std::move(s));
    }
    return out;
  }

  std::vector<FollowerSnapshot> follower_snapshots(const std::string& calendar) override
  {
    Statement st(m_db, "SELECT calendar, account, platform, at, followers FROM account_metrics "
                       "WHERE calendar = ? ORDER BY at, account");
    st.bind(1, calendar);
    std::vector<FollowerSnapshot> out;
    while (st.step()) {
      out.push_back({ st.text(0), st.text(1), st.text(2), time_of(st.integer(3)), st.integer(4) });
    }
    return out;
  }

private:
  SqliteDb m_db;
};

} // namespace

std::unique_ptr<MetricsStore>
open_sqlite_metrics_store(const std::filesystem::path& path)
{
  // Creates the state with owner-only permissions and runs the migrations (step 3 adds the
  // metrics tables) before this connection looks at them.
  open_sqlite_store(path);
  return std::make_unique<SqliteMetricsStore>(path);
}

} // namespace herald::store
