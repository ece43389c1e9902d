#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace herald::calendar {

// Why `id` cannot be a post id, or nothing when it can: letters, digits, '_', '.', ':' and '-'
// only ('/' and '@' separate the parts of a job id; control characters and spaces would reach
// terminals, logs and file names), with at least one letter or digit ("..", "-" name nothing).
// The message shows any byte outside printable ASCII as \xNN. Calendars and `herald post --id`
// both follow it.
std::optional<std::string> post_id_problem(std::string_view id);

} // namespace herald::calendar
