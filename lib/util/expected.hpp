#pragma once

#include <tl/expected.hpp>

#include <string>

namespace herald {

// Expected failures at a boundary (parse errors, platform errors, busy stores) are values.
template<typename T, typename E = std::string>
using Result = tl::expected<T, E>;
using tl::unexpected;

} // namespace herald
