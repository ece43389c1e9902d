"""herald completion bash|zsh|fish: the scripts parse, and complete subcommands, options, their
choices and files, and account names from the calendar, which needs no secret."""

import os
import shutil
import subprocess

from harness import HERALD, HeraldTest, main

# Two accounts whose secrets are not set anywhere: completion must not need them.
CALENDAR = """
accounts:
  masto:
    platform: mastodon
    url: https://example.org
    token_env: NOT_SET_MASTODON_TOKEN
  team:
    platform: discord
    webhook_env: NOT_SET_DISCORD_WEBHOOK_URL
posts: []
"""

OTHER = """
accounts:
  elsewhere:
    platform: stub
    dir: outbox
"""

# Calls the completion function as bash does on <Tab>: COMP_WORDS and COMP_CWORD set, the words
# typed so far, the last one being completed.
BASH_DRIVER = r"""
source "$1"
shift
COMP_WORDS=("$@")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
_herald
if ((${#COMPREPLY[@]})); then
  printf '%s\n' "${COMPREPLY[@]}"
fi
"""

# zsh's completion system needs a terminal; its builtins are replaced by functions that print
# what they are given, which is what the script offers.
ZSH_DRIVER = r"""
zmodload zsh/parameter  # as in an interactive shell: $commands and $options are special there
compdef() { : }
compset() { : }
compadd() { if [[ $1 == -a ]]; then print -l -- ${(P)2}; fi }
_describe() { print -l -- ${(P)${@[-1]}} }
_files() { print -- '<files>' }
_message() { print -- "<$*>" }
source "$1"
shift
words=("$@")
CURRENT=$#words
_herald
"""


