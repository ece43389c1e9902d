// SqlConnection on SQLite: the state file of one machine.
#include "sql_connection.hpp"
#include "sqlite_db.hpp"

#include "util/error.hpp"
#include "util/private_dir.hpp"

#include <fmt/core.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <map>
#include <memory>
#include <system_error>

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
  SqliteConnection(const std::string& path, int flags, const std::string& uri)
    : m_db(path, flags, uri)
  {
    if (flags & SQLITE_OPEN_READONLY) {
      m_db.use_reader_settings();
    } else {
      m_db.use_state_settings();
    }
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

// Creates the state file, owner-only, unless it exists: its mode is set here, explicitly, so no
// process-wide umask has to change while other threads create files of their own.
void
create_private_file(const std::string& location)
{
  const int fd =
    ::open(location.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      return; // SQLite opens what is there, or says why it cannot
    }
    throw Error(
      fmt::format("cannot create state {}: {}", location, std::generic_category().message(errno)),
      ExitStatus::state);
  }
  const bool set = ::fchmod(fd, 0600) == 0; // an umask such as 0277 must not leave it read-only
  const int error = errno;
  ::close(fd);
  if (!set) {
    throw Error(
      fmt::format("cannot create state {}: {}", location, std::generic_category().message(error)),
      ExitStatus::state);
  }
}

// `path` as a file: URI that opens it read-only without the WAL's shared-memory file.
std::string
immutable_uri(const fs::path& path)
{
  std::string uri = "file:";
  for (const char c : fs::absolute(path).lexically_normal().string()) {
    const auto byte = static_cast<unsigned char>(c);
    const bool plain = (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') ||
                       (byte >= '0' && byte <= '9') || c == '/' || c == '-' || c == '_' ||
                       c == '.' || c == '~';
    uri += plain ? std::string(1, c) : fmt::format("%{:02X}", byte);
  }
  return uri + "?immutable=1";
}

} // namespace

std::unique_ptr<SqlConnection>
open_sqlite_connection(const std::string& location, StateAccess access)
{
  const fs::path path(location);
  std::error_code ec;
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  const bool dir_writable = ::access(dir.c_str(), W_OK) == 0;
  // A reader that could write opens the state as a writer does, so that closing it empties
  // the log into the main file as usual (a read-only connection cannot).
  if (access == StateAccess::read_only &&
      !(dir_writable && ::access(location.c_str(), R_OK | W_OK) == 0)) {
    const std::string shm = location + "-shm";
    std::string uri;
    if (!dir_writable && ::access(shm.c_str(), R_OK | W_OK) != 0) {
      uri = immutable_uri(path);
    }
    return std::make_unique<SqliteConnection>(
      location, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | (uri.empty() ? 0 : SQLITE_OPEN_URI),
      uri);
  }
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
  if (location != ":memory:") {
    create_private_file(location);
  }
  return std::make_unique<SqliteConnection>(
    location, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, std::string());
}

} // namespace herald::store
