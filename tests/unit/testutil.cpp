#include "testutil.hpp"

#include <atomic>
#include <fstream>

namespace herald::test {

namespace {
std::filesystem::path g_scratch_root = std::filesystem::temp_directory_path();
std::atomic<int> g_counter{ 0 };
} // namespace

std::string
all_messages(const Diagnostics& diagnostics)
{
  std::string out;
  for (const auto& diagnostic : diagnostics.all()) {
    out += diagnostic.to_string() + "\n";
  }
  return out;
}

std::string
all_messages(const calendar::LoadResult& result)
{
  return all_messages(result.diagnostics);
}

void
set_scratch_root(const std::filesystem::path& root)
{
  g_scratch_root = root;
}

TestDir::TestDir()
  : m_path(g_scratch_root / ("case-" + std::to_string(++g_counter)))
  , m_previous_cwd(std::filesystem::current_path())
{
  std::filesystem::create_directories(m_path);
  std::filesystem::current_path(m_path);
}

TestDir::~TestDir()
{
  std::filesystem::current_path(m_previous_cwd);
}

std::filesystem::path
TestDir::write(std::string_view name, std::string_view content) const
{
  const auto file = m_path / name;
  std::filesystem::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary);
  out << content;
  return file;
}

} // namespace herald::test
