#include "http/crypto_api.hpp"
#include "http/oauth1.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace herald::http;

TEST_SUITE("http::oauth1")
{
  TEST_CASE("the base string of RFC 5849 section 3.4.1.1")
  {
    // POST /request?b5=%3D%253D&a3=a&c%40=&a2=r%20b with the form body c2&a3=2+q.
    const std::string url = "http://EXAMPLE.COM:80/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b";
    Parameters parameters = query_parameters(url);
    CHECK(parameters ==
          Parameters{ { "b5", "=%3D" }, { "a3", "a" }, { "c@", "" }, { "a2", "r b" } });
    parameters.insert(parameters.end(), { { "oauth_consumer_key", "9djdj82h48djs9d2" },
                                          { "oauth_token", "kkk9d7dh3k39sjv7" },
                                          { "oauth_signature_method", "HMAC-SHA1" },
                                          { "oauth_timestamp", "137131201" },
                                          { "oauth_nonce", "7d8f3e4a" },
                                          { "c2", "" },
                                          { "a3", "2 q" } });
    CHECK(oauth1_base_string("post", url, parameters) ==
          "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%"
          "253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%"
          "3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_"
          "token%3Dkkk9d7dh3k39sjv7");
  }

  TEST_CASE("the signed request of RFC 5849 section 1.2")
  {
    const std::string url = "http://photos.example.net/photos?file=vacation.jpg&size=original";
    Parameters parameters = query_parameters(url);
    parameters.insert(parameters.end(), { { "oauth_consumer_key", "dpf43f3p2l4k3l03" },
                                          { "oauth_token", "nnch734d00sl2jdk" },
                                          { "oauth_signature_method", "HMAC-SHA1" },
                                          { "oauth_timestamp", "137131202" },
                                          { "oauth_nonce", "chapoH" } });
    CHECK(oauth1_signature(oauth1_base_string("GET", url, parameters), "kd94hf93k423kf44",
                           "pfkkdhi9sl3r4s00") == "MdpQcU8iPSUjWoN/UDMsK2sui9I=");
  }

  TEST_CASE("the Authorization header of X's 'Creating a signature' example")
  {
    const OAuth1Credentials credentials{ "xvz1evFS4wEEPTGEFPHBog",
                                         "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
                                         "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
                                         "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE" };
    const auto header = oauth1_authorization(
      "POST", "https://api.twitter.com/1.1/statuses/update.json?include_entities=true",
      { { "status", "Hello Ladies + Gentlemen, a signed OAuth request!" } }, credentials,
      "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", "1318622958");
    CHECK(header == "OAuth oauth_consumer_key=\"xvz1evFS4wEEPTGEFPHBog\", "
                    "oauth_nonce=\"kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg\", "
                    "oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1318622958\", "
                    "oauth_token=\"370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb\", "
                    "oauth_version=\"1.0\", oauth_signature=\"hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D\"");
  }

  TEST_CASE("base string URIs: default ports dropped, others kept, no query or fragment")
  {
    CHECK(oauth1_base_uri("HTTPS://Api.X.com:443/2/tweets?a=1#f") == "https://api.x.com/2/tweets");
    CHECK(oauth1_base_uri("http://127.0.0.1:8080/2/tweets") == "http://127.0.0.1:8080/2/tweets");
    CHECK(oauth1_base_uri("https://api.x.com") == "https://api.x.com/");
  }

  TEST_CASE("base64 and HMAC-SHA1 (RFC 2202 test case 2, RFC 4648 vectors)")
  {
    CHECK(
      base64(hmac_sha1("Jefe", "what do ya want for nothing?")) ==
      base64("\xef\xfc\xdf\x6a\xe5\xeb\x2f\xa2\xd2\x74\x16\xd5\xf1\x84\xdf\x9c\x25\x9a\x7c\x79"));
    CHECK(base64("") == "");
    CHECK(base64("f") == "Zg==");
    CHECK(base64("fo") == "Zm8=");
    CHECK(base64("foobar") == "Zm9vYmFy");
    const auto nonce = random_hex(16);
    CHECK(nonce.size() == 32);
    CHECK(nonce != random_hex(16));
  }
}
