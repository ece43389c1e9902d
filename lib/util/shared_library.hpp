#pragma once

#include "error.hpp"

#include <string>

namespace herald {

// A shared library opened with dlopen on first use instead of linked (libcurl, libpq: each
// pulls in some twenty libraries that most commands never need). It stays loaded for the life
// of the process. Failures throw herald::Error naming the library and the loader's reason.
class SharedLibrary
{
public:
  // `package` is what to install when it is missing ("libcurl4"); `status` the exit status.
  SharedLibrary(std::string name, std::string package, ExitStatus status);

  // Sets `slot` to the function `symbol`, or throws.
  template<typename Function>
  void resolve(const char* symbol, Function& slot) const
  {
    slot = reinterpret_cast<Function>(address_of(symbol));
  }

private:
  void* address_of(const char* symbol) const;

  std::string m_name;
  ExitStatus m_status;
  void* m_handle = nullptr;
};

} // namespace herald
