#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace herald {

// A place in a source file; line and column are 1-based, 0 means "unknown".
struct SourcePos
{
  std::string file;
  int line = 0;
  int column = 0;
};

enum class Severity
{
  error,
  warning
};

struct Diagnostic
{
  SourcePos pos;
  Severity severity = Severity::error;
  std::string message;
  // The account, when all this error says is that a secret of that account (a variable its
  // settings name) is not set in this environment. Only a command that uses the account needs
  // it set; see Diagnostics::drop_unset_secrets.
  std::string unset_secret_of;

  // "file:line:col: error: message" (the parts that are known).
  std::string to_string() const;
  // "file:line:col: " (the parts that are known; empty without a file), what to_string() starts
  // with; and "error" or "warning", the word after it.
  std::string location() const;
  std::string_view severity_word() const;
};

// Collects every problem of a phase so that the user sees them all at once (mold's Error(ctx)
// idea); the caller decides at the phase boundary whether to go on.
class Diagnostics
{
public:
  void error(SourcePos pos, std::string message);
  void warning(SourcePos pos, std::string message);
  void add(Diagnostic diagnostic);
  // An error that only says that a secret of `account` is not set in this environment.
  void unset_secret(SourcePos pos, std::string account, std::string message);

  // Removes the unset-secret errors of every account that is not in `used`, and returns them
  // in their order: a command needs the secrets of the accounts it touches only (validate keeps
  // them all; plan uses none). Every other diagnostic stays.
  std::vector<Diagnostic> drop_unset_secrets(const std::set<std::string>& used = {});

  bool has_errors() const;
  size_t error_count() const;
  const std::vector<Diagnostic>& all() const { return m_items; }

  // Orders by file, line, column, keeping insertion order for ties.
  void sort();

private:
  std::vector<Diagnostic> m_items;
};

} // namespace herald
