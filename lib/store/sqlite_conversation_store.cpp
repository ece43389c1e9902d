// The engage tables (schema step 3) behind ConversationStore, on a connection of its own.
#include "conversation_store.hpp"
#include "sqlite_db.hpp"
#include "sqlite_store.hpp"

namespace herald::store {

namespace {

constexpr const char* k_columns = "id, account, platform, key, root_id, root_cid, snapshot, open, "
                                  "triage, triage_until, triage_mark, updated_at";

ConversationRecord
read_record(const Statement& st)
{
  ConversationRecord r;
  r.id = st.text(0);
  r.account = st.text(1);
  r.platform = st.text(2);
  r.key = st.text(3);
  r.root_id = st.text(4);
  r.root_cid = st.text(5);
  r.snapshot = st.text(6);
  r.open = st.integer(7) != 0;
  r.triage = st.text(8);
  r.triage_until = optional_time(st.optional_integer(9));
  r.triage_mark = optional_time(st.optional_integer(10));
  r.updated_at = time_point(st.integer(11));
  return r;
}

class SqliteConversationStore : public ConversationStore
{
public:
  explicit SqliteConversationStore(const std::filesystem::path& path)
    : m_db(path.string())
  {
    m_db.use_state_settings();
  }

  std::optional<std::string> cursor(std::string_view account) override
  {
    Statement st(m_db, "SELECT cursor FROM engage_cursors WHERE account = ?");
    st.bind(1, account);
    if (!st.step()) {
      return std::nullopt;
    }
    return st.text(0);
  }

  void set_cursor(std::string_view account, std::string_view cursor, std::string_view handle,
                  TimePoint at) override
  {
    Statement st(m_db, "INSERT OR REPLACE INTO engage_cursors(account, cursor, handle, "
                       "fetched_at) VALUES(?, ?, ?, ?)");
    st.bind(1, account).bind(2, cursor).bind(3, handle);
    st.bind(4, seconds(at));
    st.run();
  }

  std::vector<std::string> handles() override
  {
    Statement st(m_db, "SELECT DISTINCT handle FROM engage_cursors WHERE handle != ''");
    std::vector<std::string> out;
    while (st.step()) {
      out.push_back(st.text(0));
    }
    return out;
  }

  std::optional<ConversationRecord> find(std::string_view account, std::string_view key) override
  {
    auto found = select("WHERE account = ?1 AND key = ?2", account, key);
    if (found.empty()) {
      return std::nullopt;
    }
    return std::move(found.front());
  }

  std::vector<ConversationRecord> find_by_id(std::string_view prefix) override
  {
    // substr() rather than LIKE: an id is hex, but a typed prefix may hold '%' or '_'.
    return select("WHERE substr(id, 1, length(?1)) = ?1 ORDER BY id", prefix);
  }

  std::vector<ConversationRecord> list(bool open_only) override
  {
    return open_only ? select("WHERE open = 1 ORDER BY id") : select("ORDER BY id");
  }

  void put(const ConversationRecord& r) override
  {
    Statement st(m_db, (std::string("INSERT OR REPLACE INTO engage_conversations(") + k_columns +
                        ") VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                         .c_str());
    st.bind(1, r.id)
      .bind(2, r.account)
      .bind(3, r.platform)
      .bind(4, r.key)
      .bind(5, r.root_id)
      .bind(6, r.root_cid)
      .bind(7, r.snapshot)
      .bind(8, int64_t(r.open ? 1 : 0))
      .bind(9, r.triage)
      .bind(10, optional_seconds(r.triage_until))
      .bind(11, optional_seconds(r.triage_mark))
      .bind(12, seconds(r.updated_at));
    st.run();
  }

private:
  template<typename... Args>
  std::vector<ConversationRecord> select(const std::string& where, const Args&... args)
  {
    Statement st(
      m_db, (std::string("SELECT ") + k_columns + " FROM engage_conversations " + where).c_str());
    int index = 0;
    (st.bind(++index, std::string_view(args)), ...);
    std::vector<ConversationRecord> out;
    while (st.step()) {
      out.push_back(read_record(st));
    }
    return out;
  }

  SqliteDb m_db;
};

} // namespace

std::unique_ptr<ConversationStore>
open_sqlite_conversation_store(const std::filesystem::path& path)
{
  // Creates the file and runs every migration (the engage tables included) first.
  open_sqlite_store(path);
  return std::make_unique<SqliteConversationStore>(path);
}

} // namespace herald::store
