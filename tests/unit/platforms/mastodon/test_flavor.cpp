#include "platforms/mastodon/flavor.hpp"

#include <doctest/doctest.h>

using namespace herald::platforms::mastodon;

TEST_SUITE("platforms::mastodon::flavor")
{
  TEST_CASE("the kind from an instance document: Mastodon's version, a compatible name, or the "
            "source")
  {
    const auto mastodon = kind_from_instance(
      { { "version", "4.3.0" }, { "source_url", "https://github.com/mastodon/mastodon" } });
    REQUIRE(mastodon);
    CHECK(mastodon->flavor == Flavor::mastodon);
    CHECK(mastodon->version == "4.3.0");

    const auto akkoma = kind_from_instance({ { "version", "2.7.2 (compatible; Akkoma 3.13.2)" } });
    REQUIRE(akkoma);
    CHECK(akkoma->flavor == Flavor::akkoma);
    CHECK(akkoma->version == "3.13.2");

    const auto pixelfed =
      kind_from_instance({ { "version", "3.5.3 (compatible; Pixelfed 0.12.3)" } });
    REQUIRE(pixelfed);
    CHECK(pixelfed->flavor == Flavor::pixelfed);

    const auto gotosocial = kind_from_instance(
      { { "version", "0.17.3+git-c0ffee" },
        { "source_url", "https://codeberg.org/superseriousbusiness/gotosocial" } });
    REQUIRE(gotosocial);
    CHECK(gotosocial->flavor == Flavor::gotosocial);
    CHECK(gotosocial->version == "0.17.3");

    CHECK_FALSE(kind_from_instance({ { "version", "2.7.2 (compatible; Friendica 2024.03)" } }));
    CHECK_FALSE(kind_from_instance({ { "version", "4.3.0" } })); // nothing says whose
    CHECK_FALSE(kind_from_instance(nlohmann::json::array()));
    CHECK_FALSE(kind_from_instance({ { "version", "1 (compatible; " } }));
  }

  TEST_CASE("the kind from nodeinfo")
  {
    const auto pleroma =
      kind_from_nodeinfo({ { "software", { { "name", "pleroma" }, { "version", "2.6.3" } } } });
    REQUIRE(pleroma);
    CHECK(pleroma->flavor == Flavor::pleroma);
    CHECK(pleroma->version == "2.6.3");
    CHECK_FALSE(kind_from_nodeinfo({ { "software", { { "name", "misskey" } } } }));
    CHECK_FALSE(kind_from_nodeinfo({ { "software", "pleroma" } }));
    CHECK_FALSE(kind_from_nodeinfo("text"));
  }

  TEST_CASE("what each kind changes")
  {
    CHECK(traits_of(Flavor::mastodon).idempotency_key);
    CHECK_FALSE(traits_of(Flavor::gotosocial).idempotency_key);
    CHECK_FALSE(traits_of(Flavor::pixelfed).idempotency_key);
    CHECK(traits_of(Flavor::pixelfed).needs_media);
    CHECK(traits_of(Flavor::akkoma).content_type);
    CHECK_FALSE(traits_of(Flavor::mastodon).content_type);
    CHECK(traits_of(Flavor::pleroma).default_max_chars == 5000);
    CHECK(parse_flavor("GoToSocial") == Flavor::gotosocial);
    CHECK_FALSE(parse_flavor("friendica"));
    CHECK(to_string(Flavor::akkoma) == "akkoma");
    CHECK(display_name(Flavor::gotosocial) == "GoToSocial");
  }
}