class CompletionTest(HeraldTest):
    def setUp(self):
        super().setUp()
        self.write("herald.yaml", CALENDAR)
        self.write("other.yaml", OTHER)
        self.write("notes.md", "release notes\n")
        self.env["PATH"] = os.path.dirname(HERALD) + os.pathsep + self.env["PATH"]

    def script(self, shell):
        r = self.herald("completion", shell, calendar=None)
        self.assertExit(r, 0)
        self.assertEqual(r.err, "")
        return self.write(f"completion.{shell}", r.out)

    def run_shell(self, argv):
        completed = subprocess.run(argv, cwd=self.dir, env=self.env, capture_output=True,
                                   text=True, timeout=60)
        self.assertEqual(completed.returncode, 0, completed.stderr)
        return completed.stdout.splitlines()

    def bash(self, *words):
        return self.run_shell(["bash", "--norc", "--noprofile", "-c", BASH_DRIVER, "bash",
                               str(self.script("bash")), "herald", *words])

    # --- the hidden helper the scripts call -------------------------------------------------

    def test_account_names_need_no_secret(self):
        r = self.herald("completion", "--list-accounts")
        self.assertExit(r, 0)
        self.assertEqual(r.out, "masto\nteam\n")
        r = self.herald("completion", "--list-accounts", calendar="other.yaml")
        self.assertEqual(r.out, "elsewhere\n")

    def test_account_names_of_a_calendar_with_errors_elsewhere(self):
        self.write("herald.yaml", CALENDAR.replace("posts: []", "posts:\n  - id: x\n"))
        r = self.herald("completion", "--list-accounts")
        self.assertExit(r, 0)
        self.assertEqual(r.out, "masto\nteam\n")

    def test_account_names_of_a_missing_calendar(self):
        r = self.herald("completion", "--list-accounts", calendar="missing.yaml")
        self.assertExit(r, 2)
        self.assertEqual(r.out, "")
        self.assertEqual(r.err, "missing.yaml: error: cannot read file: No such file or directory\n")

    def test_a_shell_is_needed(self):
        r = self.herald("completion", calendar=None)
        self.assertExit(r, 2)
        self.assertEqual(r.err, "herald: error: completion needs a shell: "
                                "herald completion bash|zsh|fish\n")
        r = self.herald("completion", "tcsh", calendar=None)
        self.assertExit(r, 2)
        self.assertIn("tcsh not in {bash,zsh,fish}", r.err)

    # --- bash -----------------------------------------------------------------------------

    def test_bash_script_parses(self):
        path = self.script("bash")
        self.run_shell(["bash", "-n", str(path)])

    def test_bash_script_passes_shellcheck(self):
        if shutil.which("shellcheck") is None:
            self.skipTest("shellcheck is not installed")
        self.run_shell(["shellcheck", "-s", "bash", str(self.script("bash"))])

    def test_bash_registers_the_function_in_an_interactive_shell(self):
        path = self.script("bash")
        out = self.run_shell(["bash", "--norc", "--noprofile", "-i", "-c",
                              f"source {path}; complete -p herald; compgen -W \"$("
                              "_herald_spec ''; echo $_herald_commands)\" -- po"])
        self.assertEqual(out[-2:], ["complete -F _herald herald", "post"])

    def test_bash_completes_a_subcommand(self):
        self.assertEqual(self.bash("po"), ["post"])
        self.assertEqual(self.bash("re"), ["resolve", "retry", "report"])
        self.assertEqual(self.bash("accounts", ""), ["check"])
        self.assertEqual(self.bash("--json", "report", "c"), ["collect"])

    def test_bash_completes_options_of_the_subcommand_and_global_ones(self):
        self.assertEqual(self.bash("post", "--te"), ["--text", "--text-file"])
        self.assertEqual(self.bash("post", "--cal"), ["--calendar"])
        self.assertEqual(self.bash("--ver"), ["--version", "--verbose"])
        self.assertEqual(self.bash("run", "--dry"), ["--dry-run"])
        # An option's value is not mistaken for a subcommand.
        self.assertEqual(self.bash("--state", "post", "--t"), [])
        self.assertEqual(self.bash("--state", "post", "pl"), ["plan"])

    def test_bash_completes_account_names_from_the_calendar(self):
        self.assertEqual(self.bash("post", "--to", ""), ["masto", "team"])
        self.assertEqual(self.bash("post", "--to", "t"), ["team"])
        self.assertEqual(self.bash("post", "--to", "masto,"), ["masto,masto", "masto,team"])
        # bash splits --to=ma at the "=".
        self.assertEqual(self.bash("post", "--to", "=", "ma"), ["masto"])
        self.assertEqual(self.bash("post", "--to", "="), ["masto", "team"])
        # ... or keeps it whole, when COMP_WORDBREAKS has no "=".
        self.assertEqual(self.bash("post", "--to=masto,t"), ["--to=masto,team"])
        self.assertEqual(self.bash("--calendar=other.yaml", "post", "--to", ""), ["elsewhere"])
        self.assertEqual(self.bash("--color=al"), ["--color=always"])
        # The calendar of the command line, in any of its spellings.
        self.assertEqual(self.bash("-c", "other.yaml", "post", "--to", ""), ["elsewhere"])
        self.assertEqual(self.bash("--calendar", "=", "other.yaml", "post", "--to", ""),
                         ["elsewhere"])
        self.assertEqual(self.bash("post", "--calendar", "other.yaml", "--to", "e"),
                         ["elsewhere"])
        self.env["HERALD_CALENDAR"] = str(self.dir / "other.yaml")
        self.assertEqual(self.bash("post", "--to", ""), ["elsewhere"])

    def test_bash_completes_choices_and_files(self):
        self.assertEqual(self.bash("--color", ""), ["auto", "always", "never"])
        self.assertEqual(self.bash("report", "--by", "w"), ["weekday"])
        self.assertEqual(self.bash("completion", ""), ["bash", "zsh", "fish"])
        self.assertEqual(self.bash("post", "--text-file", "no"), ["notes.md"])
        self.assertEqual(self.bash("-c", "oth"), ["other.yaml"])
        # Free text: nothing to offer.
        self.assertEqual(self.bash("post", "--text", ""), [])

    # --- zsh ------------------------------------------------------------------------------

    def zsh(self, *words):
        if shutil.which("zsh") is None:
            self.skipTest("zsh is not installed")
        return self.run_shell(["zsh", "-f", "-c", ZSH_DRIVER, "zsh", str(self.script("zsh")),
                               "herald", *words])

    def test_zsh_script_parses(self):
        if shutil.which("zsh") is None:
            self.skipTest("zsh is not installed")
        path = self.script("zsh")
        self.assertEqual(path.read_text().splitlines()[0], "#compdef herald")
        self.run_shell(["zsh", "-n", str(path)])

    def test_zsh_offers_subcommands_options_accounts_and_files(self):
        self.assertIn("post:Publish one post now", self.zsh(""))
        self.assertEqual(self.zsh("accounts", ""), ["check:Check every account's credentials "
                                                    "with its platform, publishing nothing"])
        self.assertIn("--to:Accounts, comma-separated", self.zsh("post", "--"))
        self.assertIn("--calendar:Calendar file", self.zsh("post", "--"))
        self.assertEqual(self.zsh("post", "--to", ""), ["masto", "team"])
        self.assertEqual(self.zsh("post", "--to=m"), ["masto", "team"])
        self.assertEqual(self.zsh("-c", "other.yaml", "post", "--to", ""), ["elsewhere"])
        self.assertEqual(self.zsh("--calendar=other.yaml", "post", "--to", ""), ["elsewhere"])
        self.assertEqual(self.zsh("--color", ""), ["auto", "always", "never"])
        self.assertEqual(self.zsh("post", "--media", ""), ["<files>"])

    # --- fish -----------------------------------------------------------------------------

    def fish(self, line):
        if shutil.which("fish") is None:
            self.skipTest("fish is not installed")
        path = self.script("fish")
        out = self.run_shell(["fish", "--no-config", "-c",
                              f"source {path}; complete --do-complete='{line}'"])
        return [entry.split("\t")[0] for entry in out]

    def test_fish_script_parses(self):
        if shutil.which("fish") is None:
            self.skipTest("fish is not installed")
        self.run_shell(["fish", "--no-execute", str(self.script("fish"))])

    def test_fish_completes_subcommands_options_accounts_and_files(self):
        self.assertEqual(self.fish("herald po"), ["post"])
        self.assertEqual(self.fish("herald accounts "), ["check"])
        self.assertEqual(self.fish("herald post --te"), ["--text", "--text-file"])
        self.assertEqual(self.fish("herald post --to "), ["masto", "team"])
        self.assertEqual(self.fish("herald post --to masto,"), ["masto,masto", "masto,team"])
        self.assertEqual(self.fish("herald -c other.yaml post --to "), ["elsewhere"])
        self.assertEqual(self.fish("herald --color "), ["always", "auto", "never"])
        self.assertEqual(self.fish("herald post --text-file no"), ["notes.md"])
        self.assertEqual(self.fish("herald completion "), ["bash", "fish", "zsh"])


if __name__ == "__main__":
    main()
