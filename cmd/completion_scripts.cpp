// The bash, zsh and fish completion scripts, rendered from the command tree (completion.hpp).
// Each script holds a table per command path (its subcommands, its options and what their values
// are) and one function that walks the words before the cursor through it.
#include "completion.hpp"
#include "version.hpp"

#include <fmt/format.h>

namespace herald::cmd {

namespace {

// A single-quoted word for bash and zsh.
std::string
sh_quote(std::string_view text)
{
  std::string quoted = "'";
  for (const char c : text) {
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return quoted + "'";
}

// A single-quoted word for fish, where \ and ' are escaped inside the quotes.
std::string
fish_quote(std::string_view text)
{
  std::string quoted = "'";
  for (const char c : text) {
    if (c == '\\' || c == '\'') {
      quoted += '\\';
    }
    quoted += c;
  }
  return quoted + "'";
}

// How the scripts name a value kind: file, accounts, text or choice:a,b,c.
std::string
kind_word(const CompletionOption& option)
{
  switch (option.kind) {
  case ValueKind::file:
    return "file";
  case ValueKind::accounts:
    return "accounts";
  case ValueKind::choice:
    return fmt::format("choice:{}", fmt::join(option.choices, ","));
  case ValueKind::text:
  case ValueKind::flag:
    break;
  }
  return "text";
}

std::vector<std::string>
option_names(const CompletionCommand& command)
{
  std::vector<std::string> names;
  for (const auto& option : command.options) {
    names.insert(names.end(), option.names.begin(), option.names.end());
  }
  return names;
}

// "-c:file --calendar:file --color:choice:auto,always,never ...": the options taking a value.
std::vector<std::string>
valued_entries(const CompletionCommand& command)
{
  std::vector<std::string> entries;
  for (const auto& option : command.options) {
    if (option.kind == ValueKind::flag) {
      continue;
    }
    for (const auto& name : option.names) {
      entries.push_back(name + ":" + kind_word(option));
    }
  }
  return entries;
}

std::vector<std::string>
subcommand_names(const CompletionCommand& command)
{
  std::vector<std::string> names;
  for (const auto& sub : command.subcommands) {
    names.push_back(sub.name);
  }
  return names;
}

// The description up to its first sentence or parenthesis: a completion menu has one line.
std::string
short_description(std::string_view description)
{
  for (const auto* end : { " (", "; ", ". " }) {
    if (const auto at = description.find(end); at != std::string_view::npos) {
      description = description.substr(0, at);
    }
  }
  return std::string(description);
}

constexpr std::string_view k_bash_walk = R"sh(
# Prints the value kind of option $1 on the current path (file, accounts, text, choice:a,b)
# and succeeds when the option takes a value.
_herald_kind() {
  local entry
  for entry in $_herald_valued; do
    if [[ ${entry%%:*} == "$1" ]]; then
      printf '%s\n' "${entry#*:}"
      return 0
    fi
  done
  return 1
}

# The calendar's account names, for --to a,b: asks herald itself, which needs no secret.
# shellcheck disable=SC2088 # a ~ typed on the command line reaches us unexpanded
_herald_accounts() {
  local herald=${COMP_WORDS[0]} prefix='' names
  if [[ $cur == *,* ]]; then
    prefix=${cur%,*},
  fi
  if [[ $herald == '~/'* ]]; then
    herald=$HOME/${herald#'~/'}
  fi
  if [[ $calendar == '~/'* ]]; then
    calendar=$HOME/${calendar#'~/'}
  fi
  names=$("$herald" ${calendar:+-c "$calendar"} completion --list-accounts 2>/dev/null)
  mapfile -t COMPREPLY < <(compgen -P "$lead$prefix" -W "$names" -- "${cur##*,}")
}

_herald() {
  local cur=${COMP_WORDS[COMP_CWORD]} path='' calendar='' pending='' lead='' word kind i
  local _herald_commands _herald_arguments _herald_options _herald_valued
  COMPREPLY=()
  _herald_spec ''
  # The words before the cursor: subcommands lead down the tree, an option with a value skips
  # it (bash splits --option=value into three words at the "=", unless COMP_WORDBREAKS lacks it).
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    case $word in
      --)
        return 0
        ;;
      --*=*)
        if [[ ${word%%=*} == --calendar ]]; then
          calendar=${word#*=}
        fi
        ;;
      -*)
        if ! kind=$(_herald_kind "$word"); then
          continue
        fi
        if [[ ${COMP_WORDS[i + 1]} == = ]]; then
          ((i++))
        fi
        if ((i + 1 >= COMP_CWORD)); then
          pending=$word
          break
        fi
        ((i++))
        if [[ $word == -c || $word == --calendar ]]; then
          calendar=${COMP_WORDS[i]}
        fi
        ;;
      *)
        if [[ " $_herald_commands " == *" $word "* ]]; then
          path=${path:+$path }$word
          _herald_spec "$path"
        fi
        ;;
    esac
  done
  if [[ $cur == = ]]; then
    cur=''
  elif [[ -z $pending && $cur == --*=* ]] && _herald_kind "${cur%%=*}" >/dev/null; then
    pending=${cur%%=*}
    lead=${cur%%=*}=
    cur=${cur#*=}
  fi
  if [[ -n $pending ]]; then
    kind=$(_herald_kind "$pending")
    case $kind in
      file)
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -P "$lead" -f -- "$cur")
        ;;
      accounts)
        _herald_accounts
        ;;
      choice:*)
        kind=${kind#choice:}
        mapfile -t COMPREPLY < <(compgen -P "$lead" -W "${kind//,/ }" -- "$cur")
        ;;
    esac
    return 0
  fi
  if [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$_herald_options" -- "$cur")
  else
    mapfile -t COMPREPLY < <(compgen -W "$_herald_commands $_herald_arguments" -- "$cur")
  fi
  return 0
}

complete -F _herald herald
)sh";

