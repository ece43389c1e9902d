"""The GitHub Action's post step (scripts/ci/herald-action.sh) run as GitHub would run it, without
GitHub: inputs in INPUT_* variables, outputs to a $GITHUB_OUTPUT file, each run in a fresh
directory with no state, as on a fresh runner."""

import os
import re
import shutil
import subprocess
from pathlib import Path

from platforms.mastodon.fake import FakeMastodon
from harness import HERALD, SOURCE_DIR, HeraldTest, main

SCRIPT = SOURCE_DIR / "scripts" / "ci" / "herald-action.sh"
TOKEN = "s3cr3t 'action\" token"  # quotes and a space: the value must arrive as it is

# Three accounts; the job has the secret of one only.
CALENDAR = """
accounts:
  masto:
    platform: mastodon
    url: {url}
    token_env: MASTODON_TOKEN
  team:
    platform: discord
    webhook_env: DISCORD_WEBHOOK_URL
  chat:
    platform: slack
    webhook_env: SLACK_WEBHOOK_URL
posts: []
"""

STUB = """
accounts:
  outbox:
    platform: stub
    dir: outbox
posts: []
"""

TEXT = "herald 1.2.0 is out: https://example.org/herald/releases/1.2.0"


def read_outputs(path):
    """$GITHUB_OUTPUT: name=value lines and name<<DELIMITER blocks."""
    outputs = {}
    lines = path.read_text().splitlines() if path.exists() else []
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, i + 1)
            outputs[name] = "\n".join(lines[i + 1:end])
            i = end + 1
        else:
            name, value = line.split("=", 1)
            outputs[name] = value
            i += 1
    return outputs


