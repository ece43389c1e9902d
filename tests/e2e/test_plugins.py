"""The exec platform: the example plugins from the README, a plugin written from the manual
alone, and deliberately broken plugins that must not hang herald or disturb other accounts."""

import json
import os
import shutil
import subprocess
import time

from platforms.webhook.fake import WebhookFake
from harness import HERALD, SANITIZED, SOURCE_DIR, HeraldTest, main

EXAMPLES = SOURCE_DIR / "examples" / "plugins"
BROKEN = SOURCE_DIR / "tests" / "e2e" / "plugins"

BEFORE = "2026-11-30T12:00:00Z"
AT = "2026-12-01T09:00:10Z"


def alive(pid):
    """Whether `pid` runs (a zombie does not: it was killed, and waits to be reaped)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False


class PluginTest(HeraldTest):
    def setUp(self):
        super().setUp()
        shutil.copytree(EXAMPLES, self.dir / "examples", ignore=shutil.ignore_patterns("*.txt"))
        shutil.copytree(BROKEN, self.dir / "plugins")

    def jobs(self):
        jobs = {j["job"]: j for j in self.herald("--json", "status", "--all").json()}
        jobs.update({j["job"]: j for j in self.herald("--json", "history").json()})
        return jobs

    def fire(self, *args, env=None, timeout=60):
        """Syncs the day before, then runs at the launch; returns (result, seconds, lines)."""
        first = self.herald("run", "--now", BEFORE, env=env)
        self.assertEqual(first.code, 0, repr(first))
        started = time.monotonic()
        r = self.herald("--json", *args, "run", "--now", AT, env=env, timeout=timeout)
        took = time.monotonic() - started
        return r, took, {line["job"]: line for line in r.json_lines()}


class ExamplePluginsTest(PluginTest):
    def test_readme_recipe(self):
        fake = WebhookFake()
        self.addCleanup(fake.stop)
        env = {"TEAM_WEBHOOK_URL": fake.url("/hook")}
        calendar = self.dir / "examples" / "herald.yaml"
        r = self.herald("validate", calendar=calendar, env=env)
        self.assertExit(r, 0)
        self.assertEqual(r.out, f"{calendar}: OK (2 posts, 2 accounts)\n")
        r = self.herald("accounts", "check", calendar=calendar, env=env)
        self.assertExit(r, 0)
        posts = self.dir / "examples" / "posts.txt"
        self.assertIn(f"notes            exec       plugin 'append': appends to {posts}", r.out)
        self.assertIn("team             exec       plugin 'webhook.py': posts to "
                      f"http://127.0.0.1:{fake.port}", r.out)
        r = self.herald("post", "--to", "notes", "--text", "Hello from a plugin",
                        calendar=calendar, env=env)
        self.assertExit(r, 0)
        self.assertIn("posted", r.out)
        text = posts.read_text()
        self.assertRegex(text, r"^## post-[0-9a-f]+/notes herald-[0-9a-f]+-[0-9a-f]+\nHello from a plugin\n\n$")
        self.assertEqual(fake.requests, [])

    def test_append_keeps_text_exactly_and_threads(self):
        self.write("herald.yaml", r"""
            timezone: UTC
            accounts:
              notes:
                platform: exec
                command: [./examples/append.sh, out/posts.txt]
            defaults:
              to: [notes]
            posts:
              - id: tricky
                at: 2026-12-01 09:00
                text: "say \"hi\"\tand\nline two, caf\u00e9 \\o/ 100% \\n is not a newline"
              - id: thread
                at: 2026-12-01 09:00
                thread:
                  - text: one
                  - text: two
            """)
        (self.dir / "out").mkdir()
        r, _, lines = self.fire()
        self.assertExit(r, 0)
        self.assertEqual(lines["tricky/notes"]["status"], "posted")
        key = lines["tricky/notes"]["id"]
        self.assertEqual(lines["tricky/notes"]["url"],
                         f"file://{self.dir}/out/posts.txt#{key}")
        text = (self.dir / "out" / "posts.txt").read_text()
        self.assertIn(f"## tricky/notes {key}\n"
                      "say \"hi\"\tand\nline two, caf\u00e9 \\o/ 100% \\n is not a newline\n\n",
                      text)
        self.assertIn("## thread/notes herald-", text)
        self.assertIn("\none\n\ntwo\n\n", text)

    def test_append_answers_a_resend_with_the_first_result(self):
        request = {"type": "publish", "id": 2, "job": "a/notes", "post": "a", "account": "notes",
                   "idempotency_key": "herald-k-1", "text": "once",
                   "parts": [{"text": "once", "media": []}]}
        lines = [json.dumps({"type": "hello", "id": 1, "protocol": 1}, separators=(",", ":")),
                 json.dumps(request, separators=(",", ":")),
                 json.dumps(dict(request, id=3), separators=(",", ":"))]
        out = subprocess.run([str(self.dir / "examples" / "append.sh"), "p.txt"], cwd=self.dir,
                             input="\n".join(lines) + "\n", capture_output=True, text=True,
                             timeout=30)
        answers = [json.loads(line) for line in out.stdout.splitlines()]
        self.assertEqual([a["id"] for a in answers], [1, 2, 3])
        self.assertEqual(answers[1]["remote_id"], answers[2]["remote_id"])
        self.assertEqual((self.dir / "p.txt").read_text(), "## a/notes herald-k-1\nonce\n\n")

    def test_validate_knows_what_append_cannot_take(self):
        self.write("media/a.png", b"\x89PNG")
        self.write("herald.yaml", """
            timezone: UTC
            accounts:
              notes:
                platform: exec
                command: [./examples/append.sh, posts.txt]
            posts:
              - id: pic
                at: 2026-12-01 09:00
                to: [notes]
                text: look
                media: [{file: media/a.png, alt: a picture}]
            """)
        r = self.herald("validate")
        self.assertExit(r, 2)
        self.assertIn("herald.yaml:10:11: error: post 'pic' for account 'notes' (exec): it has "
                      "media, and plugin 'append' takes none", r.err)

    def test_webhook_forwards_the_long_form_keys_of_herald_post(self):
        fake = WebhookFake(url_base="https://hooks.example/msg")
        self.addCleanup(fake.stop)
        self.webhook_calendar()
        env = {"HOOK": fake.url("/in")}
        r = self.herald("post", "--to", "hook", "--text", "The notes", "--link", "example.org",
                        env=env)
        self.assertExit(r, 2)
        self.assertIn("--link must be an http or https URL", r.err)
        self.assertEqual(fake.requests, [])
        r = self.herald("post", "--to", "hook", "--text", "The notes", "--title", "herald 2.0",
                        "--tag", "release", "--tag", "cpp", "--draft", env=env)
        self.assertExit(r, 0)
        [request] = fake.requests
        self.assertEqual(request.json["article"],
                         {"title": "herald 2.0", "tags": ["release", "cpp"], "published": False})
        # Another title is another post, not a re-run of this one.
        r = self.herald("post", "--to", "hook", "--text", "The notes", "--title", "herald 2.1",
                        env=env)
        self.assertExit(r, 0)
        self.assertEqual(len(fake.requests), 2)
        self.assertEqual(fake.requests[1].json["article"], {"title": "herald 2.1"})

    def webhook_calendar(self, *flags):
        args = ", ".join(["./examples/webhook.py", "--url-env", "HOOK"] + list(flags))
        self.write("herald.yaml", f"""
            timezone: UTC
            accounts:
              hook:
                platform: exec
                command: [{args}]
                env: [HOOK]
            defaults:
              to: [hook]
            posts:
              - id: launch
                at: 2026-12-01 09:00
                text: Launch day
            """)

    def test_webhook_posts_json_with_the_idempotency_key(self):
        fake = WebhookFake(url_base="https://hooks.example/msg")
        self.addCleanup(fake.stop)
        self.webhook_calendar()
        secret = "s3cret-path-token"
        r, _, lines = self.fire("-v", env={"HOOK": fake.url(f"/in/{secret}")})
        self.assertExit(r, 0)
        [request] = fake.requests
        key = request.headers["idempotency-key"]
        self.assertTrue(key.startswith("herald-"))
        self.assertEqual(request.path, f"/in/{secret}")
        self.assertEqual(request.json, {
            "job": "launch/hook", "post": "launch", "account": "hook", "idempotency_key": key,
            "text": "Launch day", "parts": [{"text": "Launch day", "media": []}]})
        self.assertEqual((lines["launch/hook"]["status"], lines["launch/hook"]["id"],
                          lines["launch/hook"]["url"]),
                         ("posted", "hook-1", "https://hooks.example/msg/hook-1"))
        # -v shows the plugin's stderr and the exchange, never the secret URL.
        self.assertIn(f"herald: exec hook: stderr: webhook.py: HTTP 200 from "
                      f"http://127.0.0.1:{fake.port}", r.err)
        self.assertIn('herald: exec hook: > {"type":"publish","id":2,', r.err)
        self.assertNotIn(secret, r.out + r.err)

    def test_webhook_failures_keep_their_kind(self):
        fake = WebhookFake()
        self.addCleanup(fake.stop)
        env = {"HOOK": fake.url("/in")}
        with self.subTest("a server error may have published: unknown"):
            self.webhook_calendar()
            fake.fail_next(1, 500)
            r, _, lines = self.fire(env=env)
            self.assertExit(r, 1)
            self.assertEqual(lines["launch/hook"]["status"], "unknown")
            self.assertEqual(lines["launch/hook"]["error"],
                             f"maybe-sent: plugin ./examples/webhook.py: http://127.0.0.1:"
                             f"{fake.port} failed after receiving the post: HTTP 500")
        shutil.rmtree(self.state.parent)
        with self.subTest("429 with Retry-After: retried then"):
            fake.fail_next(1, 429, headers={"Retry-After": "120"})
            r, _, lines = self.fire(env=env)
            self.assertExit(r, 1)
            self.assertEqual(lines["launch/hook"]["status"], "retry-wait")
            self.assertIn("(attempt 1 of 5; next at 2026-12-01T09:02:10Z)",
                          lines["launch/hook"]["error"])
        shutil.rmtree(self.state.parent)
        with self.subTest("an idempotent endpoint is retried with the same key"):
            self.webhook_calendar("--idempotent")
            fake.fail_next(1, 502)
            r, _, lines = self.fire(env=env)
            self.assertEqual(lines["launch/hook"]["status"], "retry-wait")
            job = self.jobs()["launch/hook"]
            r = self.herald("--json", "run", "--now", job["next_attempt"], env=env)
            self.assertEqual(r.json_lines()[0]["status"], "posted")
            keys = {req.headers["idempotency-key"] for req in fake.requests[-2:]}
            self.assertEqual(len(keys), 1)

    def test_webhook_validate_uses_the_plugin_rules(self):
        self.webhook_calendar("--max-length", "5")
        r = self.herald("validate", env={"HOOK": "https://example.org/h"})
        self.assertExit(r, 2)
        self.assertIn("herald.yaml:12:11: error: post 'launch' for account 'hook' (exec): it is "
                      "too long for plugin 'webhook.py': text is 10 Unicode code points, the "
                      "limit is 5", r.err)
        r = self.herald("validate")
        self.assertExit(r, 2)
        self.assertIn("herald.yaml:6:10: error: account 'hook': environment variable HOOK (env) "
                      "is not set", r.err)


class FromManualTest(PluginTest):
    """tests/e2e/plugins/from_manual.py was written from herald-plugins(7) alone."""

    def calendar(self, posts):
        self.write("herald.yaml", """
            timezone: UTC
            accounts:
              stamps:
                platform: exec
                command: [./plugins/from_manual.py]
                options: {dir: stamps}
            defaults:
              to: [stamps]
            posts:
            """ + posts)

    def test_validate_applies_capabilities_and_the_plugin_rules(self):
        self.write("media/a.png", b"\x89PNG")
        self.calendar("""
              - id: todo
                at: 2026-12-01 09:00
                text: TODO write this
              - id: long
                at: 2026-12-01 09:00
                text: This sentence is a good deal longer than fifty characters.
              - id: fine
                at: 2026-12-01 09:00
                text: Fine
                media: [{file: media/a.png, alt: a picture}]
            """)
        r = self.herald("validate")
        self.assertExit(r, 2)
        self.assertEqual(r.err.splitlines()[:2], [
            "herald.yaml:11:5: error: post 'todo' for account 'stamps' (plugin 'stamps'): the "
            "post still says TODO",
            "herald.yaml:16:11: error: post 'long' for account 'stamps' (exec): it is too long "
            "for plugin 'stamps': text is 58 characters, the limit is 50",
        ])

    def test_publishes_retries_a_rate_limit_and_checks(self):
        self.write("media/a.png", b"\x89PNG")
        self.calendar("""
              - id: pic
                at: 2026-12-01 09:00
                thread:
                  - text: one
                    media: [{file: media/a.png, alt: a picture}]
                  - text: two
              - id: z-busy  # after pic: a rate limit halts the account for the run
                at: 2026-12-01 09:00
                text: "busy #ratelimit"
            """)
        r = self.herald("accounts", "check")
        self.assertExit(r, 0)
        self.assertIn(f"plugin 'stamps': stamps go to {self.dir}/stamps", r.out)
        r, _, lines = self.fire()
        self.assertEqual(lines["pic/stamps"]["status"], "posted")
        self.assertEqual(lines["pic/stamps"]["id"], "stamp-1")
        stamp = json.loads((self.dir / "stamps" / "stamp-1.json").read_text())
        self.assertEqual([p["text"] for p in stamp["parts"]], ["one", "two"])
        self.assertEqual(stamp["parts"][0]["media"],
                         [{"file": str(self.dir / "media" / "a.png"), "alt": "a picture"}])
        self.assertEqual(stamp["media_exist"], [True])
        self.assertEqual(lines["z-busy/stamps"]["status"], "retry-wait")
        self.assertEqual(lines["z-busy/stamps"]["error"],
                         "rate-limited: plugin ./plugins/from_manual.py: slow down (attempt 1 "
                         "of 5; next at 2026-12-01T09:01:10Z)")
        r = self.herald("--json", "run", "--now", "2026-12-01T09:01:10Z")
        self.assertExit(r, 0)
        self.assertEqual(r.json_lines()[0]["id"], "stamp-2")

    def test_a_rate_limit_pauses_the_account_for_the_rest_of_the_run(self):
        self.calendar("""
              - id: a-busy
                at: 2026-12-01 09:00
                text: "busy #ratelimit"
              - id: b-later
                at: 2026-12-01 09:00
                text: after the busy one
            """)
        r, _, lines = self.fire()
        self.assertExit(r, 1)
        self.assertEqual(lines["a-busy/stamps"]["status"], "retry-wait")
        self.assertEqual((lines["b-later/stamps"]["status"], lines["b-later/stamps"].get("error")),
                         ("skipped", "account 'stamps' is rate-limited until "
                                     "2026-12-01T09:01:10Z; left for the next run"))
        self.assertEqual(sorted(p.name for p in (self.dir / "stamps").glob("stamp-*")), [])
        r = self.herald("--json", "run", "--now", "2026-12-01T09:01:10Z")
        self.assertExit(r, 0)
        self.assertEqual(sorted(l["status"] for l in r.json_lines()), ["posted", "posted"])


BROKEN_CALENDAR = """
timezone: UTC
accounts:
  good:
    platform: stub
    dir: outbox
  notes:
    platform: exec
    command: [./examples/append.sh, posts.txt]
  bad:
    platform: exec
    command: [{command}]
    timeout: 2s
    hello_timeout: 2s
