#include "identity.hpp"

#include "http/ascii.hpp"
#include "model.hpp"
#include "source_text.hpp"

#include <algorithm>

namespace herald::calendar {

namespace fs = std::filesystem;

namespace {

using http::ascii::iequals;
using http::ascii::trim;

// Host names compare case-insensitively: one spelling in an identity.
std::string
lower(std::string_view text)
{
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), http::ascii::to_lower);
  return out;
}

// A .git file, commondir or config: small; anything else is not what we look for.
std::optional<std::string>
read_small_file(const fs::path& path)
{
  auto text = read_source_text(path, 1 << 20);
  return text ? std::optional(std::move(*text)) : std::nullopt;
}

// The path part of a remote: no leading or trailing '/', no ".git".
std::string
clean_repo_path(std::string_view path)
{
  while (!path.empty() && path.front() == '/') {
    path.remove_prefix(1);
  }
  while (!path.empty() && path.back() == '/') {
    path.remove_suffix(1);
  }
  if (path.size() > 4 && path.substr(path.size() - 4) == ".git") {
    path.remove_suffix(4);
  }
  return std::string(path);
}

std::optional<std::string>
join_host(std::string_view host, std::string_view path)
{
  if (const auto at = host.rfind('@'); at != std::string_view::npos) {
    host.remove_prefix(at + 1); // user[:password]@ never becomes part of an identity
  }
  if (!host.empty() && host.front() == '[') { // [::1]:8080
    const auto close = host.find(']');
    host = close == std::string_view::npos ? host : host.substr(0, close + 1);
  } else if (const auto colon = host.find(':'); colon != std::string_view::npos) {
    host = host.substr(0, colon); // the port is how one host reaches it, not what it is
  }
  if (host.empty()) {
    return std::nullopt;
  }
  const std::string repo = clean_repo_path(path);
  return repo.empty() ? lower(host) : lower(host) + "/" + repo;
}

// The directory holding the repository's shared config: the .git directory, or for a linked
// worktree or submodule (`.git` is a file saying "gitdir: ..."), that directory's commondir.
std::optional<fs::path>
git_common_dir(const fs::path& dot_git)
{
  std::error_code ec;
  fs::path git_dir = dot_git;
  if (fs::is_regular_file(dot_git, ec)) {
    const auto text = read_small_file(dot_git);
    if (!text) {
      return std::nullopt;
    }
    const std::string_view line = trim(*text);
    constexpr std::string_view k_prefix = "gitdir:";
    if (line.substr(0, k_prefix.size()) != k_prefix) {
      return std::nullopt;
    }
    git_dir = dot_git.parent_path() / fs::path(std::string(trim(line.substr(k_prefix.size()))));
  } else if (!fs::is_directory(dot_git, ec)) {
    return std::nullopt;
  }
  if (const auto common = read_small_file(git_dir / "commondir")) {
    return git_dir / fs::path(std::string(trim(*common)));
  }
  return git_dir;
}

std::optional<std::string>
git_identity(const fs::path& main_file)
{
  std::error_code ec;
  for (fs::path dir = main_file.parent_path(); !dir.empty(); dir = dir.parent_path()) {
    const fs::path dot_git = dir / ".git";
    if (fs::exists(fs::symlink_status(dot_git, ec))) {
      const auto common = git_common_dir(dot_git);
      const auto config = common ? read_small_file(*common / "config") : std::nullopt;
      const auto url = config ? origin_url(*config) : std::nullopt;
      const auto remote = url ? normalized_remote(*url) : std::nullopt;
      if (!remote) {
        return std::nullopt;
      }
      return "git:" + *remote + ":" + main_file.lexically_relative(dir).generic_string();
    }
    if (dir == dir.root_path()) {
      break;
    }
  }
  return std::nullopt;
}

} // namespace

std::optional<std::string>
normalized_remote(std::string_view url)
{
  url = trim(url);
  if (const auto scheme_end = url.find("://"); scheme_end != std::string_view::npos) {
    if (iequals(url.substr(0, scheme_end), "file")) {
      return std::nullopt;
    }
    const std::string_view rest = url.substr(scheme_end + 3);
    const auto slash = rest.find('/');
    return join_host(rest.substr(0, slash),
                     slash == std::string_view::npos ? "" : rest.substr(slash));
  }
  // scp-like "[user@]host:path"; a colon after a slash (or none) makes it a local path.
  const auto colon = url.find(':');
  if (colon == std::string_view::npos || url.substr(0, colon).find('/') != std::string_view::npos) {
    return std::nullopt;
  }
  return join_host(url.substr(0, colon), url.substr(colon + 1));
}

std::optional<std::string>
origin_url(std::string_view config_text)
{
  bool in_origin = false;
  size_t start = 0;
  while (start <= config_text.size()) {
    auto end = config_text.find('\n', start);
    if (end == std::string_view::npos) {
      end = config_text.size();
    }
    const std::string_view line = trim(config_text.substr(start, end - start));
    start = end + 1;
    if (line.empty() || line.front() == '#' || line.front() == ';') {
      continue;
    }
    if (line.front() == '[') {
      // [remote "origin"] (the subsection is case-sensitive), or the old [remote.origin].
      const auto close = line.find(']');
      const std::string_view header =
        trim(line.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
      in_origin = header == "remote.origin" || (iequals(header.substr(0, 6), "remote") &&
                                                trim(header.substr(6)) == "\"origin\"");
      continue;
    }
    if (!in_origin) {
      continue;
    }
    const auto equals = line.find('=');
    if (equals == std::string_view::npos || !iequals(trim(line.substr(0, equals)), "url")) {
      continue;
    }
    std::string_view value = trim(line.substr(equals + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    } else if (const auto comment = value.find_first_of("#;"); comment != std::string_view::npos) {
      value = trim(value.substr(0, comment));
    }
    return std::string(value);
  }
  return std::nullopt;
}

std::string
calendar_identity(std::string_view name, const fs::path& main_file)
{
  if (!name.empty()) {
    return "name:" + std::string(name);
  }
  const fs::path file = fs::absolute(main_file).lexically_normal();
  return git_identity(file).value_or(file.string());
}

std::string
calendar_identity(const Calendar& calendar)
{
  return calendar_identity(calendar.name, calendar.file);
}

} // namespace herald::calendar
