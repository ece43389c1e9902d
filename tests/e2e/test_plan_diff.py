"""herald plan --diff: what a calendar change would do to the queue, against the state or a git
revision, as text, a pull-request comment or JSON (issue 15)."""

import hashlib
import subprocess

from harness import HeraldTest, main

CALENDAR = """name: site
timezone: Europe/Berlin
accounts:
  masto:
    platform: stub
    dir: outbox
defaults:
  to: [masto]
include: more.yaml
posts:
  - id: launch
    at: 2026-12-10 09:00
    text: |
      herald 1.0 is out
      get it now
  - id: gone
    at: 2026-12-11 09:00
    text: bye
  - id: later
    at: 2026-12-12 09:00
    text: later
  - id: old
    at: 2026-12-01 09:00
    text: old news
"""

MORE = """posts:
  - id: included
    at: 2026-12-15 09:00
    text: from the included file
"""


def edited(calendar):
    return calendar.replace("get it now", "get it today").replace(
        "  - id: gone\n    at: 2026-12-11 09:00\n    text: bye\n", "").replace(
        "2026-12-12 09:00", "2026-12-13 10:00") + (
        "  - id: new\n    at: 2026-12-14 09:00\n    text: brand new\n"
        "  - id: soon\n    at: 2026-12-06 09:00\n    text: due a moment ago\n"
        "  - id: late\n    at: 2026-12-05 09:00\n    text: due yesterday\n")


NOW = "2026-12-06T08:30:00Z"  # 09:30 in Berlin


