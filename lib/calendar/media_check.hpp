#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Which files a post may publish as media: any readable file would do otherwise (a calendar
// that names ~/.ssh/id_ed25519.png, or a symlink to it). Used by the loader for `media:` and by
// `herald post` for --media.
namespace herald::calendar {

// A directory media may come from, and how messages name it ("the calendar's directory").
struct MediaRoot
{
  std::filesystem::path dir; // absolute
  std::string label;
};

// Why the media file `written` (as the user wrote it), at the absolute, lexically normal `path`,
// may not be published, or nothing: it must be a regular file whose real path (symlinks
// resolved) lies inside one of `roots`, and whose first bytes are media of the type its
// extension names (or, with an unknown extension, of a type herald knows). `how_to_allow` ends
// the message for a file outside the roots ("allow another directory with --media-dir").
std::optional<std::string> media_problem(std::string_view written,
                                         const std::filesystem::path& path,
                                         const std::vector<MediaRoot>& roots,
                                         std::string_view how_to_allow);

} // namespace herald::calendar
