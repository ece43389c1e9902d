#pragma once

#include "error.hpp"

namespace herald {

// An Error raised before anything could act outside the process: a library that cannot be
// loaded or initialised. Whoever must know whether a request may have gone out (a publish) can
// take this one as "nothing was sent"; any other exception leaves that open.
class UnavailableError : public Error
{
public:
  using Error::Error;
};

} // namespace herald
