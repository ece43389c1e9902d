// SqlConnection on PostgreSQL through libpq: one queue shared by several hosts.
#include "pq_api.hpp"
#include "sql_connection.hpp"

#include "util/error.hpp"

#include <fmt/core.h>

#include <charconv>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>

namespace herald::store {

namespace {

// The key of herald's writer lock (pg_advisory_xact_lock): "herald" + 2.
constexpr int64_t k_writer_lock = 0x68657261'6c640002;

std::string
trimmed(const char* message)
{
  std::string text = message ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  return text.empty() ? "unknown error" : text;
}

// `?N` (SQLite's numbered parameter) becomes `$N`; a bare `?` takes the next number.
std::string
postgresql_placeholders(const std::string& sql)
{
  std::string out;
  out.reserve(sql.size());
  int next = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    if (sql[i] != '?') {
      out += sql[i];
      continue;
    }
    out += '$';
    if (i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
      continue;
    }
    out += std::to_string(++next);
  }
  return out;
}

// The URL without herald's own `password_env` parameter (libpq refuses parameters it does not
// know), and the name of the variable that parameter gave.
std::pair<std::string, std::string>
split_password_env(const std::string& url)
{
  const auto question = url.find('?');
  if (question == std::string::npos) {
    return { url, "" };
  }
  std::string kept;
  std::string variable;
  size_t start = question + 1;
  while (start <= url.size()) {
    size_t end = url.find('&', start);
    if (end == std::string::npos) {
      end = url.size();
    }
    const std::string pair = url.substr(start, end - start);
    if (pair.rfind("password_env=", 0) == 0) {
      variable = pair.substr(13);
    } else if (!pair.empty()) {
      kept += (kept.empty() ? "" : "&") + pair;
    }
    start = end + 1;
  }
  return { url.substr(0, question) + (kept.empty() ? "" : "?" + kept), variable };
}

class ResultRow : public SqlRow
{
public:
  ResultRow(const PGresult* result, int row)
    : m_result(result)
    , m_row(row)
  {
  }
  std::string text(int column) const override
  {
    return std::string(pq_api().getvalue(m_result, m_row, column),
                       static_cast<size_t>(pq_api().getlength(m_result, m_row, column)));
  }
  int64_t integer(int column) const override { return optional_integer(column).value_or(0); }
  std::optional<int64_t> optional_integer(int column) const override
  {
    if (pq_api().getisnull(m_result, m_row, column)) {
      return std::nullopt;
    }
    const char* value = pq_api().getvalue(m_result, m_row, column);
    const char* end = value + pq_api().getlength(m_result, m_row, column);
    int64_t number = 0;
    std::from_chars(value, end, number);
    return number;
  }

private:
  const PGresult* m_result;
  int m_row;
};

struct ClearResult
{
  void operator()(PGresult* result) const { pq_api().clear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ClearResult>;

class PgConnection : public SqlConnection
{
public:
  explicit PgConnection(const std::string& url)
    : m_display(redact_location(url))
  {
    auto [location, variable] = split_password_env(url);
    std::string password;
    if (!variable.empty()) {
      const char* value = std::getenv(variable.c_str());
      if (!value || !*value) {
        throw Error(
          fmt::format("state {}: password_env names {}, which is not set", m_display, variable),
          ExitStatus::state);
      }
      password = value;
    }
    // Later keywords override what the URL (expanded from dbname) says; earlier ones are
    // defaults it may override.
    std::vector<const char*> keys{ "connect_timeout", "fallback_application_name", "dbname" };
    std::vector<const char*> values{ "10", "herald", location.c_str() };
    if (!password.empty()) {
      keys.push_back("password");
      values.push_back(password.c_str());
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
    m_conn = pq_api().connectdb_params(keys.data(), values.data(), 1);
    if (!m_conn || pq_api().status(m_conn) != CONNECTION_OK) {
      const std::string reason = trimmed(m_conn ? pq_api().error_message(m_conn) : "out of memory");
      pq_api().finish(m_conn);
      m_conn = nullptr;
      throw Error(fmt::format("cannot connect to the state {}: {}", m_display, reason),
                  ExitStatus::state);
    }
    // Notices (e.g. "relation already exists, skipping") are not herald's output.
    pq_api().set_notice_processor(
      m_conn, [](void*, const char*) {}, nullptr);
  }

  ~PgConnection() override { pq_api().finish(m_conn); }
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  SqlDialect dialect() const override { return SqlDialect::postgresql; }

  void begin_write() override
  {
    // Whatever the database's default: the conditional updates and the writer lock are what
    // keep runners apart, and they are written for READ COMMITTED (a statement sees what was
    // committed before it, and a waiting UPDATE re-checks its row).
    exec_script("BEGIN ISOLATION LEVEL READ COMMITTED");
    m_in_transaction = true;
    m_writers_lock = Lock::none;
  }

  void commit() override
  {
    // Never on a new connection: COMMIT there would succeed with nothing to commit.
    ResultPtr result(pq_api().exec(m_conn, "COMMIT"));
    m_in_transaction = false;
    check(result.get(), "cannot commit");
  }

  void rollback() override
  {
    if (!m_in_transaction) {
      return;
    }
    m_in_transaction = false;
    if (pq_api().status(m_conn) == CONNECTION_OK) {
      ResultPtr ignored(pq_api().exec(m_conn, "ROLLBACK"));
    }
  }

  void lock_writers(bool shared) override
  {
    if (!m_in_transaction || m_writers_lock == Lock::exclusive ||
        (shared && m_writers_lock == Lock::shared)) {
      return;
    }
    exec_script(
      fmt::format("SELECT pg_advisory_xact_lock{}({})", shared ? "_shared" : "", k_writer_lock));
    m_writers_lock = shared ? Lock::shared : Lock::exclusive;
  }

  bool in_transaction() const override { return m_in_transaction; }

  void exec_script(const std::string& sql) override
  {
    retrying_once([&] {
      ResultPtr result(pq_api().exec(m_conn, sql.c_str()));
      check(result.get(), "a statement failed");
    });
  }

  void query(const std::string& sql, const SqlParams& params,
             const std::function<void(const SqlRow&)>& each) override
  {
    auto result = execute(sql, params);
    const int rows = pq_api().ntuples(result.get());
    for (int row = 0; row < rows; ++row) {
      each(ResultRow(result.get(), row));
    }
  }

  int64_t run(const std::string& sql, const SqlParams& params) override
  {
    auto result = execute(sql, params);
    const char* count = pq_api().cmd_tuples(result.get());
    int64_t changed = 0;
    std::from_chars(count, count + std::char_traits<char>::length(count), changed);
    return changed;
  }

private:
  // A server restart breaks the connection; outside a transaction nothing is lost by opening
  // it again, so a long-lived connection (the daemon's) carries on. Inside one, the error
  // stands: the transaction is gone and the caller rolls back.
  void reconnect_if_lost()
  {
    if (pq_api().status(m_conn) == CONNECTION_OK || m_in_transaction) {
      return;
    }
    pq_api().reset(m_conn);
    m_prepared.clear();
    if (pq_api().status(m_conn) != CONNECTION_OK) {
      throw Error(fmt::format("cannot connect to the state {}: {}", m_display,
                              trimmed(pq_api().error_message(m_conn))),
                  ExitStatus::state);
    }
  }

  // Runs `body`; when the connection turns out to be lost (the server restarted) outside a
  // transaction, connects again and runs it once more.
  template<typename Body>
  void retrying_once(Body&& body)
  {
    reconnect_if_lost();
    try {
      body();
    } catch (const Error&) {
      if (pq_api().status(m_conn) == CONNECTION_OK || m_in_transaction) {
        throw;
      }
      reconnect_if_lost();
      body();
    }
  }

  ResultPtr execute(const std::string& sql, const SqlParams& params)
  {
    ResultPtr result;
    retrying_once([&] { result = execute_once(sql, params); });
    return result;
  }

  ResultPtr execute_once(const std::string& sql, const SqlParams& params)
  {
    std::vector<std::string> texts;
    texts.reserve(params.values().size());
    std::vector<const char*> values;
    values.reserve(params.values().size());
    for (const auto& value : params.values()) {
      if (const auto* text = std::get_if<std::string>(&value)) {
        values.push_back(text->c_str());
      } else if (const auto* number = std::get_if<int64_t>(&value)) {
        texts.push_back(std::to_string(*number));
        values.push_back(nullptr); // filled below: `texts` may still move
      } else {
        values.push_back(nullptr);
      }
    }
    size_t next_text = 0;
    for (size_t i = 0; i < values.size(); ++i) {
      if (std::holds_alternative<int64_t>(params.values()[i])) {
        values[i] = texts[next_text++].c_str();
      }
    }
    const int count = static_cast<int>(values.size());
    // A statement is prepared (server-side, like SQLite's) when it runs a second time: a cron
    // tick runs most of its statements once, and preparing them would cost a round trip each.
    const bool again = !m_seen.insert(sql).second;
    ResultPtr result(again
                       ? pq_api().exec_prepared(m_conn, prepared(sql).c_str(), count, values.data(),
                                                nullptr, nullptr, 0)
                       : pq_api().exec_params(m_conn, postgresql_placeholders(sql).c_str(), count,
                                              nullptr, values.data(), nullptr, nullptr, 0));
    check(result.get(), "a query failed");
    return result;
  }

  const std::string& prepared(const std::string& sql)
  {
    if (auto found = m_prepared.find(sql); found != m_prepared.end()) {
      return found->second;
    }
    std::string name = fmt::format("herald_{}", m_prepared.size() + 1);
    ResultPtr result(
      pq_api().prepare(m_conn, name.c_str(), postgresql_placeholders(sql).c_str(), 0, nullptr));
    check(result.get(), "cannot prepare a query");
    return m_prepared.emplace(sql, std::move(name)).first->second;
  }

  void check(const PGresult* result, std::string_view what)
  {
    const auto status = result ? pq_api().result_status(result) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
      return;
    }
    const std::string reason =
      trimmed(result ? pq_api().result_error_message(result) : pq_api().error_message(m_conn));
    throw Error(fmt::format("state {}: {}: {}", m_display, what, reason), ExitStatus::state);
  }

  std::string m_display;
  PGconn* m_conn = nullptr;
  bool m_in_transaction = false;
  enum class Lock
  {
    none,
    shared,
    exclusive
  };
  Lock m_writers_lock = Lock::none;
  std::map<std::string, std::string, std::less<>> m_prepared;
  std::set<std::string, std::less<>> m_seen;
};

} // namespace

std::string
redact_location(const std::string& url)
{
  std::string out = url;
  // scheme://user:password@host -> scheme://user:***@host
  if (const auto scheme = out.find("://"); scheme != std::string::npos) {
    const size_t authority = scheme + 3;
    const auto at = out.find('@', authority);
    const auto slash = out.find('/', authority);
    if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
      if (const auto colon = out.find(':', authority); colon != std::string::npos && colon < at) {
        out.replace(colon + 1, at - colon - 1, "***");
      }
    }
  }
  // ?password=... -> ?password=***
  for (size_t at = out.find("password="); at != std::string::npos;
       at = out.find("password=", at + 1)) {
    if (at == 0 || (out[at - 1] != '?' && out[at - 1] != '&')) {
      continue;
    }
    const size_t start = at + 9;
    size_t end = out.find('&', start);
    if (end == std::string::npos) {
      end = out.size();
    }
    out.replace(start, end - start, "***");
  }
  return out;
}

std::unique_ptr<SqlConnection>
open_postgresql_connection(const std::string& url)
{
  return std::make_unique<PgConnection>(url);
}

} // namespace herald::store
