#pragma once

#include <string>
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

  // "file:line:col: error: message" (the parts that are known).
  std::string to_string() const;
};

// Collects every problem of a phase so that the user sees them all at once (mold's Error(ctx)
// idea); the caller decides at the phase boundary whether to go on.
class Diagnostics
{
public:
  void error(SourcePos pos, std::string message);
  void warning(SourcePos pos, std::string message);
  void add(Diagnostic diagnostic);

  bool has_errors() const;
  size_t error_count() const;
  const std::vector<Diagnostic>& all() const { return m_items; }

  // Orders by file, line, column, keeping insertion order for ties.
  void sort();

private:
  std::vector<Diagnostic> m_items;
};

} // namespace herald
