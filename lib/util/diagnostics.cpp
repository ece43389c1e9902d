#include "diagnostics.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <tuple>

namespace herald {

std::string
Diagnostic::location() const
{
  std::string where;
  if (!pos.file.empty()) {
    where = pos.file + ":";
    if (pos.line > 0) {
      where += fmt::format("{}:", pos.line);
      if (pos.column > 0) {
        where += fmt::format("{}:", pos.column);
      }
    }
    where += " ";
  }
  return where;
}

std::string_view
Diagnostic::severity_word() const
{
  return severity == Severity::error ? "error" : "warning";
}

std::string
Diagnostic::to_string() const
{
  return fmt::format("{}{}: {}", location(), severity_word(), message);
}

void
Diagnostics::error(SourcePos pos, std::string message)
{
  m_items.push_back({ std::move(pos), Severity::error, std::move(message), {} });
}

void
Diagnostics::warning(SourcePos pos, std::string message)
{
  m_items.push_back({ std::move(pos), Severity::warning, std::move(message), {} });
}

void
Diagnostics::add(Diagnostic diagnostic)
{
  m_items.push_back(std::move(diagnostic));
}

void
Diagnostics::unset_secret(SourcePos pos, std::string account, std::string message)
{
  m_items.push_back({ std::move(pos), Severity::error, std::move(message), std::move(account) });
}

std::vector<Diagnostic>
Diagnostics::drop_unset_secrets(const std::set<std::string>& used)
{
  std::vector<Diagnostic> dropped;
  std::vector<Diagnostic> kept;
  for (auto& d : m_items) {
    if (!d.unset_secret_of.empty() && !used.contains(d.unset_secret_of)) {
      dropped.push_back(std::move(d));
    } else {
      kept.push_back(std::move(d));
    }
  }
  m_items = std::move(kept);
  return dropped;
}

bool
Diagnostics::has_errors() const
{
  return error_count() > 0;
}

size_t
Diagnostics::error_count() const
{
  return static_cast<size_t>(std::count_if(
    m_items.begin(), m_items.end(), [](const auto& d) { return d.severity == Severity::error; }));
}

void
Diagnostics::sort()
{
  std::stable_sort(m_items.begin(), m_items.end(), [](const auto& a, const auto& b) {
    return std::tie(a.pos.file, a.pos.line, a.pos.column) <
           std::tie(b.pos.file, b.pos.line, b.pos.column);
  });
}

} // namespace herald
