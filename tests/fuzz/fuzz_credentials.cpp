// The credentials file (NAME=value lines, `export `, quotes, comments). Its errors name the file
// and line, never a value: every error must be one of the two known forms, where only a
// variable's name (letters, digits, '_') comes from the file.
#include "platforms/credentials_file.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <regex>
#include <string_view>

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  static const std::regex k_error_forms(
    "credentials:[0-9]+: (expected NAME=value|the value of [A-Za-z0-9_]+ is not valid UTF-8)");
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto credentials = herald::platforms::parse_credentials(text, "credentials");
  if (credentials) {
    for (const auto& [name, value] : *credentials) {
      if (name.empty() || text.find(name) == std::string_view::npos) {
        std::abort();
      }
    }
  } else if (!std::regex_match(credentials.error(), k_error_forms)) {
    std::abort();
  }
  return 0;
}
