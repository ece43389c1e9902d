#include "media_check.hpp"

#include "util/media_kind.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <fstream>
#include <system_error>

namespace herald::calendar {

namespace fs = std::filesystem;

namespace {

bool
is_within(const fs::path& path, const fs::path& dir)
{
  const auto [in_dir, in_path] = std::mismatch(dir.begin(), dir.end(), path.begin(), path.end());
  // A trailing separator of `dir` is an empty last component.
  return in_dir == dir.end() || (std::next(in_dir) == dir.end() && in_dir->empty());
}

// The real path of `dir`, or `dir` when it cannot be resolved (it is then reported elsewhere).
fs::path
real_dir(const fs::path& dir)
{
  std::error_code ec;
  auto real = fs::weakly_canonical(dir, ec);
  return ec ? dir : real;
}

std::optional<std::string>
location_problem(std::string_view written, const fs::path& path,
                 const std::vector<MediaRoot>& roots, std::string_view how_to_allow)
{
  std::error_code ec;
  const fs::path real = fs::canonical(path, ec);
  if (ec) {
    return fmt::format("media file '{}' cannot be resolved: {}", written, ec.message());
  }
  for (const auto& root : roots) {
    if (is_within(real, real_dir(root.dir))) {
      return std::nullopt;
    }
  }
  const MediaRoot& first = roots.front();
  const bool lexically_inside = std::any_of(roots.begin(), roots.end(), [&](const MediaRoot& r) {
    return is_within(path, r.dir) || is_within(path, real_dir(r.dir));
  });
  if (lexically_inside) {
    return fmt::format("media file '{}' is a symbolic link to {}, outside {} ({}); {}", written,
                       real.string(), first.label, first.dir.string(), how_to_allow);
  }
  return fmt::format("media file '{}' is outside {} ({}); {}", written, first.label,
                     first.dir.string(), how_to_allow);
}

std::optional<std::string>
content_problem(std::string_view written, const fs::path& path)
{
  std::ifstream in(path, std::ios::binary);
  std::string head(16, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(std::max<std::streamsize>(in.gcount(), 0)));
  const std::string content = media_type_of_content(head);
  const std::string named = media_type_of_name(path);
  if (content.empty()) {
    return fmt::format("media file '{}' is not an image, video or audio file by its content "
                       "(herald knows PNG, JPEG, GIF, WebP, MP4, MOV, M4A, WebM and MP3)",
                       written);
  }
  if (!named.empty() && !media_types_agree(named, content)) {
    return fmt::format("media file '{}' is named as {} but its content is {}", written, named,
                       content);
  }
  return std::nullopt;
}

} // namespace

std::optional<std::string>
media_problem(std::string_view written, const fs::path& path, const std::vector<MediaRoot>& roots,
              std::string_view how_to_allow)
{
  if (auto problem = location_problem(written, path, roots, how_to_allow)) {
    return problem;
  }
  return content_problem(written, path);
}

} // namespace herald::calendar
