#pragma once

// The form checks of a post's long-form keys, shared by the calendar and `herald post`.

#include <optional>
#include <string>
#include <string_view>

namespace herald::calendar {

// Why `value` cannot be a title or a series name (empty, several lines, not UTF-8), or nothing.
std::optional<std::string> line_problem(std::string_view value);

// Whether `value` is an absolute http or https URL with a host and no white space.
bool is_web_url(std::string_view value);

} // namespace herald::calendar
