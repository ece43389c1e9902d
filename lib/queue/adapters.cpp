#include "adapters.hpp"

#include "platforms/registry.hpp"

#include <fmt/core.h>

namespace herald::queue {

Result<platforms::Adapter*>
RegistryAdapters::adapter_for(const platforms::AccountConfig& account, size_t slot)
{
  if (const auto it = m_adapters.find({ account.name, slot }); it != m_adapters.end()) {
    return it->second.get();
  }
  const platforms::Platform* platform = platforms::find_platform(account.platform);
  if (!platform) {
    return unexpected(
      fmt::format("account '{}': unknown platform '{}'", account.name, account.platform));
  }
  try {
    auto adapter = platform->make_adapter(account, m_context);
    auto* raw = adapter.get();
    m_adapters.emplace(std::pair(account.name, slot), std::move(adapter));
    return raw;
  } catch (const std::exception& e) {
    return unexpected(std::string(e.what()));
  }
}

platforms::Capabilities
RegistryAdapters::capabilities_of(const platforms::AccountConfig& account)
{
  const platforms::Platform* p = platforms::find_platform(account.platform);
  return p ? p->capabilities_for(account) : platforms::Capabilities{};
}

} // namespace herald::queue
