#pragma once

#include "util/expected.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace herald {

struct CommandOutput
{
  int exit_code = -1; // -1: ended by a signal
  std::string out;
  std::string err;
};

// Runs `argv` (argv[0] looked up in PATH) with standard input from /dev/null and returns what
// it wrote on standard output and error, once it has ended. More than `max_bytes` on either is
// an error, and so is a program that cannot be started; the error says which and why.
Result<CommandOutput, std::string> run_command(const std::vector<std::string>& argv,
                                               size_t max_bytes);

} // namespace herald
