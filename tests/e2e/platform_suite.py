"""The set-up every platform's end-to-end suite shares (platforms/<name>/test_*.py): start the
platform's fake for the test, write a calendar from the suite's template, hand the account's
secrets to each herald run, run ticks at given times, and find a job wherever herald lists it.

    class XTest(PlatformTest):
        def setUp(self):
            super().setUp()
            self.start_fake(XFake(token=TOKEN))
            self.secrets = {"X_TOKEN": TOKEN}

        def test_posts(self):
            self.write_calendar(CALENDAR, url=self.fake.url(), body=TEXT)
            self.assertExit(self.run_at(BEFORE, DUE), 0)
"""

from harness import HeraldTest


class PlatformTest(HeraldTest):
    def setUp(self):
        super().setUp()
        self.fake = None
        # The environment each herald run of the suite gets on top of the test's own: the
        # account's secrets. A run given env= gets that instead (to leave a secret out).
        self.secrets = {}

    def start_fake(self, fake):
        """`fake` (already listening) becomes self.fake, and is stopped when the test ends."""
        self.fake = fake
        self.addCleanup(fake.stop)
        return fake

    def write_calendar(self, template, **fields):
        """herald.yaml from `template` (str.format); text fields lose their trailing newline, so
        that a block of YAML can be handed in as written."""
        values = {k: v.rstrip("\n") if isinstance(v, str) else v for k, v in fields.items()}
        return self.write("herald.yaml", template.format(**values))

    def run_at(self, *times, flags=(), verbose=False, env=None):
        """`herald run --now T` for each time in turn (with `flags` before the command); the
        result of the last."""
        result = None
        for now in times:
            args = [*flags, *(["-v"] if verbose else []), "run", "--now", now]
            result = self.herald(*args, env=self.secrets if env is None else env)
        return result

    def job(self, name):
        """The job `name` as `status --all` lists it, or as `history` does once it is posted."""
        jobs = {j["job"]: j for j in self.herald("--json", "status", "--all",
                                                  env=self.secrets).json()}
        jobs.update({j["job"]: j for j in self.herald("--json", "history",
                                                      env=self.secrets).json()})
        return jobs[name]
