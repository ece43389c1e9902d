#pragma once

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/utext.h>
#include <unicode/utypes.h>

namespace herald::text {

// ICU's C functions, loaded with dlopen on first use instead of linked, as libcurl and libpq are:
// mapping ICU and its 30 MB data library costs every command at start, while only text that is
// not ASCII needs its grapheme, character-property and normalisation rules. Types and constants
// still come from ICU's headers; calls go through this table. ICU's symbols carry the major
// version (ubrk_open_72), so the table is filled from the same names the headers rename to.
struct IcuApi
{
  decltype(&::u_charType) char_type;
  decltype(&::u_errorName) error_name;
  decltype(&::u_hasBinaryProperty) has_binary_property;
  decltype(&::u_isUWhiteSpace) is_u_white_space;
  decltype(&::ubrk_close) break_close;
  decltype(&::ubrk_next) break_next;
  decltype(&::ubrk_open) break_open;
  decltype(&::ubrk_setUText) break_set_utext;
  decltype(&::unorm2_getNFCInstance) normalizer_get_nfc_instance;
  decltype(&::unorm2_normalize) normalizer_normalize;
  decltype(&::utext_close) text_close;
  decltype(&::utext_openUTF8) text_open_utf8;
};

// Loads libicuuc once (thread-safe). Throws herald::Error naming the library when it is
// missing.
const IcuApi& icu_api();

} // namespace herald::text
