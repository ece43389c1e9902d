#pragma once

#include "util/expected.hpp"

#include <cstddef>
#include <filesystem>
#include <string>

namespace herald::calendar {

struct ReadFailure
{
  enum class Kind
  {
    unreadable,
    too_big
  };
  Kind kind = Kind::unreadable;
  // unreadable: the system's reason ("No such file or directory"); too_big: the whole message.
  std::string message;
};

// Reads a calendar file, refusing before reading anything when it is larger than `max_bytes`
// (and, for pipes and other files without a size, as soon as more than that has arrived).
Result<std::string, ReadFailure> read_source_text(const std::filesystem::path& path,
                                                  size_t max_bytes);

} // namespace herald::calendar
