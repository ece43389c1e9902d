// The engage tables (schema step 2) behind ConversationStore, on either backend.
#include "schema.hpp"
#include "sql_store.hpp"

namespace herald::store {

namespace {

constexpr const char* k_columns = "id, account, platform, key, root_id, root_cid, snapshot, open, "
                                  "triage, triage_until, triage_mark, updated_at";

ConversationRecord
read_record(const SqlRow& row)
{
  ConversationRecord r;
  r.id = row.text(0);
  r.account = row.text(1);
  r.platform = row.text(2);
  r.key = row.text(3);
  r.root_id = row.text(4);
  r.root_cid = row.text(5);
  r.snapshot = row.text(6);
  r.open = row.integer(7) != 0;
  r.triage = row.text(8);
  r.triage_until = optional_time(row.optional_integer(9));
  r.triage_mark = optional_time(row.optional_integer(10));
  r.updated_at = time_point(row.integer(11));
  return r;
}

class SqlConversationStore : public ConversationStore
{
public:
  explicit SqlConversationStore(std::unique_ptr<SqlConnection> db)
    : m_db(std::move(db))
  {
    migrate(*m_db);
  }

  std::optional<std::string> cursor(std::string_view account) override
  {
    std::optional<std::string> found;
    m_db->query("SELECT cursor FROM engage_cursors WHERE account = ?1", SqlParams().add(account),
                [&](const SqlRow& row) { found = row.text(0); });
    return found;
  }

  void set_cursor(std::string_view account, std::string_view cursor, std::string_view handle,
                  TimePoint at) override
  {
    m_db->run("INSERT INTO engage_cursors(account, cursor, handle, fetched_at) "
              "VALUES(?1, ?2, ?3, ?4) ON CONFLICT(account) DO UPDATE SET cursor = excluded.cursor, "
              "handle = excluded.handle, fetched_at = excluded.fetched_at",
              SqlParams().add(account).add(cursor).add(handle).add(seconds(at)));
  }

  std::vector<std::string> handles() override
  {
    std::vector<std::string> out;
    m_db->query("SELECT DISTINCT handle FROM engage_cursors WHERE handle != '' ORDER BY handle", {},
                [&](const SqlRow& row) { out.push_back(row.text(0)); });
    return out;
  }

  std::optional<ConversationRecord> find(std::string_view account, std::string_view key) override
  {
    auto found = select("WHERE account = ?1 AND key = ?2", SqlParams().add(account).add(key));
    if (found.empty()) {
      return std::nullopt;
    }
    return std::move(found.front());
  }

  std::vector<ConversationRecord> find_by_id(std::string_view prefix) override
  {
    // substr() rather than LIKE: an id is hex, but a typed prefix may hold '%' or '_'.
    return select("WHERE substr(id, 1, length(?1)) = ?1 ORDER BY id", SqlParams().add(prefix));
  }

  std::vector<ConversationRecord> list(bool open_only) override
  {
    return open_only ? select("WHERE open = 1 ORDER BY id", {}) : select("ORDER BY id", {});
  }

  void put(const ConversationRecord& r) override
  {
    // SQLite's REPLACE also drops another row with the same (account, key); PostgreSQL has no
    // such shorthand, so it is spelt out.
    if (m_db->dialect() == SqlDialect::postgresql) {
      m_db->run("DELETE FROM engage_conversations WHERE account = ?1 AND key = ?2 AND id != ?3",
                SqlParams().add(r.account).add(r.key).add(r.id));
    }
    const char* verb = m_db->dialect() == SqlDialect::sqlite ? "INSERT OR REPLACE" : "INSERT";
    const char* on_conflict =
      m_db->dialect() == SqlDialect::sqlite
        ? ""
        : " ON CONFLICT(id) DO UPDATE SET account = excluded.account, platform = "
          "excluded.platform, key = excluded.key, root_id = excluded.root_id, root_cid = "
          "excluded.root_cid, snapshot = excluded.snapshot, open = excluded.open, triage = "
          "excluded.triage, triage_until = excluded.triage_until, triage_mark = "
          "excluded.triage_mark, updated_at = excluded.updated_at";
    m_db->run(std::string(verb) + " INTO engage_conversations(" + k_columns +
                ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)" + on_conflict,
              SqlParams()
                .add(r.id)
                .add(r.account)
                .add(r.platform)
                .add(r.key)
                .add(r.root_id)
                .add(r.root_cid)
                .add(r.snapshot)
                .add(int64_t(r.open ? 1 : 0))
                .add(r.triage)
                .add(optional_seconds(r.triage_until))
                .add(optional_seconds(r.triage_mark))
                .add(seconds(r.updated_at)));
  }

private:
  std::vector<ConversationRecord> select(const std::string& where, const SqlParams& params)
  {
    std::vector<ConversationRecord> out;
    m_db->query(std::string("SELECT ") + k_columns + " FROM engage_conversations " + where, params,
                [&](const SqlRow& row) { out.push_back(read_record(row)); });
    return out;
  }

  std::unique_ptr<SqlConnection> m_db;
};

} // namespace

std::unique_ptr<ConversationStore>
open_sql_conversation_store(std::unique_ptr<SqlConnection> connection)
{
  return std::make_unique<SqlConversationStore>(std::move(connection));
}

} // namespace herald::store