constexpr std::string_view k_zsh_walk = R"sh(
# Sets REPLY to the value kind of option $1 on the current path (file, accounts, text,
# choice:a,b) and succeeds when the option takes a value.
_herald_kind() {
  local entry
  for entry in $herald_valued; do
    if [[ ${entry%%:*} == $1 ]]; then
      REPLY=${entry#*:}
      return 0
    fi
  done
  return 1
}

_herald() {
  local cmdpath='' calendar='' pending='' word REPLY herald=${words[1]/#\~/$HOME}
  local -a herald_commands herald_arguments herald_options herald_valued names
  integer i
  _herald_spec ''
  # The words before the cursor: subcommands lead down the tree, an option with a value skips it.
  for (( i = 2; i < CURRENT; i++ )); do
    word=${words[i]}
    case $word in
      --)
        return 1
        ;;
      -*=*)
        if [[ ${word%%=*} == --calendar ]]; then
          calendar=${word#*=}
        fi
        ;;
      -*)
        _herald_kind $word || continue
        if (( i + 1 == CURRENT )); then
          pending=$word
          break
        fi
        (( i++ ))
        if [[ $word == (-c|--calendar) ]]; then
          calendar=${words[i]}
        fi
        ;;
      *)
        if (( ${herald_commands[(I)$word:*]} )); then
          cmdpath=${cmdpath:+$cmdpath }$word
          _herald_spec $cmdpath
        fi
        ;;
    esac
  done
  if [[ -z $pending && ${words[CURRENT]} == -*=* ]] && _herald_kind ${words[CURRENT]%%=*}; then
    pending=${words[CURRENT]%%=*}
    compset -P '*='
  fi
  if [[ -n $pending ]]; then
    _herald_kind $pending
    case $REPLY in
      file)
        _files
        ;;
      accounts)
        compset -P '*,'
        calendar=${calendar/#\~/$HOME}
        names=(${(f)"$($herald ${calendar:+-c} ${calendar:+$calendar} completion --list-accounts 2>/dev/null)"})
        compadd -a names
        ;;
      choice:*)
        names=(${(s:,:)${REPLY#choice:}})
        compadd -a names
        ;;
      *)
        _message 'value'
        ;;
    esac
    return
  fi
  if [[ ${words[CURRENT]} == -* ]]; then
    _describe -t options 'option' herald_options
  else
    _describe -t commands 'herald command' herald_commands
    if (( $#herald_arguments )); then
      compadd -a herald_arguments
    fi
  fi
}

if [[ $funcstack[1] == _herald ]]; then
  _herald "$@"
else
  compdef _herald herald
fi
)sh";

constexpr std::string_view k_fish_walk = R"sh(
# The subcommand path of the command line before the cursor ("" for herald itself).
function __herald_path
    set -l tokens (commandline -opc)
    set -l path ''
    set -l skip 0
    for token in $tokens[2..-1]
        if test $skip = 1
            set skip 0
            continue
        end
        switch $token
            case '--'
                break
            case '-*=*'
            case '-*'
                if contains -- $token (__herald_valued "$path")
                    set skip 1
                end
            case '*'
                if contains -- $token (__herald_commands "$path")
                    set path (string trim -- "$path $token")
                end
        end
    end
    echo $path
end

function __herald_at
    set -l path (__herald_path)
    test "$path" = "$argv[1]"
end

# The calendar of the command line (-c FILE, --calendar FILE or --calendar=FILE), if any.
function __herald_calendar
    set -l tokens (commandline -opc)
    set -l next 0
    for token in $tokens[2..-1]
        if test $next = 1
            echo $token
            return
        end
        switch $token
            case -c --calendar
                set next 1
            case '--calendar=*'
                string replace -- '--calendar=' '' $token
                return
        end
    end
end

# The calendar's account names after what the current word already lists (--to a,b).
function __herald_accounts
    set -l herald (commandline -opc)[1]
    set -l calendar (__herald_calendar)
    set -l prefix (string match -r -- '^.*,' (commandline -ct))
    set -l names
    if test -n "$calendar"
        set names ($herald -c $calendar completion --list-accounts 2>/dev/null)
    else
        set names ($herald completion --list-accounts 2>/dev/null)
    end
    for name in $names
        echo "$prefix$name"
    end
end

complete -c herald -f
)sh";

} // namespace

