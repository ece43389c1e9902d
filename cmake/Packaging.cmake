# What `cmake --install` puts next to the binary, man pages and completions (cmd/, man/), and the
# Debian package that carries all of it:
#
#   cmake -S . -B build -DHERALD_BUILD_TESTS=OFF && cmake --build build -j2
#   (cd build && cpack -G DEB)          # herald_<version>-1_<arch>.deb
#   sudo apt install ./build/herald_*.deb
#
# The package installs under /usr: bin/herald, the man pages, the bash, zsh and fish completions,
# the systemd user units (lib/systemd/user, not enabled) and the examples
# (share/doc/herald/examples). Its Depends: come from dpkg-shlibdeps, plus what the binary uses
# without linking it.

set(HERALD_SYSTEMD_USER_UNIT_DIR lib/systemd/user CACHE STRING
    "Where the systemd user units go (relative to the prefix)")
install(FILES examples/systemd/herald.service examples/systemd/herald-run.service
              examples/systemd/herald-run.timer
        DESTINATION ${HERALD_SYSTEMD_USER_UNIT_DIR})
# Example calendars, the CI examples, the unit files as examples and the plugins (still
# executable): Debian keeps examples under /usr/share/doc/PACKAGE/examples.
install(DIRECTORY examples/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples
        USE_SOURCE_PERMISSIONS
        PATTERN outbox EXCLUDE
        PATTERN posts.txt EXCLUDE
        PATTERN __pycache__ EXCLUDE)
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_PACKAGE_NAME herald)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "herald")
set(CPACK_PACKAGE_CONTACT "herald maintainers <herald@example.org>" CACHE STRING
    "The package's Maintainer: field")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "publish a YAML content calendar to social networks from a shell, cron or CI")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "herald keeps a social-media content calendar in YAML next to the code and publishes it
exactly once through Mastodon, Bluesky, Discord, Slack, Telegram, webhooks or exec
plugins: validate, plan, run from cron or as a daemon, post from CI, and report.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# dpkg-shlibdeps adds the libraries the binary links (libstdc++, yaml-cpp, fmt, SQLite,
# date-tz, ...). Six it needs are invisible to it: libcurl, libpq, ICU, libxml2 and libcrypto, loaded with
# dlopen on first use (lib/http/curl_api.cpp, CURLOPT_PROTOCOLS_STR needs 7.85; lib/store/pq_api.cpp;
# lib/text/icu_api.cpp, whose symbols carry the major version the headers had;
# lib/text/xml_api.cpp; lib/http/crypto_api.cpp: OAuth 1.0a signatures), and the zone database that date-tz reads from /usr/share/zoneinfo.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libcurl4 (>= 7.85.0), libpq5, libicu${HERALD_ICU_MAJOR}, libxml2, libssl3, tzdata")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "ca-certificates")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion, git") # git: plan --diff --against
set(CPACK_GENERATOR DEB)
# `cpack --config CPackSourceConfig.cmake` (or `make package_source`): a tarball of the tracked
# sources, whose builds report commit "unknown" unless given -DHERALD_COMMIT.
set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git" "/build[^/]*/" "/outbox/" "__pycache__" "\\\\.db$")
include(CPack)
