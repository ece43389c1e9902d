"""herald --version [--json]: the version, the commit it was built from, the build type."""

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from harness import SOURCE_DIR, HeraldTest, main


def git(*args):
    return subprocess.run(["git", "-C", str(SOURCE_DIR), *args], capture_output=True, text=True)


class VersionTest(HeraldTest):
    def test_text_names_version_commit_build_and_platforms(self):
        r = self.herald("--version", calendar=None)
        self.assertExit(r, 0)
        self.assertRegex(
            r.out,
            r"^herald \d+\.\d+\.\d+\n"
            r"commit: ([0-9a-f]{40}( \(with local changes\))?|unknown)\n"
            r"build: [A-Za-z]+, \S+ [\d.]+\n"
            r"platforms: stub mastodon bluesky x linkedin threads discord webhook slack telegram matrix devto lemmy exec\n$")

    def test_json_for_scripts(self):
        for args in (["--version", "--json"], ["--json", "--version"]):
            r = self.herald(*args, calendar=None)
            self.assertExit(r, 0)
            info = r.json()
            self.assertEqual(list(info), ["name", "version", "commit", "describe", "dirty",
                                          "build_type", "compiler", "platforms"])
            self.assertEqual(info["name"], "herald")
            self.assertRegex(info["version"], r"^\d+\.\d+\.\d+$")
            self.assertIn("mastodon", info["platforms"])
            self.assertIsInstance(info["dirty"], bool)
            # The text and the JSON tell the same.
            text = self.herald("--version", calendar=None).out
            self.assertIn(f"herald {info['version']}\n", text)
            self.assertIn(f"commit: {info['commit']}", text)
            self.assertIn(f"build: {info['build_type']}, {info['compiler']}\n", text)

    def test_commit_is_the_source_tree_head(self):
        head = git("rev-parse", "HEAD")
        top = git("rev-parse", "--show-toplevel")
        if head.returncode != 0 or Path(top.stdout.strip()).resolve() != SOURCE_DIR.resolve():
            self.skipTest("the source tree is not a git checkout")
        info = self.herald("--version", "--json", calendar=None).json()
        # The build may be older than the last commit; it is one of the tree's commits.
        listed = git("rev-list", "--max-count=50", "HEAD").stdout.split()
        self.assertIn(info["commit"], listed)
        self.assertTrue(info["describe"].endswith("-dirty") == info["dirty"], info)


class BuildInfoScriptTest(HeraldTest):
    """cmake/BuildInfo.cmake on its own, as a build from a tarball would run it."""

    def run_script(self, source, commit=""):
        out = self.dir / "build_info.cpp"
        subprocess.run(
            ["cmake", f"-DSOURCE_DIR={source}",
             f"-DTEMPLATE={SOURCE_DIR / 'cmd' / 'build_info.cpp.in'}", f"-DOUTPUT={out}",
             "-DBUILD_TYPE=Release", "-DCOMPILER=GNU 12.2.0", f"-DCOMMIT={commit}",
             "-P", str(SOURCE_DIR / "cmake" / "BuildInfo.cmake")],
            check=True, capture_output=True, text=True)
        return re.search(r"info\{(.*?)\};", out.read_text(), re.S).group(1).split()

    def setUp(self):
        super().setUp()
        if shutil.which("cmake") is None:
            self.skipTest("cmake is not installed")

    def test_a_tarball_reports_unknown(self):
        # Unpacked inside another git repository, it must not report that repository's commit.
        outer = self.dir / "outer"
        outer.mkdir()
        if subprocess.run(["git", "init", "-q", str(outer)]).returncode != 0:
            self.skipTest("git is not installed")
        tarball = outer / "herald-0.1.0"
        tarball.mkdir()
        self.assertEqual(self.run_script(tarball),
                         ['"unknown",', '"unknown",', 'false,', '"Release",', '"GNU', '12.2.0"'])

    def test_the_builder_may_name_the_commit(self):
        plain = self.dir / "herald-0.1.0"
        plain.mkdir()
        self.assertEqual(self.run_script(plain, commit="0123456789abcdef"),
                         ['"0123456789abcdef",', '"0123456789abcdef",', 'false,', '"Release",',
                          '"GNU', '12.2.0"'])


if __name__ == "__main__":
    main()
