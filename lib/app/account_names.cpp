#include "account_names.hpp"

#include "calendar/loader.hpp"

namespace herald::app {

AccountNames
account_names(const std::filesystem::path& calendar, size_t max_bytes)
{
  calendar::LoadOptions options;
  options.max_bytes = max_bytes;
  options.check_media = false;
  auto loaded = calendar::load_calendar(calendar, options);
  AccountNames result;
  result.diagnostics = std::move(loaded.diagnostics);
  if (loaded.calendar) {
    std::vector<std::string> names;
    for (const auto& [name, account] : loaded.calendar->accounts) {
      names.push_back(name);
    }
    result.names = std::move(names);
  }
  return result;
}

} // namespace herald::app
