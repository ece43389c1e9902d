// The web-analytics export that `herald report --clicks FILE` reads: RFC 4180 CSV, then the
// click table (header names in any order and case, counts with thousands separators).
#include "report/clicks.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)herald::report::parse_csv(text);
  (void)herald::report::parse_clicks(text, "clicks.csv");
  return 0;
}
