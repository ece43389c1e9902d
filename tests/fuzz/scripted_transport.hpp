#pragma once

#include "http/transport.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <vector>

// Fuzzing a platform's response parsers through its real adapter, metrics and conversation
// code: the fuzzer's input is a script of HTTP responses, answered in order to whatever requests
// the code makes. This reaches every parser where it is used, with the checks around it, and
// needs no change to the adapters.
namespace herald::fuzz {

// The input, read as records separated by a line "%%":
// - the first record: "OPERATION [VARIANT]" on its first line (see run_platform), then the
//   text of each part of the post to publish, one line each (a default text when there is none);
// - every further record: one HTTP response: a status line ("200"), header lines ("Name: value"),
//   an empty line, then the body.
struct Script
{
  std::string operation;
  size_t variant = 0;
  std::vector<std::string> texts;
  std::deque<http::Response> responses;
};

Script read_script(std::string_view input);

// One account to fuzz: its platform settings, and the variables (secrets) it reads.
struct AccountVariant
{
  nlohmann::json settings;
  std::map<std::string, std::string> env;
};

// Runs the script's operation (publish, media, video, verify, find, earlier, counts, followers,
// whoami, inbox, thread, reply; anything else runs publish) on the account variant the script names
// (modulo the number of variants), answering from the script. Aborts when an error message
// shows a secret value from `env`, or a request URL holds a byte that no URL may carry (a value
// from a response pasted into a URL unencoded).
void run_platform(std::string_view platform, const std::vector<AccountVariant>& variants,
                  std::string_view input);

} // namespace herald::fuzz
