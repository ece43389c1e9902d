#include "testutil.hpp"

#include "calendar/identity.hpp"

#include <doctest/doctest.h>

using namespace herald;
using herald::calendar::calendar_identity;
using herald::calendar::normalized_remote;
using herald::calendar::origin_url;

TEST_SUITE("calendar identity")
{
  TEST_CASE("a remote is its host and repository path, never its credentials or port")
  {
    CHECK(normalized_remote("https://github.com/acme/site.git") == "github.com/acme/site");
    CHECK(normalized_remote("https://gitlab-ci-token:s3cret@GitLab.com/group/project.git/") ==
          "gitlab.com/group/project");
    CHECK(normalized_remote("git@github.com:acme/site.git") == "github.com/acme/site");
    CHECK(normalized_remote("ssh://git@git.example.org:2222/acme/site") ==
          "git.example.org/acme/site");
    CHECK(normalized_remote("  https://[::1]:8080/x.git \n") == "[::1]/x");
    CHECK_FALSE(normalized_remote("/srv/git/site.git"));
    CHECK_FALSE(normalized_remote("../site"));
    CHECK_FALSE(normalized_remote("file:///srv/git/site.git"));
    CHECK_FALSE(normalized_remote("./dir:with/colon"));
  }

  TEST_CASE("origin's url is read from a git config, whatever else it holds")
  {
    CHECK(origin_url("[core]\n\tbare = false\n[remote \"upstream\"]\n\turl = https://a/b\n"
                     "[remote \"origin\"]\n\tfetch = +refs/heads/*\n\tURL = \"git@h:o/r.git\"\n") ==
          "git@h:o/r.git");
    CHECK(origin_url("[remote.origin]\nurl = https://h/o/r ; a comment\n") == "https://h/o/r");
    CHECK_FALSE(origin_url("[remote \"Origin\"]\nurl = https://h/o/r\n"));
    CHECK_FALSE(origin_url(""));
  }

  TEST_CASE("name: wins; then the git origin and the path inside the work tree; else the path")
  {
    test::TestDir dir;
    const auto calendar = dir.write("repo/social/herald.yaml", "posts: []\n");
    CHECK(calendar_identity("site", calendar) == "name:site");
    CHECK(calendar_identity("", calendar) == calendar.string());
    dir.write("repo/.git/config", "[remote \"origin\"]\n\turl = https://h.example/o/r.git\n");
    CHECK(calendar_identity("", calendar) == "git:h.example/o/r:social/herald.yaml");
    // A linked worktree: .git is a file naming its git dir, whose commondir holds the config.
    const auto linked = dir.write("wt/herald.yaml", "posts: []\n");
    dir.write("wt/.git", "gitdir: ../repo/.git/worktrees/wt\n");
    dir.write("repo/.git/worktrees/wt/commondir", "../..\n");
    CHECK(calendar_identity("", linked) == "git:h.example/o/r:herald.yaml");
    // A local remote names no place that other hosts share: the path it is.
    dir.write("repo/.git/config", "[remote \"origin\"]\n\turl = /srv/git/r.git\n");
    CHECK(calendar_identity("", calendar) == calendar.string());
  }
}
