#include "calendar_key.hpp"

#include "tick.hpp"

#include "calendar/identity.hpp"
#include "calendar/loader.hpp"

namespace herald::app {

namespace fs = std::filesystem;

std::string
stored_calendar_key(store::Store& store, const fs::path& calendar)
{
  const fs::path main_file = fs::absolute(calendar).lexically_normal();
  if (const auto record = store.find_calendar_by_path(main_file.string())) {
    return record->key;
  }
  std::error_code ec;
  if (!fs::exists(main_file, ec)) {
    return calendar::calendar_identity("", main_file);
  }
  calendar::LoadOptions options;
  options.check_media = false;
  const auto loaded = calendar::load_calendar(main_file, options);
  return calendar::calendar_identity(loaded.calendar ? loaded.calendar->name : "", main_file);
}

std::vector<std::string>
stored_calendar_keys(store::Store& store, const fs::path& calendar)
{
  std::string key = stored_calendar_key(store, calendar);
  std::string one_off = one_off_key(key);
  return { std::move(key), std::move(one_off) };
}

} // namespace herald::app
