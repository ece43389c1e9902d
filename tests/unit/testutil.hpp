#pragma once

#include "calendar/loader.hpp"
#include "util/diagnostics.hpp"

#include <filesystem>
#include <string>
#include <string_view>

namespace herald::test {

void set_scratch_root(const std::filesystem::path& root);

// Every diagnostic, one `to_string()` per line: a mismatch then shows the whole picture.
std::string all_messages(const Diagnostics& diagnostics);
std::string all_messages(const calendar::LoadResult& result);

// A fresh directory per test case (RAII: it becomes the current directory and is restored).
class TestDir
{
public:
  TestDir();
  ~TestDir();
  TestDir(const TestDir&) = delete;
  TestDir& operator=(const TestDir&) = delete;

  const std::filesystem::path& path() const { return m_path; }
  // Writes `content` to `name` (relative to the directory) and returns its full path.
  std::filesystem::path write(std::string_view name, std::string_view content) const;

private:
  std::filesystem::path m_path;
  std::filesystem::path m_previous_cwd;
};

} // namespace herald::test
