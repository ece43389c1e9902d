"""The Debian package: `cpack -G DEB` builds it from the build tree, it holds the binary, the man
pages, the completions, the systemd units and the examples, its Depends: name the libraries the
binary needs (libcurl too, which is loaded with dlopen), and the binary in it runs."""

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from harness import HeraldTest, main

BUILD_DIR = Path(os.environ.get("HERALD_BUILD_DIR", ""))


class PackageTest(HeraldTest):
    deb = None  # built once for the whole class: cpack takes a few seconds

    @classmethod
    def setUpClass(cls):
        cls.skip_reason = None
        missing = [tool for tool in ("cpack", "dpkg-deb", "dpkg-shlibdeps", "file")
                   if shutil.which(tool) is None]
        if missing:
            cls.skip_reason = f"not installed: {', '.join(missing)} (scripts/install-deps.sh)"
            return
        if not (BUILD_DIR / "CPackConfig.cmake").exists():
            cls.skip_reason = "HERALD_BUILD_DIR does not name a configured build tree"
            return
        cls.out = Path(tempfile.mkdtemp(prefix="herald-deb-"))
        cls.cpack = subprocess.run(
            ["cpack", "-G", "DEB", "-B", str(cls.out), "--config",
             str(BUILD_DIR / "CPackConfig.cmake")],
            cwd=BUILD_DIR, capture_output=True, text=True, timeout=300)
        debs = sorted(cls.out.glob("herald_*.deb"))
        cls.deb = debs[0] if len(debs) == 1 else None

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "out", None):
            shutil.rmtree(cls.out, ignore_errors=True)

    def setUp(self):
        super().setUp()
        if self.skip_reason:
            self.skipTest(self.skip_reason)
        self.assertEqual(self.cpack.returncode, 0, self.cpack.stdout + self.cpack.stderr)
        self.assertIsNotNone(self.deb, self.cpack.stdout)

    def dpkg_deb(self, *args):
        r = subprocess.run(["dpkg-deb", *args], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def test_file_name_carries_version_and_architecture(self):
        arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True,
                              text=True).stdout.strip()
        version = self.herald("--version", "--json", calendar=None).json()["version"]
        self.assertEqual(self.deb.name, f"herald_{version}-1_{arch}.deb")

    def test_contents(self):
        listing = self.dpkg_deb("-c", str(self.deb))
        files = {line.split()[-1]: line.split()[0] for line in listing.splitlines()}
        for path, mode in [
            ("./usr/bin/herald", "-rwxr-xr-x"),
            ("./usr/share/man/man1/herald.1", "-rw-r--r--"),
            ("./usr/share/man/man5/herald-calendar.5", "-rw-r--r--"),
            ("./usr/share/man/man7/herald-plugins.7", "-rw-r--r--"),
            ("./usr/share/bash-completion/completions/herald", "-rw-r--r--"),
            ("./usr/share/zsh/vendor-completions/_herald", "-rw-r--r--"),
            ("./usr/share/fish/vendor_completions.d/herald.fish", "-rw-r--r--"),
            ("./usr/lib/systemd/user/herald.service", "-rw-r--r--"),
            ("./usr/lib/systemd/user/herald-run.service", "-rw-r--r--"),
            ("./usr/lib/systemd/user/herald-run.timer", "-rw-r--r--"),
            ("./usr/share/doc/herald/examples/herald.yaml", "-rw-r--r--"),
            ("./usr/share/doc/herald/examples/plugins/herald.yaml", "-rw-r--r--"),
            ("./usr/share/doc/herald/examples/plugins/append.sh", "-rwxr-xr-x"),
            ("./usr/share/doc/herald/examples/ci/github-release.yml", "-rw-r--r--"),
        ]:
            self.assertEqual(files.get(path), mode, f"{path} in\n{listing}")
        # Nothing of the build or test tree, nothing outside /usr.
        self.assertEqual([p for p in files if not p.startswith("./usr/")], [])
        self.assertEqual([p for p in files if "herald_unittest" in p or "/outbox" in p], [])

    def test_control_fields(self):
        self.assertEqual(self.dpkg_deb("-f", str(self.deb), "Package"), "herald\n")
        depends = self.dpkg_deb("-f", str(self.deb), "Depends").strip()
        names = [re.match(r"[a-z0-9.+-]+", part.strip()).group(0) for part in depends.split(",")]
        # dlopen-ed at run time, so dpkg-shlibdeps cannot see it: named explicitly.
        self.assertIn("libcurl4 (>= 7.85.0)", depends)
        self.assertIn("libpq5", depends)  # loaded with dlopen, so named by hand
        self.assertRegex(depends, r"\blibicu\d+\b")  # the same
        self.assertIn("libxml2", names)  # the same (link cards)
        self.assertIn("libssl3", names)  # the same (libcrypto: X's OAuth 1.0a signatures)
        self.assertIn("tzdata", names)
        # From dpkg-shlibdeps: what the binary links.
        for library in ("libc6", "libstdc++6", "libyaml-cpp0.7", "libsqlite3-0", "libfmt9"):
            self.assertIn(library, names, depends)
        self.assertTrue(any(name.startswith("libicu") for name in names), depends)
        self.assertEqual(len(names), len(set(names)), depends)

    def test_the_packaged_binary_runs(self):
        root = self.dir / "root"
        self.dpkg_deb("-x", str(self.deb), str(root))
        herald = root / "usr" / "bin" / "herald"
        r = subprocess.run([str(herald), "--version", "--json"], capture_output=True, text=True,
                           timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        packaged = json.loads(r.stdout)
        built = self.herald("--version", "--json", calendar=None).json()
        self.assertEqual(packaged, built)
        # Stripped: a fraction of the RelWithDebInfo build's size.
        self.assertIn("stripped", subprocess.run(["file", str(herald)], capture_output=True,
                                                 text=True).stdout.replace("not stripped", ""))
        # The packaged completion is the one this binary writes.
        bash = root / "usr/share/bash-completion/completions/herald"
        self.assertEqual(bash.read_text(),
                         self.herald("completion", "bash", calendar=None).out)


if __name__ == "__main__":
    main()
