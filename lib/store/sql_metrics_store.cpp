// The metrics tables (schema step 3) behind MetricsStore, on either backend.
#include "schema.hpp"
#include "sql_store.hpp"

#include <nlohmann/json.hpp>

namespace herald::store {

namespace {

class SqlMetricsStore : public MetricsStore
{
public:
  explicit SqlMetricsStore(std::unique_ptr<SqlConnection> db)
    : m_db(std::move(db))
  {
    migrate(*m_db);
  }

  void begin_write() override { m_db->begin_write(); }
  void commit() override { m_db->commit(); }
  void rollback() override { m_db->rollback(); }

  void add_post_snapshot(const PostSnapshot& s) override
  {
    m_db->run("INSERT INTO post_metrics(calendar, job_id, account, remote_id, at, counts) "
              "VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(calendar, job_id, at) DO UPDATE SET "
              "account = excluded.account, remote_id = excluded.remote_id, "
              "counts = excluded.counts",
              SqlParams()
                .add(s.calendar)
                .add(s.job_id)
                .add(s.account)
                .add(s.remote_id)
                .add(seconds(s.at))
                .add(nlohmann::json(s.counts).dump()));
  }

  void add_follower_snapshot(const FollowerSnapshot& s) override
  {
    m_db->run("INSERT INTO account_metrics(calendar, account, platform, at, followers) "
              "VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(calendar, account, at) DO UPDATE SET "
              "platform = excluded.platform, followers = excluded.followers",
              SqlParams()
                .add(s.calendar)
                .add(s.account)
                .add(s.platform)
                .add(seconds(s.at))
                .add(s.followers));
  }

  std::vector<PostSnapshot> post_snapshots(const std::string& calendar) override
  {
    std::vector<PostSnapshot> out;
    m_db->query("SELECT calendar, job_id, account, remote_id, at, counts FROM post_metrics "
                "WHERE calendar = ?1 ORDER BY at, job_id",
                SqlParams().add(calendar), [&](const SqlRow& row) {
                  PostSnapshot s{
                    row.text(0), row.text(1), row.text(2), row.text(3), time_point(row.integer(4)),
                    {}
                  };
                  const auto counts = nlohmann::json::parse(row.text(5), nullptr, false);
                  if (counts.is_object()) {
                    for (const auto& [name, value] : counts.items()) {
                      if (value.is_number_integer()) {
                        s.counts[name] = value.get<int64_t>();
                      }
                    }
                  }
                  out.push_back(std::move(s));
                });
    return out;
  }

  std::vector<FollowerSnapshot> follower_snapshots(const std::string& calendar) override
  {
    std::vector<FollowerSnapshot> out;
    m_db->query("SELECT calendar, account, platform, at, followers FROM account_metrics "
                "WHERE calendar = ?1 ORDER BY at, account",
                SqlParams().add(calendar), [&](const SqlRow& row) {
                  out.push_back({ row.text(0), row.text(1), row.text(2), time_point(row.integer(3)),
                                  row.integer(4) });
                });
    return out;
  }

private:
  std::unique_ptr<SqlConnection> m_db;
};

} // namespace

std::unique_ptr<MetricsStore>
open_sql_metrics_store(std::unique_ptr<SqlConnection> connection)
{
  return std::make_unique<SqlMetricsStore>(std::move(connection));
}

} // namespace herald::store
