#pragma once

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <string>
#include <string_view>

namespace herald::http {

// The few libcrypto (OpenSSL 3) functions herald calls, loaded with dlopen on first use like
// libcurl and ICU: only an account that signs its requests (X with OAuth 1.0a) needs them, and
// libcurl has already mapped libcrypto by then. Types come from OpenSSL's headers.
struct CryptoApi
{
  decltype(&::EVP_sha1) sha1;
  decltype(&::HMAC) hmac;
  decltype(&::EVP_EncodeBlock) encode_block;
  decltype(&::RAND_bytes) rand_bytes;
};

// Loads libcrypto once (thread-safe). Throws herald::Error naming the library when it is missing.
const CryptoApi& crypto_api();

// HMAC-SHA1 of `data` under `key`: the 20 raw bytes.
std::string hmac_sha1(std::string_view key, std::string_view data);

// Standard base64 (RFC 4648 section 4, with padding).
std::string base64(std::string_view bytes);

// `count` bytes from OpenSSL's CSPRNG, as lower-case hex (2 * count characters).
std::string random_hex(size_t count);

} // namespace herald::http