class ActionTest(HeraldTest):
    def setUp(self):
        super().setUp()
        self.runs = 0

    def action(self, inputs, calendar_text, extra_env=None, files=None):
        """One run of the action script in a fresh directory: a new runner, no state."""
        # The same path each time, as a runner's workspace has, emptied: nothing survives.
        self.runs += 1
        run_dir = self.dir / "runner"
        shutil.rmtree(run_dir, ignore_errors=True)
        (run_dir / "tmp").mkdir(parents=True)
        for name, content in (files or {}).items():
            if isinstance(content, bytes):
                (run_dir / name).write_bytes(content)
            else:
                (run_dir / name).write_text(content)
        (run_dir / "herald.yaml").write_text(calendar_text)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(run_dir / "home"),
            "XDG_STATE_HOME": str(run_dir / "state"),
            "XDG_CONFIG_HOME": str(run_dir / "config"),
            "TMPDIR": str(run_dir / "tmp"),
            "TZ": "UTC",
            "LC_ALL": "C.UTF-8",
            "HERALD": HERALD,
            "GITHUB_OUTPUT": str(run_dir / "github_output"),
            "GITHUB_STEP_SUMMARY": str(run_dir / "summary.md"),
        }
        env.update({f"INPUT_{name.upper().replace('-', '_')}": value
                    for name, value in inputs.items()})
        env.update(extra_env or {})
        completed = subprocess.run(["bash", str(SCRIPT)], cwd=run_dir, env=env,
                                   capture_output=True, text=True, timeout=120)
        completed.outputs = read_outputs(run_dir / "github_output")
        completed.dir = run_dir
        # The credentials file is gone with its private directory.
        self.assertEqual(list((run_dir / "tmp").iterdir()), [])
        return completed

    def assertNoSecret(self, run, secret=TOKEN):
        for where in (run.stdout, run.stderr, (run.dir / "github_output").read_text()
                      if (run.dir / "github_output").exists() else ""):
            self.assertNotIn(secret, where)

    # --- the scenario ----------------------------------------------------------------

    def test_twice_on_fresh_runners_publishes_once(self):
        fake = FakeMastodon(token=TOKEN).start()
        self.addCleanup(fake.stop)
        calendar = CALENDAR.format(url=fake.url)
        inputs = {"to": "masto", "text": TEXT, "secrets": f"MASTODON_TOKEN={TOKEN}\n"}

        first = self.action(inputs, calendar)
        self.assertNoSecret(first)
        self.assertEqual(first.returncode, 0, first.stdout + first.stderr)
        [line] = [line for line in first.stdout.splitlines() if line.startswith("{")]
        [status_post] = fake.status_posts()
        self.assertEqual(status_post["json"]["status"], TEXT)
        self.assertEqual(status_post["headers"]["authorization"], f"Bearer {TOKEN}")
        [status] = fake.statuses.values()
        self.assertIn('"status":"posted"', line)
        self.assertEqual(first.outputs["urls"], status["url"])
        self.assertEqual(first.outputs["json"], line)
        self.assertEqual(first.outputs["exit-code"], "0")

        second = self.action(inputs, calendar)
        self.assertNoSecret(second)
        # Nothing published: no second status, not even a request that the platform's
        # Idempotency-Key would have absorbed.
        self.assertEqual(len(fake.status_posts()), 1, fake.status_posts())
        self.assertEqual(len(fake.statuses), 1)
        self.assertEqual(second.returncode, 0, second.stdout + second.stderr)
        [line] = [line for line in second.stdout.splitlines() if line.startswith("{")]
        self.assertIn('"status":"already-posted"', line)
        self.assertEqual(second.outputs["urls"], status["url"])
        self.assertEqual(second.outputs["exit-code"], "0")

    # --- inputs and outputs (stub platform: no network) ---------------------------------------

    def test_outputs_summary_media_and_args(self):
        # Media sit in the workspace, the working directory, as in a workflow.
        shot = b"\x89PNG\r\n\x1a\n" + bytes(64)
        run = self.action({"to": "outbox", "text-file": "notes.md",
                           "media": "shot.png\n", "alt": "A screenshot\n",
                           "args": "--id \"release-1.2\" --verbose"},
                          STUB, extra_env={}, files={"shot.png": shot})
        # The text file is relative to the working directory, as in a workflow.
        self.assertEqual(run.returncode, 2, run.stderr)
        self.assertEqual(run.stderr, "herald: error: cannot read --text-file notes.md\n")

        run = self.action({"to": "outbox", "text-file": "notes.md",
                           "media": "shot.png\n", "alt": "A screenshot\n",
                           "args": "--id \"release-1.2\" --verbose"}, STUB,
                          files={"notes.md": TEXT + "\n", "shot.png": shot})
        self.assertEqual(run.returncode, 0, run.stderr)
        [line] = run.outputs["json"].splitlines()
        self.assertIn('"post":"release-1.2"', line)
        self.assertIn('"status":"posted"', line)
        [posted] = (run.dir / "outbox").glob("*.json")
        self.assertIn(TEXT, posted.read_text())
        self.assertIn("A screenshot", posted.read_text())
        self.assertEqual(run.outputs["exit-code"], "0")
        summary = (run.dir / "summary.md").read_text()
        self.assertIn("| account | status | url or error |\n|---|---|---|\n| outbox | posted |",
                      summary)

    def test_a_state_kept_in_a_cache_remembers_the_post(self):
        # Where the platform cannot be asked (a webhook), the state restored from a cache is
        # what stops a re-run from posting again.
        inputs = {"to": "outbox", "text": TEXT, "state": str(self.dir / "cache" / "state.db")}
        first = self.action(inputs, STUB)
        self.assertEqual(first.returncode, 0, first.stderr)
        self.assertEqual(len(list((first.dir / "outbox").glob("*.json"))), 1)
        self.assertEqual(oct((self.dir / "cache").stat().st_mode & 0o777), "0o700")
        second = self.action(inputs, STUB)
        self.assertEqual(second.returncode, 0, second.stderr)
        self.assertFalse((second.dir / "outbox").exists())
        [line] = second.outputs["json"].splitlines()
        self.assertIn('"status":"already-posted"', line)

    def test_a_failure_sets_the_outputs_and_the_exit_status(self):
        run = self.action({"to": "nobody", "text": TEXT}, STUB)
        self.assertEqual(run.returncode, 2, run.stderr)
        self.assertEqual(run.outputs["exit-code"], "2")
        self.assertEqual(run.outputs["urls"], "")

    def test_bad_inputs_are_usage_errors(self):
        cases = [
            ({"text": TEXT}, "herald-action: the 'to' input is required: the accounts to post "
                             "to, e.g. masto,team\n"),
            ({"to": "outbox"}, "herald-action: give 'text' or 'text-file': what to post\n"),
            ({"to": "outbox", "text": TEXT, "text-file": "x"},
             "herald-action: give 'text' or 'text-file', not both\n"),
            ({"to": "outbox", "text": TEXT, "media": "a.png\nb.png\n", "alt": "A\n"},
             "herald-action: every media file needs its alt text, one a line (got 2 media and "
             "1 alt)\n"),
            ({"to": "outbox", "text": TEXT, "args": "--id 'unbalanced"},
             None),
            # A malformed secrets line may be a secret: its number is told, never its text.
            ({"to": "outbox", "text": TEXT, "secrets": "A=1\nsecret-value-without-name\n"},
             "herald-action: secrets line 2: expected NAME=value\n"),
        ]
        for inputs, message in cases:
            with self.subTest(inputs=inputs):
                run = self.action(inputs, STUB)
                self.assertEqual(run.returncode, 2)
                self.assertEqual(run.stdout, "")
                if message is None:
                    self.assertTrue(run.stderr.startswith(
                        "herald-action: cannot split the 'args' input: xargs: unmatched"),
                        run.stderr)
                else:
                    self.assertEqual(run.stderr, message)
                self.assertNotIn("secret-value-without-name", run.stderr)

    def test_secrets_are_registered_with_github_masking_and_never_printed(self):
        fake = FakeMastodon(token=TOKEN).start()
        self.addCleanup(fake.stop)
        calendar = """
accounts:
  masto:
    platform: mastodon
    url: {url}
    token_env: MASTODON_TOKEN
posts: []
""".format(url=fake.url)
        secrets = f"# a comment\n\nMASTODON_TOKEN={TOKEN}\r\nUNUSED_TOKEN=other-s3cret\nEMPTY=\n"
        run = self.action({"to": "masto", "text": TEXT, "secrets": secrets}, calendar,
                          extra_env={"GITHUB_ACTIONS": "true"})
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        # The workflow command is the only place a value appears, and GitHub's runner eats it.
        mask_lines = [line for line in run.stdout.splitlines() if line.startswith("::add-mask::")]
        self.assertEqual(mask_lines, [f"::add-mask::{TOKEN}", "::add-mask::other-s3cret"])
        rest = "\n".join(line for line in run.stdout.splitlines()
                         if not line.startswith("::add-mask::"))
        self.assertNotIn(TOKEN, rest + run.stderr)
        self.assertNotIn("other-s3cret", rest + run.stderr)
        [status_post] = fake.status_posts()
        self.assertEqual(status_post["headers"]["authorization"], f"Bearer {TOKEN}")


