#include "shared_library.hpp"

#include "unavailable_error.hpp"

#include <fmt/core.h>

#include <dlfcn.h>

namespace herald {

SharedLibrary::SharedLibrary(std::string name, std::string package, ExitStatus status)
  : m_name(std::move(name))
  , m_status(status)
  , m_handle(::dlopen(m_name.c_str(), RTLD_NOW | RTLD_LOCAL))
{
  if (m_handle == nullptr) {
    throw UnavailableError(
      fmt::format("cannot load {} (install {}): {}", m_name, package, ::dlerror()), m_status);
  }
}

void*
SharedLibrary::address_of(const char* symbol) const
{
  void* address = ::dlsym(m_handle, symbol);
  if (address == nullptr) {
    throw UnavailableError(fmt::format("{} has no {}: {}", m_name, symbol, ::dlerror()), m_status);
  }
  return address;
}

} // namespace herald
