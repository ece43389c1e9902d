#pragma once

#include "platforms/platform.hpp"
#include "util/expected.hpp"

#include <map>
#include <memory>
#include <string>

namespace herald::queue {

// Hands the runner an adapter per account, built lazily on first use and reused for the rest
// of the run. Tests substitute their own.
class AdapterSource
{
public:
  virtual ~AdapterSource() = default;
  virtual Result<platforms::Adapter*> adapter_for(const platforms::AccountConfig& account) = 0;
  virtual platforms::Capabilities capabilities_of(const std::string& platform) = 0;
};

// The built-in platforms from the registry.
class RegistryAdapters : public AdapterSource
{
public:
  explicit RegistryAdapters(platforms::AdapterContext context)
    : m_context(std::move(context))
  {
  }

  Result<platforms::Adapter*> adapter_for(const platforms::AccountConfig& account) override;
  platforms::Capabilities capabilities_of(const std::string& platform) override;

private:
  platforms::AdapterContext m_context;
  std::map<std::string, std::unique_ptr<platforms::Adapter>> m_adapters;
};

} // namespace herald::queue