std::string
bash_completion(const std::vector<CompletionCommand>& tree)
{
  std::string script =
    fmt::format("# bash completion for herald {}, generated by `herald completion bash` from "
                "herald's own\n"
                "# command line. Installed as /usr/share/bash-completion/completions/herald "
                "by the package;\n"
                "# by hand: source <(herald completion bash)\n"
                "\n"
                "# Sets, for the subcommand path $1, the words that complete there.\n"
                "_herald_spec() {{\n"
                "  case $1 in\n",
                k_version);
  for (const auto& command : tree) {
    script += fmt::format("    {})\n", sh_quote(command.path));
    script += fmt::format("      _herald_commands={}\n",
                          sh_quote(fmt::format("{}", fmt::join(subcommand_names(command), " "))));
    script += fmt::format("      _herald_arguments={}\n",
                          sh_quote(fmt::format("{}", fmt::join(command.arguments, " "))));
    script += fmt::format("      _herald_options={}\n",
                          sh_quote(fmt::format("{}", fmt::join(option_names(command), " "))));
    script += fmt::format("      _herald_valued={}\n",
                          sh_quote(fmt::format("{}", fmt::join(valued_entries(command), " "))));
    script += "      ;;\n";
  }
  script += "  esac\n}\n";
  script += k_bash_walk;
  return script;
}

