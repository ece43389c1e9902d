// The calendar loader as `herald validate` runs it: YAML to the model with the real size, depth
// and node limits, every check of posts, accounts (through the platforms), lengths and media.
// The input is written to a file, because loading starts from a path (includes are relative).
#include "app/tick.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

std::filesystem::path
calendar_file()
{
  static const std::filesystem::path file = [] {
    std::string dir = (std::filesystem::temp_directory_path() / "herald-fuzz-XXXXXX").string();
    if (!::mkdtemp(dir.data())) {
      std::abort();
    }
    return std::filesystem::path(dir) / "herald.yaml";
  }();
  return file;
}

} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  const auto file = calendar_file();
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  const auto loaded = herald::app::load_checked(file, {});
  for (const auto& diagnostic : loaded.diagnostics.all()) {
    (void)diagnostic.to_string();
  }
  return 0;
}
