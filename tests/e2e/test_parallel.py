"""Due jobs go out concurrently: a slow platform does not hold up the others, and one account
gets one publish at a time unless --per-account says more."""

from platforms.mastodon.fake import FakeMastodon
from harness import HeraldTest, main

TOKEN = "s3cr3t-token"


def calendar(slow_url, fast_url, posts_each):
    text = "timezone: UTC\naccounts:\n"
    for name, url in (("slow", slow_url), ("fast", fast_url)):
        text += f"  {name}:\n    platform: mastodon\n    url: {url}\n    token_env: MASTODON_TOKEN\n"
    text += "posts:\n"
    for i in range(posts_each):
        for prefix, name in (("a", "slow"), ("b", "fast")):
            text += f"  - id: {prefix}{i}\n    at: 2026-12-01T08:00:00Z\n    to: [{name}]\n    text: post {i}\n"
    return text


class ParallelTest(HeraldTest):
    def setUp(self):
        super().setUp()
        self.slow = FakeMastodon(token=TOKEN).start()
        self.fast = FakeMastodon(token=TOKEN).start()
        self.addCleanup(self.slow.stop)
        self.addCleanup(self.fast.stop)
        self.env_vars = {"MASTODON_TOKEN": TOKEN}

    def fire(self, posts_each, *args):
        self.write("herald.yaml", calendar(self.slow.url, self.fast.url, posts_each))
        self.herald("run", "--now", "2026-11-30T00:00:00Z", env=self.env_vars)
        return self.herald("--json", "run", *args, "--now", "2026-12-01T08:00:05Z", env=self.env_vars)

    def test_a_slow_account_does_not_hold_up_the_others(self):
        self.slow.status_delay = 0.5
        r = self.fire(3)
        self.assertExit(r, 0)
        self.assertEqual(sorted(line["status"] for line in r.json_lines()), ["posted"] * 6)
        # Output follows the jobs' order (due time, then id), not the order the answers came in.
        self.assertEqual([line["job"] for line in r.json_lines()],
                         ["a0/slow", "a1/slow", "a2/slow", "b0/fast", "b1/fast", "b2/fast"])
        slow_posts = self.slow.status_posts()
        fast_posts = self.fast.status_posts()
        self.assertEqual((len(slow_posts), len(fast_posts)), (3, 3))
        # Every fast post reached its server while the slow one was still on its first answer.
        self.assertLess(fast_posts[-1]["received"], slow_posts[1]["received"])
        # One at a time to one account: each slow request came after the previous was answered.
        self.assertEqual(self.slow.max_in_flight, 1)

    def test_per_account_allows_more_at_once(self):
        self.slow.status_delay = 0.5
        r = self.fire(4, "--per-account", "2")
        self.assertExit(r, 0)
        self.assertEqual(len(self.slow.status_posts()), 4)
        self.assertEqual(self.slow.max_in_flight, 2)

    def test_parallel_one_publishes_one_at_a_time(self):
        self.slow.status_delay = 0.2
        r = self.fire(2, "--parallel", "1")
        self.assertExit(r, 0)
        # One worker in all: a fast post went out only after a slow one had been answered.
        slow_first = self.slow.status_posts()[0]["received"]
        self.assertGreaterEqual(self.fast.status_posts()[-1]["received"], slow_first + 0.2)
        self.assertEqual(self.slow.max_in_flight, 1)

    def test_bad_values_are_usage_errors(self):
        self.write("herald.yaml", calendar(self.slow.url, self.fast.url, 1))
        r = self.herald("run", "--parallel", "0")
        self.assertExit(r, 2)
        self.assertIn("--parallel", r.err)


if __name__ == "__main__":
    main()
