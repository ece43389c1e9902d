#include "crypto_api.hpp"

#include "util/error.hpp"
#include "util/shared_library.hpp"

#include <array>
#include <vector>

namespace herald::http {

namespace {

CryptoApi
load()
{
  const SharedLibrary library("libcrypto.so.3", "libssl3", ExitStatus::state);
  CryptoApi api{};
  library.resolve("EVP_sha1", api.sha1);
  library.resolve("HMAC", api.hmac);
  library.resolve("EVP_EncodeBlock", api.encode_block);
  library.resolve("RAND_bytes", api.rand_bytes);
  // The library stays loaded for the life of the process.
  return api;
}

} // namespace

const CryptoApi&
crypto_api()
{
  static const CryptoApi api = load();
  return api;
}

std::string
hmac_sha1(std::string_view key, std::string_view data)
{
  const auto& api = crypto_api();
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (api.hmac(api.sha1(), key.data(), static_cast<int>(key.size()),
               reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data(),
               &length) == nullptr) {
    throw Error("libcrypto: HMAC-SHA1 failed");
  }
  return { reinterpret_cast<const char*>(digest.data()), length };
}

std::string
base64(std::string_view bytes)
{
  // EVP_EncodeBlock writes 4 characters per 3 bytes (rounded up) and a NUL.
  std::vector<unsigned char> out((bytes.size() + 2) / 3 * 4 + 1);
  const int written =
    crypto_api().encode_block(out.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                              static_cast<int>(bytes.size()));
  return { reinterpret_cast<const char*>(out.data()), static_cast<size_t>(written) };
}

std::string
random_hex(size_t count)
{
  std::vector<unsigned char> bytes(count);
  if (crypto_api().rand_bytes(bytes.data(), static_cast<int>(count)) != 1) {
    throw Error("libcrypto: no random bytes");
  }
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out;
  for (const unsigned char b : bytes) {
    out += k_digits[b >> 4];
    out += k_digits[b & 15];
  }
  return out;
}

} // namespace herald::http
