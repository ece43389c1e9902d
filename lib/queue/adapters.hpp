#pragma once

#include "platforms/platform.hpp"
#include "util/expected.hpp"

#include <map>
#include <memory>
#include <string>

namespace herald::queue {

// Hands the runner an adapter per account and slot, built lazily on first use and reused for the
// rest of the run. An account publishing on several threads at once gets one adapter per thread
// (`slot` 0, 1, ...), because an adapter serves one thread at a time. Tests substitute their own.
class AdapterSource
{
public:
  virtual ~AdapterSource() = default;
  virtual Result<platforms::Adapter*> adapter_for(const platforms::AccountConfig& account,
                                                  size_t slot) = 0;
  // The account's capabilities (Platform::capabilities_for), for the recovery rules.
  virtual platforms::Capabilities capabilities_of(const platforms::AccountConfig& account) = 0;
};

// The built-in platforms from the registry.
class RegistryAdapters : public AdapterSource
{
public:
  explicit RegistryAdapters(platforms::AdapterContext context)
    : m_context(std::move(context))
  {
  }

  Result<platforms::Adapter*> adapter_for(const platforms::AccountConfig& account,
                                          size_t slot) override;
  platforms::Capabilities capabilities_of(const platforms::AccountConfig& account) override;

private:
  platforms::AdapterContext m_context;
  std::map<std::pair<std::string, size_t>, std::unique_ptr<platforms::Adapter>> m_adapters;
};

} // namespace herald::queue
