"""herald when standard error is closed: it still ends with its exit status, not an abort."""

import os
import subprocess

from harness import HERALD, HeraldTest, main


class ClosedOutputTest(HeraldTest):
    def run_with_stderr_closed(self, *args):
        # `herald ... 2>&-`: writing the error message fails, and fmt::print throws on that.
        return subprocess.run([HERALD, *args], cwd=self.dir, env=self.env,
                              stdout=subprocess.DEVNULL, preexec_fn=lambda: os.close(2),
                              timeout=60).returncode

    def test_an_error_with_stderr_closed_exits_with_a_status(self):
        self.assertEqual(self.run_with_stderr_closed("-c", "missing.yaml", "validate"), 3)


if __name__ == "__main__":
    main()
