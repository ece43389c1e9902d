"""The generic webhook platform against a loopback fake that records every body."""

from platforms.webhook.fake import WebhookFake
from harness import main
from platform_suite import PlatformTest

SECRET = "hook-s3cret-path"

CALENDAR = """
timezone: UTC
accounts:
  hook:
    platform: webhook
{settings}
defaults:
  to: [hook]
posts:
  - id: launch
    at: 2026-12-01 09:00
{body}
"""

TEXT = '    text: "say \\"hi\\"\\nline two, caf\\u00e9 \\u2603 \\\\o/"\n'
EXPECTED_TEXT = 'say "hi"\nline two, caf\u00e9 \u2603 \\o/'


class WebhookTest(PlatformTest):
    def setUp(self):
        super().setUp()
        self.start_fake(WebhookFake(url_base="https://hooks.example/msg"))
        self.secrets = {"HOOK_URL": self.fake.url(f"/in/{SECRET}")}

    def calendar(self, settings, body=TEXT):
        self.write_calendar(CALENDAR, settings=settings, body=body)

    def job(self, name="launch/hook"):
        return super().job(name)

    def fire(self, verbose=False):
        self.run_at("2026-11-30T12:00:00Z")
        return self.run_at("2026-12-01T09:00:10Z", verbose=verbose)

    def test_default_body_plain_url_and_idempotency_key(self):
        self.calendar(f"    url: {self.fake.url('/plain')}\n")
        r = self.fire()
        self.assertExit(r, 0)
        [request] = self.fake.requests
        self.assertEqual((request.method, request.path), ("POST", "/plain"))
        key = request.headers["idempotency-key"]
        self.assertTrue(key.startswith("herald-"))
        self.assertEqual(request.json, {
            "job": "launch/hook", "post": "launch", "account": "hook", "idempotency_key": key,
            "parts": [{"text": EXPECTED_TEXT, "media": []}],
        })
        job = self.job()
        self.assertEqual((job["state"], job["id"], job["url"]),
                         ("posted", "hook-1", "https://hooks.example/msg/hook-1"))
        self.assertIn("posted", r.out)

    def test_template_substitution_escapes_json(self):
        self.calendar("""    url_env: HOOK_URL
    template: '{"msg": "{{text}}", "meta": {"job": "{{job}}", "post": "{{ post }}", "account": "{{account}}", "key": "{{idempotency_key}}"}}'
""")
        r = self.fire()
        self.assertExit(r, 0)
        [request] = self.fake.requests
        self.assertEqual(request.path, f"/in/{SECRET}")
        key = request.headers["idempotency-key"]
        self.assertEqual(request.json, {"msg": EXPECTED_TEXT, "meta": {
            "job": "launch/hook", "post": "launch", "account": "hook", "key": key}})

    def test_thread_parts_travel_in_one_body(self):
        self.calendar(f"    url: {self.fake.url('/t')}\n",
                      "    thread:\n      - text: one\n      - text: two\n")
        self.assertExit(self.fire(), 0)
        [request] = self.fake.requests
        self.assertEqual([p["text"] for p in request.json["parts"]], ["one", "two"])

    def test_id_falls_back_to_the_idempotency_key(self):
        self.calendar(f"    url: {self.fake.url('/x')}\n")
        self.herald("run", "--now", "2026-11-30T12:00:00Z")
        self.fake.fail_next(1, 202, body=b"accepted")
        r = self.herald("run", "--now", "2026-12-01T09:00:10Z")
        self.assertExit(r, 0)
        self.assertEqual(self.job()["id"], self.fake.requests[0].headers["idempotency-key"])

    def test_server_error_is_unknown_unless_the_account_is_idempotent(self):
        self.calendar("    url_env: HOOK_URL\n")
        self.herald("run", "--now", "2026-11-30T12:00:00Z", env=self.secrets)
        self.fake.fail_next(1, 500)
        r = self.herald("run", "--now", "2026-12-01T09:00:10Z", env=self.secrets)
        self.assertExit(r, 1)
        self.assertEqual(self.job()["state"], "unknown")

    def test_idempotent_account_retries_with_the_same_key(self):
        self.calendar('    url_env: HOOK_URL\n    idempotent: "true"\n')
        self.herald("run", "--now", "2026-11-30T12:00:00Z", env=self.secrets)
        self.fake.fail_next(1, 500)
        self.herald("run", "--now", "2026-12-01T09:00:10Z", env=self.secrets)
        job = self.job()
        self.assertEqual(job["state"], "retry-wait")
        r = self.herald("run", "--now", job["next_attempt"], env=self.secrets)
        self.assertIn("posted", r.out)
        first, second = self.fake.requests
        self.assertEqual(first.headers["idempotency-key"], second.headers["idempotency-key"])

    def test_a_crash_after_sending_is_resent_only_to_an_idempotent_account(self):
        for idempotent, expected in ((False, "unknown"), (True, "posted")):
            with self.subTest(idempotent=idempotent):
                self.fake.requests.clear()
                self.state = self.dir / f"state-{idempotent}.db"
                self.env["HERALD_STATE"] = str(self.state)
                settings = "    url_env: HOOK_URL\n" + ('    idempotent: "true"\n' if idempotent else "")
                self.calendar(settings)
                self.herald("run", "--now", "2026-11-30T12:00:00Z", env=self.secrets)
                r = self.herald("run", "--now", "2026-12-01T09:00:10Z",
                                env=dict(self.secrets, HERALD_TEST_CRASH_AT="after-send"))
                self.assertExit(r, 137)
                # After the dead run's lease: resent with the same key, or left for a person.
                r = self.herald("--json", "run", "--now", "2026-12-01T09:10:10Z", env=self.secrets)
                self.assertEqual(r.json_lines()[0]["status"], expected)
                keys = [q.headers["idempotency-key"] for q in self.fake.requests]
                self.assertEqual(len(keys), 2 if idempotent else 1)
                self.assertEqual(len(set(keys)), 1)

    def test_validate_url_env_and_url(self):
        self.calendar("    url_env: HOOK_URL\n")
        r = self.herald("validate")
        self.assertExit(r, 2)
        self.assertIn("herald.yaml:5:14: error: account 'hook': environment variable HOOK_URL "
                      "(url_env) is not set", r.err)
        self.assertExit(self.herald("validate", env=self.secrets), 0)
        self.calendar(f"    url_env: HOOK_URL\n    url: {self.fake.url('/x')}\n")
        r = self.herald("validate", env=self.secrets)
        self.assertExit(r, 2)
        self.assertIn("exactly one of", r.err)
        self.calendar("    template: '{}'\n")
        self.assertIn("exactly one of", self.herald("validate").err)
        self.calendar("    url: ftp://example.org/x\n")
        self.assertExit(self.herald("validate"), 2)

    def test_validate_rejects_a_template_that_is_not_json(self):
        self.calendar(f"""    url: {self.fake.url('/x')}
    template: '{{"msg": {{{{text}}}}}}'
""")
        r = self.herald("validate")
        self.assertExit(r, 2)
        self.assertIn("herald.yaml:6:15: error: account 'hook': 'template' is not valid JSON", r.err)

    def test_verbose_run_never_shows_a_secret_url(self):
        self.calendar("    url_env: HOOK_URL\n")
        r = self.fire(verbose=True)
        self.assertExit(r, 0)
        self.assertIn("127.0.0.1", r.err)
        self.assertNotIn(SECRET, r.out + r.err)


if __name__ == "__main__":
    main()