std::string
zsh_completion(const std::vector<CompletionCommand>& tree)
{
  std::string script = fmt::format(
    "#compdef herald\n"
    "# zsh completion for herald {}, generated by `herald completion zsh` from herald's own\n"
    "# command line. Installed as /usr/share/zsh/vendor-completions/_herald by the package;\n"
    "# by hand: herald completion zsh > ~/.zfunc/_herald (with ~/.zfunc in $fpath)\n"
    "\n"
    "# Sets, for the subcommand path $1, the words that complete there.\n"
    "_herald_spec() {{\n"
    "  case $1 in\n",
    k_version);
  for (const auto& command : tree) {
    std::vector<std::string> commands;
    for (const auto& sub : command.subcommands) {
      commands.push_back(sh_quote(sub.name + ":" + short_description(sub.description)));
    }
    std::vector<std::string> options;
    for (const auto& option : command.options) {
      for (const auto& name : option.names) {
        options.push_back(sh_quote(name + ":" + short_description(option.description)));
      }
    }
    std::vector<std::string> arguments;
    for (const auto& argument : command.arguments) {
      arguments.push_back(sh_quote(argument));
    }
    std::vector<std::string> valued;
    for (const auto& entry : valued_entries(command)) {
      valued.push_back(sh_quote(entry));
    }
    script += fmt::format("    {})\n", sh_quote(command.path));
    script += fmt::format("      herald_commands=({})\n", fmt::join(commands, " "));
    script += fmt::format("      herald_arguments=({})\n", fmt::join(arguments, " "));
    script += fmt::format("      herald_options=({})\n", fmt::join(options, " "));
    script += fmt::format("      herald_valued=({})\n", fmt::join(valued, " "));
    script += "      ;;\n";
  }
  script += "  esac\n}\n";
  script += k_zsh_walk;
  return script;
}

std::string
fish_completion(const std::vector<CompletionCommand>& tree)
{
  std::string script = fmt::format(
    "# fish completion for herald {}, generated by `herald completion fish` from herald's "
    "own\n"
    "# command line. Installed as /usr/share/fish/vendor_completions.d/herald.fish by the\n"
    "# package; by hand: herald completion fish > ~/.config/fish/completions/herald.fish\n"
    "\n"
    "# The subcommands of the path $argv[1].\n"
    "function __herald_commands\n"
    "    switch \"$argv[1]\"\n",
    k_version);
  for (const auto& command : tree) {
    if (command.subcommands.empty()) {
      continue;
    }
    std::vector<std::string> names;
    for (const auto& name : subcommand_names(command)) {
      names.push_back(fish_quote(name));
    }
    script += fmt::format("        case {}\n            printf '%s\\n' {}\n",
                          fish_quote(command.path), fmt::join(names, " "));
  }
  script += "    end\nend\n\n# The options of the path $argv[1] that take a value.\n"
            "function __herald_valued\n    switch \"$argv[1]\"\n";
  for (const auto& command : tree) {
    std::vector<std::string> names;
    for (const auto& option : command.options) {
      if (option.kind != ValueKind::flag) {
        for (const auto& name : option.names) {
          names.push_back(fish_quote(name));
        }
      }
    }
    if (!names.empty()) {
      script += fmt::format("        case {}\n            printf '%s\\n' {}\n",
                            fish_quote(command.path), fmt::join(names, " "));
    }
  }
  script += "    end\nend\n";
  script += k_fish_walk;
  for (const auto& command : tree) {
    const auto condition = fish_quote(fmt::format("__herald_at {}", fish_quote(command.path)));
    script += "\n";
    for (const auto& sub : command.subcommands) {
      script += fmt::format("complete -c herald -n {} -a {} -d {}\n", condition,
                            fish_quote(sub.name), fish_quote(short_description(sub.description)));
    }
    for (const auto& argument : command.arguments) {
      script += fmt::format("complete -c herald -n {} -a {}\n", condition, fish_quote(argument));
    }
    for (const auto& option : command.options) {
      std::string line = fmt::format("complete -c herald -n {}", condition);
      for (const auto& name : option.names) {
        line += name.starts_with("--") ? fmt::format(" -l {}", name.substr(2))
                                       : fmt::format(" -s {}", name.substr(1));
      }
      switch (option.kind) {
      case ValueKind::flag:
        break;
      case ValueKind::text:
        line += " -x";
        break;
      case ValueKind::file:
        line += " -r -F";
        break;
      case ValueKind::accounts:
        line += " -x -a '(__herald_accounts)'";
        break;
      case ValueKind::choice:
        line +=
          fmt::format(" -x -a {}", fish_quote(fmt::format("{}", fmt::join(option.choices, " "))));
        break;
      }
      script += fmt::format("{} -d {}\n", line, fish_quote(short_description(option.description)));
    }
  }
  return script;
}

} // namespace herald::cmd
