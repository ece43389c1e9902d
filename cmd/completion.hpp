#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace herald::cmd {

// What a shell completes for an option's value.
enum class ValueKind
{
  flag,     // takes no value
  text,     // free text: nothing to offer
  file,     // a path
  accounts, // account names from the calendar, comma-separated
  choice,   // one of `choices`
};

struct CompletionOption
{
  std::vector<std::string> names; // "-c", "--calendar"
  std::string description;
  ValueKind kind = ValueKind::flag;
  std::vector<std::string> choices;
};

struct CompletionWord
{
  std::string name;
  std::string description;
};

// One command of the tree: the root ("") or a subcommand path such as "accounts check".
struct CompletionCommand
{
  std::string path;
  std::vector<CompletionWord> subcommands;
  // Its own options first, then those of its parents that still apply after it (herald's
  // global options may follow the subcommand).
  std::vector<CompletionOption> options;
  // The values a positional argument takes, when CLI11 knows them (e.g. bash, zsh, fish).
  std::vector<std::string> arguments;
};

// The whole command line as the shells need it, read from the CLI11 app that parses it, so that
// the completion cannot drift from the options herald accepts. Hidden options and subcommands
// (an empty group) are left out. Commands in depth-first order, the root first.
std::vector<CompletionCommand> completion_tree(const CLI::App& root);

// The completion scripts. Account names come from `herald -c FILE completion --list-accounts`
// (the calendar of the command line being completed, else $HERALD_CALENDAR or ./herald.yaml),
// which needs no secret.
std::string bash_completion(const std::vector<CompletionCommand>& tree);
std::string zsh_completion(const std::vector<CompletionCommand>& tree);
std::string fish_completion(const std::vector<CompletionCommand>& tree);

} // namespace herald::cmd