class PlanDiffTest(HeraldTest):
    def git(self, *args):
        subprocess.run(["git", "-C", str(self.dir), *args], check=True, capture_output=True)

    def commit_calendar(self):
        self.git("init", "-q")
        self.git("config", "user.email", "ci@example.org")
        self.git("config", "user.name", "CI")
        self.write("herald.yaml", CALENDAR)
        self.write("more.yaml", MORE)
        self.git("add", "herald.yaml", "more.yaml")
        self.git("commit", "-q", "-m", "calendar")

    def diff(self, *args, now=NOW):
        return self.herald("plan", "--diff", *args, "--now", now)

    def test_against_a_revision_each_kind_of_change(self):
        self.commit_calendar()
        r = self.diff("--against", "HEAD")
        self.assertEqual((r.code, r.out), (0, "plan --diff: no changes\n"))

        self.write("herald.yaml", edited(CALENDAR))
        self.write("more.yaml", MORE.replace("from the included file", "from the include"))
        r = self.diff("--against", "HEAD")
        self.assertExit(r, 1)
        self.assertEqual(r.out, (
            "plan --diff: 3 added, 1 removed, 2 changed, 1 rescheduled\n"
            "+ added  2026-12-05 09:00 late -> masto (stub); missed: its time is past and it will "
            "not be published\n"
            "    + due yesterday\n"
            "+ added  2026-12-06 09:00 soon -> masto (stub); fires at once: its time is past\n"
            "    + due a moment ago\n"
            "~ changed  2026-12-10 09:00 launch -> masto (stub)\n"
            "      herald 1.0 is out\n"
            "    - get it now\n"
            "    + get it today\n"
            "- removed  2026-12-11 09:00 gone -> masto (stub)\n"
            "    - bye\n"
            "> rescheduled  2026-12-13 10:00 (was 2026-12-12 09:00) later -> masto (stub)\n"
            "+ added  2026-12-14 09:00 new -> masto (stub)\n"
            "    + brand new\n"
            "~ changed  2026-12-15 09:00 included -> masto (stub)\n"
            "    - from the included file\n"
            "    + from the include\n"))
        self.assertFalse(self.state.exists(), "a diff must not create the state")

        r = self.herald("--json", "plan", "--diff", "--against", "HEAD", "--now", NOW)
        self.assertExit(r, 1)
        changes = {c["job"]: c for c in r.json()["changes"]}
        self.assertEqual(changes["later/masto"]["kind"], "rescheduled")
        self.assertEqual(changes["later/masto"]["was_utc"], "2026-12-12T08:00:00Z")
        self.assertEqual(changes["launch/masto"]["after"][0]["text"], "herald 1.0 is out\nget it today")
        self.assertTrue(changes["soon/masto"]["fires_at_once"])
        self.assertTrue(changes["late/masto"]["missed"])

    def test_a_pull_request_comment_in_markdown(self):
        self.commit_calendar()
        self.write("herald.yaml", edited(CALENDAR).replace("get it today", "use ```code``` today"))
        r = self.diff("--against", "HEAD", "--format", "markdown")
        self.assertExit(r, 1)
        self.assertTrue(r.out.startswith(
            "### herald plan --diff\n\n`herald.yaml` against `HEAD`: **3 added, 1 removed, "
            "1 changed, 1 rescheduled**\n"), r.out)
        self.assertIn("<details><summary>~ changed: <code>launch</code> &rarr; masto (stub), "
                      "2026-12-10 09:00 (Europe/Berlin)</summary>\n\n"
                      "````diff\n herald 1.0 is out\n-get it now\n+use ```code``` today\n````\n\n"
                      "</details>\n", r.out)
        self.assertEqual(r.out.count("<details>"), r.out.count("</details>"))

    def test_against_the_state_an_edit_of_a_published_post_is_not_sent_again(self):
        self.write("herald.yaml", CALENDAR)
        self.write("more.yaml", MORE)
        self.assertExit(self.herald("run", "--now", "2026-12-01T07:00:00Z"), 0)
        r = self.herald("run", "--now", "2026-12-10T08:00:00Z")
        self.assertExit(r, 1)  # `old` was missed
        self.assertIn("posted     launch/masto", r.out)
        r = self.diff(now="2026-12-10T08:30:00Z")
        self.assertEqual((r.code, r.out), (0, "plan --diff: no changes\n"))

        self.write("herald.yaml", edited(CALENDAR))
        before = hashlib.sha256(self.state.read_bytes()).hexdigest()
        r = self.diff(now="2026-12-10T08:30:00Z")
        self.assertExit(r, 1)
        self.assertIn("= already-published  2026-12-10 09:00 launch -> masto (stub); already "
                      "published: the edit is not sent again\n"
                      "      herald 1.0 is out\n    - get it now\n    + get it today\n", r.out)
        self.assertIn("- removed  2026-12-11 09:00 gone -> masto (stub)\n", r.out)
        self.assertIn("+ added  2026-12-06 09:00 soon -> masto (stub); missed:", r.out)
        self.assertEqual(hashlib.sha256(self.state.read_bytes()).hexdigest(), before)
        # The run then does what the diff said.
        self.assertExit(self.herald("run", "--now", "2026-12-10T08:31:00Z"), 1)  # two missed
        r = self.diff(now="2026-12-10T08:32:00Z")
        self.assertIn("plan --diff: 1 already published\n", r.out)

    def test_invalid_calendars_and_unknown_revisions_exit_2(self):
        self.commit_calendar()
        r = self.diff("--against=--output=x")
        self.assertExit(r, 2)
        self.assertIn("a revision cannot be empty or start with '-'", r.err)
        self.assertFalse((self.dir / "x").exists())
        r = self.diff("--against", "no-such-branch")
        self.assertExit(r, 2)
        self.assertIn("herald: error: --against no-such-branch: not a revision of a git repository at",
                      r.err)
        self.write("herald.yaml", CALENDAR.replace("text: bye", "txt: bye"))
        r = self.diff("--against", "HEAD")
        self.assertExit(r, 2)
        self.assertIn("herald.yaml:18:5: error: unknown key 'txt' in post 'gone'", r.err)
        self.git("commit", "-q", "-am", "broken")
        self.write("herald.yaml", CALENDAR)
        r = self.diff("--against", "HEAD")
        self.assertExit(r, 2)
        self.assertIn("herald: the calendar at HEAD has errors:\n", r.err)
        self.assertIn("herald.yaml:18:5: error: unknown key 'txt' in post 'gone'", r.err)
        self.git("rm", "-q", "--cached", "more.yaml")
        self.git("commit", "-q", "-m", "no include")
        r = self.diff("--against", "HEAD")
        self.assertExit(r, 2)
        self.assertIn("cannot read included file 'more.yaml': not at HEAD", r.err)


if __name__ == "__main__":
    main()
