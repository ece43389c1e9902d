// herald --version [--json]: which herald this is, for people and for scripts.
#include "about.hpp"

#include "build_info.hpp"
#include "version.hpp"

#include "platforms/registry.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace herald::cmd {

namespace {

std::vector<std::string>
platform_names()
{
  std::vector<std::string> names;
  for (const auto* platform : platforms::all_platforms()) {
    names.emplace_back(platform->name());
  }
  return names;
}

} // namespace

std::string
version_text()
{
  const auto& info = build_info();
  return fmt::format("herald {}\ncommit: {}{}\nbuild: {}, {}\nplatforms: {}", k_version,
                     info.commit, info.dirty ? " (with local changes)" : "", info.build_type,
                     info.compiler, fmt::join(platform_names(), " "));
}

std::string
version_json()
{
  const auto& info = build_info();
  return nlohmann::ordered_json{
    { "name", "herald" },          { "version", k_version },
    { "commit", info.commit },     { "describe", info.describe },
    { "dirty", info.dirty },       { "build_type", info.build_type },
    { "compiler", info.compiler }, { "platforms", platform_names() }
  }.dump(2);
}

} // namespace herald::cmd
