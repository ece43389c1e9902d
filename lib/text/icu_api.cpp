#include "icu_api.hpp"

#include "util/shared_library.hpp"

#include <unicode/uvernum.h>

namespace herald::text {

namespace {

// "ubrk_open" as the headers rename it ("ubrk_open_72"): both levels expand the macro first.
#define HERALD_ICU_NAME_TEXT(name) #name
#define HERALD_ICU_NAME(name) HERALD_ICU_NAME_TEXT(name)

constexpr const char* k_library = "libicuuc.so." HERALD_ICU_NAME(U_ICU_VERSION_MAJOR_NUM);
constexpr const char* k_package = "libicu" HERALD_ICU_NAME(U_ICU_VERSION_MAJOR_NUM);

IcuApi
load()
{
  const SharedLibrary library(k_library, k_package, ExitStatus::state);
  IcuApi api{};
  library.resolve(HERALD_ICU_NAME(u_charType), api.char_type);
  library.resolve(HERALD_ICU_NAME(u_errorName), api.error_name);
  library.resolve(HERALD_ICU_NAME(u_hasBinaryProperty), api.has_binary_property);
  library.resolve(HERALD_ICU_NAME(u_isUWhiteSpace), api.is_u_white_space);
  library.resolve(HERALD_ICU_NAME(ubrk_close), api.break_close);
  library.resolve(HERALD_ICU_NAME(ubrk_next), api.break_next);
  library.resolve(HERALD_ICU_NAME(ubrk_open), api.break_open);
  library.resolve(HERALD_ICU_NAME(ubrk_setUText), api.break_set_utext);
  library.resolve(HERALD_ICU_NAME(unorm2_getNFCInstance), api.normalizer_get_nfc_instance);
  library.resolve(HERALD_ICU_NAME(unorm2_normalize), api.normalizer_normalize);
  library.resolve(HERALD_ICU_NAME(utext_close), api.text_close);
  library.resolve(HERALD_ICU_NAME(utext_openUTF8), api.text_open_utf8);
  // The library stays loaded for the life of the process.
  return api;
}

#undef HERALD_ICU_NAME
#undef HERALD_ICU_NAME_TEXT

} // namespace

const IcuApi&
icu_api()
{
  static const IcuApi api = load();
  return api;
}

} // namespace herald::text