class ActionFilesTest(HeraldTest):
    """action.yml, its scripts and the CI examples agree (read as text: no YAML library)."""

    def inputs(self):
        text = (SOURCE_DIR / "action.yml").read_text()
        block = text[text.index("\ninputs:\n"):text.index("\noutputs:\n")]
        return re.findall(r"^  ([a-z-]+):$", block, re.M)

    def test_every_input_reaches_the_script(self):
        action = (SOURCE_DIR / "action.yml").read_text()
        script = SCRIPT.read_text()
        inputs = self.inputs()
        self.assertEqual(inputs, ["to", "text", "text-file", "media", "alt", "calendar", "state",
                                  "secrets", "args"])
        for name in inputs:
            variable = "INPUT_" + name.upper().replace("-", "_")
            self.assertIn(f"        {variable}: ${{{{ inputs.{name} }}}}\n", action)
            self.assertIn(variable, script)
        for output in ("urls", "json", "exit-code"):
            self.assertIn(f"    value: ${{{{ steps.post.outputs.{output} }}}}\n", action)
            self.assertIn(f"{output}", script)

    def test_the_github_example_uses_only_inputs_the_action_has(self):
        example = (SOURCE_DIR / "examples" / "ci" / "github-release.yml").read_text()
        step = example[example.index("uses: <owner>/herald@v1"):]
        block = step[step.index("with:\n"):step.index("\n      - ")]
        used = re.findall(r"^          ([a-z-]+):", block, re.M)
        self.assertEqual(used, ["to", "text", "state", "args", "secrets"])
        self.assertTrue(set(used) <= set(self.inputs()))

    def test_the_scripts_pass_shellcheck(self):
        if shutil.which("shellcheck") is None:
            self.skipTest("shellcheck is not installed")
        scripts = sorted((SOURCE_DIR / "scripts" / "ci").glob("*.sh"))
        self.assertEqual([p.name for p in scripts],
                         ["herald-action-install.sh", "herald-action.sh"])
        r = subprocess.run(["shellcheck", *map(str, scripts)], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout)

    def test_the_cache_key_names_the_image_and_the_sources(self):
        script = SOURCE_DIR / "scripts" / "ci" / "herald-action-install.sh"
        keys = {subprocess.run(["bash", str(script), "key"], capture_output=True, text=True,
                               check=True).stdout for _ in range(2)}
        self.assertEqual(len(keys), 1)
        self.assertRegex(keys.pop(), r"^key=herald-deb-[a-z]+[\d.]*-[a-z0-9_]+-[0-9a-f]{16}\n$")


if __name__ == "__main__":
    main()
