// SqlConnection on SQLite: the state file of one machine.
#include "sql_connection.hpp"
#include "sqlite_db.hpp"

#include "util/error.hpp"
#include "util/private_dir.hpp"

#include <fmt/core.h>

#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <memory>

namespace herald::store {

namespace {

namespace fs = std::filesystem;

class StatementRow : public SqlRow
{
public:
  explicit StatementRow(const Statement& st)
    : m_st(st)
  {
  }
  std::string text(int column) const override { return m_st.text(column); }
  int64_t integer(int column) const override { return m_st.integer(column); }
  std::optional<int64_t> optional_integer(int column) const override
  {
    return m_st.optional_integer(column);
  }

private:
  const Statement& m_st;
};

class SqliteConnection : public SqlConnection
{
public:
  explicit SqliteConnection(const std::string& path)
    : m_db(path)
  {
    m_db.use_state_settings();
  }

  SqlDialect dialect() const override { return SqlDialect::sqlite; }
  void begin_write() override { m_db.exec("BEGIN IMMEDIATE"); }
  void commit() override { m_db.exec("COMMIT"); }
  void rollback() override
  {
    if (!sqlite3_get_autocommit(m_db.handle())) {
      m_db.exec("ROLLBACK");
    }
  }
  void lock_writers(bool) override {}
  bool in_transaction() const override { return !sqlite3_get_autocommit(m_db.handle()); }
  void exec_script(const std::string& sql) override { m_db.exec(sql.c_str()); }

  void query(const std::string& sql, const SqlParams& params,
             const std::function<void(const SqlRow&)>& each) override
  {
    Statement& st = prepared(sql, params);
    try {
      const StatementRow row(st);
      while (st.step()) {
        each(row);
      }
    } catch (...) {
      st.reset();
      throw;
    }
    st.reset();
  }

  int64_t run(const std::string& sql, const SqlParams& params) override
  {
    Statement& st = prepared(sql, params);
    st.run();
    return m_db.changes();
  }

private:
  // Statements are prepared once per connection: a tick runs the same few many times.
  Statement& prepared(const std::string& sql, const SqlParams& params)
  {
    auto found = m_statements.find(sql);
    if (found == m_statements.end()) {
      found = m_statements.emplace(sql, std::make_unique<Statement>(m_db, sql.c_str())).first;
    }
    Statement& st = *found->second;
    int index = 0;
    for (const auto& value : params.values()) {
      ++index;
      if (const auto* text = std::get_if<std::string>(&value)) {
        st.bind(index, std::string_view(*text));
      } else if (const auto* number = std::get_if<int64_t>(&value)) {
        st.bind(index, *number);
      } else {
        st.bind_null(index);
      }
    }
    return st;
  }

  SqliteDb m_db;
  std::map<std::string, std::unique_ptr<Statement>, std::less<>> m_statements;
};

} // namespace

std::unique_ptr<SqlConnection>
open_sqlite_connection(const std::string& location)
{
  const fs::path path(location);
  std::error_code ec;
  // SQLite would say only "unable to open database file".
  if (!path.has_filename() || fs::is_directory(path, ec)) {
    throw Error(fmt::format("cannot open state {}: it names a directory; the state is a file (made "
                            "when missing, e.g. {}) or a postgresql:// URL",
                            location, (path / "state.db").lexically_normal().string()),
                ExitStatus::state);
  }
  if (path.has_parent_path()) {
    // The state names accounts and holds what was published: keep it to its owner.
    if (auto made = create_private_directories(path.parent_path()); !made) {
      throw Error(fmt::format("cannot open state {}: {}", location, made.error()),
                  ExitStatus::state);
    }
  }
  const mode_t old_mask = ::umask(077);
  try {
    auto connection = std::make_unique<SqliteConnection>(location);
    ::umask(old_mask);
    return connection;
  } catch (...) {
    ::umask(old_mask);
    throw;
  }
}

} // namespace herald::store
