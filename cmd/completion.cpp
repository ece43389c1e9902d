// herald completion bash|zsh|fish: prints a shell completion script, generated from the command
// line that herald parses (make_app), so that it cannot drift from it.
#include "completion.hpp"

#include "context.hpp"

#include "app/account_names.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>

namespace herald::cmd {

namespace {

// Options whose value is a path, or account names; every other option's value is free text
// unless CLI11 knows its choices.
constexpr std::array k_file_options = { "--calendar", "--state",  "--credentials",
                                        "--media",    "--clicks", "--html" };
constexpr std::array k_account_options = { "--to", "--account", "--accounts" };

bool
hidden(const CLI::Option& option)
{
  return option.get_group().empty();
}

// The values of an IsMember check, from CLI11's type name ("TEXT:{auto,always,never}").
std::vector<std::string>
choices_of(const CLI::Option& option)
{
  const auto type = option.get_type_name();
  const auto open = type.find('{');
  const auto close = type.find('}', open);
  std::vector<std::string> choices;
  if (open == std::string::npos || close == std::string::npos) {
    return choices;
  }
  std::string current;
  for (const char c : type.substr(open + 1, close - open - 1)) {
    if (c == ',') {
      choices.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  choices.push_back(current);
  return choices;
}

bool
named(const CompletionOption& option, const auto& names)
{
  return std::any_of(option.names.begin(), option.names.end(), [&](const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  });
}

// --text-file and the like name a file by their name.
bool
names_a_file(const CompletionOption& option)
{
  return named(option, k_file_options) ||
         std::any_of(option.names.begin(), option.names.end(),
                     [](const std::string& name) { return name.ends_with("-file"); });
}

CompletionOption
describe(const CLI::Option& option)
{
  CompletionOption described;
  for (const auto& name : option.get_snames()) {
    described.names.push_back("-" + name);
  }
  for (const auto& name : option.get_lnames()) {
    described.names.push_back("--" + name);
  }
  described.description = option.get_description();
  if (option.get_expected_max() == 0) {
    described.kind = ValueKind::flag;
  } else if (named(described, k_account_options)) {
    described.kind = ValueKind::accounts;
  } else if (names_a_file(described)) {
    described.kind = ValueKind::file;
  } else if (auto choices = choices_of(option); !choices.empty()) {
    described.kind = ValueKind::choice;
    described.choices = std::move(choices);
  } else {
    described.kind = ValueKind::text;
  }
  return described;
}

void
walk(const CLI::App& app, const std::string& path, const std::vector<CompletionOption>& inherited,
     std::vector<CompletionCommand>& tree)
{
  CompletionCommand command;
  command.path = path;
  std::vector<CompletionOption> passed_on; // what applies after a subcommand of this one
  for (const auto* option : app.get_options()) {
    if (hidden(*option)) {
      continue;
    }
    if (option->get_positional()) {
      const auto choices = choices_of(*option);
      command.arguments.insert(command.arguments.end(), choices.begin(), choices.end());
      continue;
    }
    auto described = describe(*option);
    command.options.push_back(described);
    // A subcommand has its own --help, and --version belongs to herald itself.
    if (option != app.get_help_ptr() && option != app.get_help_all_ptr() &&
        option != app.get_version_ptr()) {
      passed_on.push_back(std::move(described));
    }
  }
  for (const auto& option : inherited) {
    const bool shadowed =
      std::any_of(command.options.begin(), command.options.end(), [&](const auto& own) {
        return std::find_first_of(own.names.begin(), own.names.end(), option.names.begin(),
                                  option.names.end()) != own.names.end();
      });
    if (!shadowed) {
      command.options.push_back(option);
      passed_on.push_back(option);
    }
  }
  const auto subcommands =
    app.get_subcommands([](const CLI::App* sub) { return !sub->get_group().empty(); });
  for (const auto* sub : subcommands) {
    command.subcommands.push_back({ sub->get_name(), sub->get_description() });
  }
  tree.push_back(std::move(command));
  for (const auto* sub : subcommands) {
    walk(*sub, path.empty() ? sub->get_name() : path + " " + sub->get_name(), passed_on, tree);
  }
}

struct CompletionCommandLine
{
  std::string shell;
  bool list_accounts = false;
};

void
run_completion(const CompletionCommandLine& command, const CLI::App& root, Context& context)
{
  if (command.list_accounts) {
    const auto found =
      app::account_names(context.global.calendar, context.global.max_calendar_bytes);
    if (!found.names) {
      context.print_diagnostics(found.diagnostics);
      context.status = ExitStatus::usage;
      return;
    }
    for (const auto& name : *found.names) {
      fmt::print("{}\n", name);
    }
    return;
  }
  if (command.shell.empty()) {
    throw Error("completion needs a shell: herald completion bash|zsh|fish", ExitStatus::usage);
  }
  const auto tree = completion_tree(root);
  if (command.shell == "bash") {
    fmt::print("{}", bash_completion(tree));
  } else if (command.shell == "zsh") {
    fmt::print("{}", zsh_completion(tree));
  } else {
    fmt::print("{}", fish_completion(tree));
  }
}

} // namespace

std::vector<CompletionCommand>
completion_tree(const CLI::App& root)
{
  std::vector<CompletionCommand> tree;
  walk(root, "", {}, tree);
  return tree;
}

void
setup_completion(CLI::App& app, Context& context)
{
  auto command = std::make_shared<CompletionCommandLine>();
  auto* sub = app.add_subcommand("completion", "Print the shell completion script for bash, zsh "
                                               "or fish");
  sub->add_option("shell", command->shell, "The shell")
    ->check(CLI::IsMember({ "bash", "zsh", "fish" }));
  // What the scripts call to complete --to: the calendar's account names, one a line.
  sub->add_flag("--list-accounts", command->list_accounts, "List the calendar's account names")
    ->group("");
  sub->callback([command, &app, &context] { run_completion(*command, app, context); });
}

} // namespace herald::cmd
