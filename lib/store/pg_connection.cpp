// SqlConnection on PostgreSQL through libpq: one queue shared by several hosts.
#include "pq_api.hpp"
#include "sql_connection.hpp"

#include "util/error.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>

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

// A statement's parameters as libpq takes them: text, or NULL.
class BoundParams
{
public:
  explicit BoundParams(const SqlParams& params)
  {
    m_texts.reserve(params.values().size());
    for (const auto& value : params.values()) {
      if (const auto* text = std::get_if<std::string>(&value)) {
        m_texts.push_back(*text);
      } else if (const auto* number = std::get_if<int64_t>(&value)) {
        m_texts.push_back(std::to_string(*number));
      } else {
        m_texts.emplace_back();
      }
      m_null.push_back(std::holds_alternative<std::nullptr_t>(value));
    }
    for (size_t i = 0; i < m_texts.size(); ++i) {
      m_values.push_back(m_null[i] ? nullptr : m_texts[i].c_str());
    }
  }
  BoundParams(BoundParams&&) = default;
  int count() const { return static_cast<int>(m_values.size()); }
  const char* const* values() const { return m_values.data(); }

private:
  std::vector<std::string> m_texts;
  std::vector<bool> m_null;
  std::vector<const char*> m_values;
};

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

  std::vector<int64_t> run_batch(const std::vector<SqlStatement>& batch) override
  {
    if (batch.size() < 2) {
      return SqlConnection::run_batch(batch);
    }
    std::vector<int64_t> changed;
    retrying_once([&] { changed = run_pipelined(batch); });
    return changed;
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
    const BoundParams bound(params);
    // A statement is prepared (server-side, like SQLite's) when it runs a third time: a cron
    // tick runs most of its statements once or twice, and preparing them would cost a round
    // trip each.
    const bool prepare = m_prepared.count(sql) || ++m_runs[sql] > 2;
    ResultPtr result(prepare ? pq_api().exec_prepared(m_conn, prepared(sql).c_str(), bound.count(),
                                                      bound.values(), nullptr, nullptr, 0)
                             : pq_api().exec_params(m_conn, postgresql_placeholders(sql).c_str(),
                                                    bound.count(), nullptr, bound.values(), nullptr,
                                                    nullptr, 0));
    check(result.get(), "a query failed");
    return result;
  }

  // Pipeline mode: every statement (and the preparing of each new one) is sent, then every
  // answer read. A batch of small updates cannot fill the socket buffers both ways, so the
  // connection stays in blocking mode.
  std::vector<int64_t> run_pipelined(const std::vector<SqlStatement>& batch)
  {
    // What each answer is for: a prepare (its name) or a statement (empty).
    std::vector<std::string> answers;
    std::vector<BoundParams> bound;
    bound.reserve(batch.size());
    bool sent = pq_api().enter_pipeline_mode(m_conn) == 1;
    for (const auto& statement : batch) {
      std::string name;
      if (auto found = m_prepared.find(statement.sql); found != m_prepared.end()) {
        name = found->second;
      } else if (std::find(answers.begin(), answers.end(), statement.sql) == answers.end()) {
        name = fmt::format("herald_{}", ++m_names);
        sent = sent && pq_api().send_prepare(m_conn, name.c_str(),
                                             postgresql_placeholders(statement.sql).c_str(), 0,
                                             nullptr) == 1;
        m_prepared.emplace(statement.sql, name);
        answers.push_back(statement.sql);
      } else {
        name = m_prepared.at(statement.sql);
      }
      const auto& params = bound.emplace_back(statement.params);
      sent = sent && pq_api().send_query_prepared(m_conn, name.c_str(), params.count(),
                                                  params.values(), nullptr, nullptr, 0) == 1;
      answers.emplace_back();
    }
    sent = sent && pq_api().pipeline_sync(m_conn) == 1;

    // Every answer up to the sync is read, whatever failed: only then does the connection
    // leave pipeline mode. The first failure is the one reported.
    std::vector<int64_t> changed;
    changed.reserve(batch.size());
    std::optional<std::string> failure;
    size_t answer = 0;
    bool synced = false;
    while (sent && !synced && pq_api().status(m_conn) == CONNECTION_OK) {
      ResultPtr result(pq_api().get_result(m_conn));
      if (!result) {
        continue; // the end of one answer
      }
      const auto status = pq_api().result_status(result.get());
      if (status == PGRES_PIPELINE_SYNC) {
        synced = true;
        continue;
      }
      const std::string& prepared_sql = answer < answers.size() ? answers[answer] : "";
      ++answer;
      if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        if (!failure && status != PGRES_PIPELINE_ABORTED) {
          failure = trimmed(pq_api().result_error_message(result.get()));
        }
        if (!prepared_sql.empty()) {
          m_prepared.erase(prepared_sql); // it never was
        }
      } else if (prepared_sql.empty()) {
        const char* count = pq_api().cmd_tuples(result.get());
        int64_t rows = 0;
        std::from_chars(count, count + std::char_traits<char>::length(count), rows);
        changed.push_back(rows);
      }
    }
    if (synced) {
      pq_api().exit_pipeline_mode(m_conn);
    } else {
      failure = failure.value_or(trimmed(pq_api().error_message(m_conn)));
    }
    if (failure || changed.size() != batch.size()) {
      throw Error(fmt::format("state {}: a batch of statements failed: {}", m_display,
                              failure.value_or("the server's answers did not match")),
                  ExitStatus::state);
    }
    return changed;
  }

  const std::string& prepared(const std::string& sql)
  {
    if (auto found = m_prepared.find(sql); found != m_prepared.end()) {
      return found->second;
    }
    std::string name = fmt::format("herald_{}", ++m_names);
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
  std::map<std::string, int, std::less<>> m_runs; // times each unprepared statement ran
  int m_names = 0;                                // prepared statements named so far
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