defaults:
  to: [good, notes, bad]
posts:
  - id: launch
    at: 2026-12-01 09:00
    text: Launch day
{more}
"""


class BrokenPluginTest(PluginTest):
    def calendar(self, command, more=""):
        self.write("herald.yaml", BROKEN_CALENDAR.format(command=command, more=more))

    def run_broken(self, command, more=""):
        """Runs with a broken `bad` account; checks that the others were published and that
        herald came back in time; returns the bad job's line."""
        self.calendar(command, more)
        r, took, lines = self.fire()
        self.assertExit(r, 1)
        self.assertLess(took, 15, repr(r))
        self.assertEqual(lines["launch/good"]["status"], "posted", repr(r))
        self.assertEqual(lines["launch/notes"]["status"], "posted", repr(r))
        self.assertIn("launch~good.json", self.outbox())
        self.assertIn("Launch day", (self.dir / "posts.txt").read_text())
        return lines["launch/bad"]

    def assertOutcome(self, line, status, error):
        self.assertEqual((line["status"], line["error"]), (status, error))
        self.assertEqual(self.jobs()["launch/bad"]["state"], status)

    def test_hang_before_reading_is_killed_with_its_children_and_retried(self):
        bad = self.run_broken("./plugins/hang.sh, pids.txt")
        self.assertOutcome(bad, "retry-wait",
                           "not-sent: plugin ./plugins/hang.sh: no answer to hello within 2s; "
                           "stopped it (attempt 1 of 5; next at 2026-12-01T09:01:11Z)")
        pids = [int(p) for p in (self.dir / "pids.txt").read_text().split()]
        self.assertEqual(len(pids), 2)
        self.assertFalse(any(alive(pid) for pid in pids))

    def test_hang_after_reading_a_publish_is_unknown(self):
        bad = self.run_broken("./plugins/broken.py, hang-publish, --pids, pids.txt")
        self.assertOutcome(bad, "unknown",
                           "maybe-sent: plugin ./plugins/broken.py: no answer to publish within "
                           "2s; stopped it; it may have published")
        pids = [int(p) for p in (self.dir / "pids.txt").read_text().split()]
        self.assertFalse(any(alive(pid) for pid in pids))

    def test_hang_of_an_idempotent_plugin_is_retried(self):
        bad = self.run_broken("./plugins/broken.py, hang-publish, --idempotent")
        self.assertOutcome(bad, "retry-wait",
                           "not-sent: plugin ./plugins/broken.py: no answer to publish within 2s; "
                           "stopped it; it declared \"idempotent\": true, so the same idempotency "
                           "key is sent again (attempt 1 of 5; next at 2026-12-01T09:01:11Z)")

    def test_a_hanging_plugin_costs_one_timeout_per_run(self):
        more = "".join(f"  - id: more-{i}\n    at: 2026-12-01 09:00\n    text: More {i}\n"
                       for i in range(4))
        self.calendar("./plugins/broken.py, hang-publish", more)
        r, took, lines = self.fire()
        self.assertLess(took, 10, repr(r))
        bad = {job: line["status"] for job, line in lines.items() if job.endswith("/bad")}
        self.assertEqual(sorted(bad.values()), ["retry-wait", "skipped", "skipped", "skipped",
                                                "unknown"])
        self.assertTrue(all(line["status"] == "posted" for job, line in lines.items()
                            if not job.endswith("/bad")))

    def test_crash_mid_publish(self):
        bad = self.run_broken("./plugins/broken.py, crash-publish")
        self.assertOutcome(bad, "unknown",
                           "maybe-sent: plugin ./plugins/broken.py: closed its output (exited "
                           "with status 1) before answering publish (its last stderr line: "
                           "\"RuntimeError: boom\"); it may have published")

    def test_invalid_json(self):
        with self.subTest("in answer to a publish"):
            bad = self.run_broken("./plugins/broken.py, garbage-publish")
            self.assertOutcome(bad, "unknown",
                               "maybe-sent: plugin ./plugins/broken.py: it answered publish "
                               "with a line that is not a JSON object: \"<html>502 Bad "
                               "Gateway</html>\"; it may have published")
        shutil.rmtree(self.state.parent)
        with self.subTest("in answer to hello"):
            bad = self.run_broken("./plugins/broken.py, garbage-hello")
            self.assertOutcome(bad, "retry-wait",
                               "not-sent: plugin ./plugins/broken.py: it answered hello with a "
                               "line that is not a JSON object: \"Usage: broken.py [options]\" "
                               "(attempt 1 of 5; next at 2026-12-01T09:01:11Z)")

    def test_an_answer_that_is_not_utf8(self):
        bad = self.run_broken("./plugins/broken.py, latin1-publish")
        self.assertOutcome(bad, "unknown",
                           "maybe-sent: plugin ./plugins/broken.py: its answer to publish (line 2 "
                           "of its output) is not UTF-8: byte 0xe9 at byte offset 43; it may have "
                           "published")
        r = self.herald("--json", "status", "--all")  # the state holds no bad byte either
        self.assertExit(r, 0)
        self.assertEqual({j["job"]: j["state"] for j in r.json()}["launch/bad"], "unknown")

    def test_wrong_protocol_version_fails_for_good(self):
        bad = self.run_broken("./plugins/broken.py, protocol-2")
        self.assertOutcome(bad, "failed",
                           "permanent: plugin ./plugins/broken.py: it speaks protocol 2, and "
                           "this herald speaks protocol 1; use a version of the plugin made for "
                           "protocol 1")

    def test_huge_output(self):
        bad = self.run_broken("./plugins/broken.py, huge-publish")
        self.assertOutcome(bad, "unknown",
                           "maybe-sent: plugin ./plugins/broken.py: wrote an answer line longer "
                           "than 1048576 bytes in answer to publish; stopped it; it may have "
                           "published")

    def test_a_flood_while_herald_writes_a_long_request_is_capped(self):
        # A long post: herald is still writing the request while the plugin, reading it slowly,
        # writes far more short lines than one answer. Only one answer line is ever buffered.
        more = ("  - id: long\n    at: 2026-12-01 09:00\n    to: [bad]\n    text: "
                + "word " * 60000 + "\n")
        self.calendar("./plugins/broken.py, flood-publish", more)
        first = self.herald("run", "--now", BEFORE)
        self.assertExit(first, 0)
        measured = subprocess.run(
            ["python3", "-c", "import resource, subprocess, sys\n"
             "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
             "print(done.stdout, end='')\n"
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
             "sys.exit(done.returncode)",
             HERALD, "-c", "herald.yaml", "--json", "run", "--now", AT],
            cwd=self.dir, env=self.env, capture_output=True, text=True, timeout=60)
        peak_kib = int(measured.stderr.split()[-1])
        lines = {line["job"]: line for line in map(json.loads, measured.stdout.splitlines())}
        self.assertEqual(lines["launch/bad"]["status"], "posted", measured.stdout)
        self.assertEqual(lines["long/bad"]["status"], "retry-wait")
        self.assertEqual(lines["long/bad"]["error"],
                         "not-sent: plugin ./plugins/broken.py: wrote more than one answer line "
                         "(1048576 bytes) before reading the whole request in answer to publish; "
                         "stopped it (attempt 1 of 5; next at 2026-12-01T09:01:11Z)")
        # The largest process of the run (herald, or a plugin) stays small; under a sanitizer
        # the figure is mostly its shadow memory, and the main build checks it.
        if not SANITIZED:
            self.assertLess(peak_kib, 60 * 1024)

    def test_a_plugin_inherits_no_descriptor_beyond_its_standard_three(self):
        self.calendar("./plugins/fds.py, fds.txt")
        self.assertExit(self.herald("run", "--now", BEFORE), 0)
        # A descriptor herald itself inherited, not close-on-exec (as cron or a shell may leave).
        inherited = os.open(self.dir / "herald.yaml", os.O_RDONLY)
        os.set_inheritable(inherited, True)
        try:
            done = subprocess.run([HERALD, "-c", "herald.yaml", "run", "--now", AT], cwd=self.dir,
                                  env=self.env, capture_output=True, text=True, timeout=60,
                                  pass_fds=(inherited,))
        finally:
            os.close(inherited)
        self.assertEqual(done.returncode, 0, done.stderr)
        listed = (self.dir / "fds.txt").read_text().splitlines()
        self.assertEqual([line.split(" -> ")[0] for line in listed], ["0", "1", "2"],
                         "\n".join(listed))

    def test_unknown_message(self):
        bad = self.run_broken("./plugins/broken.py, unknown-publish")
        self.assertOutcome(bad, "unknown",
                           "maybe-sent: plugin ./plugins/broken.py: it answered publish with an "
                           "unknown message type 'surprise'; it may have published")

    def test_exit_at_start(self):
        bad = self.run_broken("./plugins/broken.py, exit-hello")
        self.assertEqual(bad["status"], "retry-wait")
        self.assertRegex(bad["error"], r"^not-sent: plugin ./plugins/broken.py: (closed its "
                                       r"output|closed its input) \(exited with status 3\) before "
                                       r"answering hello \(attempt 1 of 5")

    def test_validate_and_check_come_back_from_a_hanging_plugin(self):
        self.calendar("./plugins/hang.sh")
        started = time.monotonic()
        r = self.herald("validate")
        self.assertLess(time.monotonic() - started, 10)
        self.assertExit(r, 2)
        self.assertIn("herald.yaml:11:14: error: account 'bad': plugin ./plugins/hang.sh: no "
                      "answer to hello within 2s; stopped it", r.err)
        started = time.monotonic()
        r = self.herald("accounts", "check")
        self.assertLess(time.monotonic() - started, 10)
        self.assertExit(r, 1)
        self.assertIn("failed      bad              exec       plugin ./plugins/hang.sh: no "
                      "answer to hello within 2s; stopped it", r.out)
        self.assertIn("ok          good", r.out)

    def test_a_missing_program_is_a_calendar_error(self):
        self.calendar("./plugins/nope.py")
        r = self.herald("validate")
        self.assertExit(r, 2)
        self.assertIn(f"herald.yaml:11:14: error: account 'bad': plugin program './plugins/nope.py' "
                      f"not found (looked for {self.dir}/plugins/nope.py)", r.err)


if __name__ == "__main__":
    main()
