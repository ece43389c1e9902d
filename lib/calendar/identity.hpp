#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace herald::calendar {

struct Calendar;

// The identity of a calendar in the state, which every job id, idempotency key and Bluesky
// record key derives from. It must be the same on every host and CI runner that shares the
// calendar, wherever the file sits there:
//   "name:NAME"                          the calendar's `name:`, when it has one;
//   "git:HOST/PATH:RELATIVE/FILE"        the main file inside a git work tree whose `origin`
//                                        remote has a host (credentials in the URL left out);
//   the main file's absolute path        otherwise: one host only, as before.
std::string calendar_identity(const Calendar& calendar);
std::string calendar_identity(std::string_view name, const std::filesystem::path& main_file);

// "github.com/acme/site" for https://user:token@github.com/acme/site.git,
// git@github.com:acme/site.git, ssh://git@github.com:22/acme/site/ and the like; nothing for a
// remote without a host (a local path, file://), which names no place other hosts share.
std::optional<std::string> normalized_remote(std::string_view url);

// The `url` of `[remote "origin"]` in a git config file's text, if any.
std::optional<std::string> origin_url(std::string_view config_text);

} // namespace herald::calendar
