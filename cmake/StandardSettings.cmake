# Language level and opt-in sanitizers, as an INTERFACE target that first-party targets link privately.
add_library(herald_settings INTERFACE)
target_compile_features(herald_settings INTERFACE cxx_std_20)
set(CMAKE_CXX_EXTENSIONS OFF)

option(HERALD_ENABLE_ASAN "Build with AddressSanitizer" OFF)
option(HERALD_ENABLE_UBSAN "Build with UndefinedBehaviorSanitizer" OFF)
option(HERALD_ENABLE_TSAN "Build with ThreadSanitizer (the runner publishes on worker threads)" OFF)
if(HERALD_ENABLE_ASAN)
  target_compile_options(herald_settings INTERFACE -fsanitize=address -fno-omit-frame-pointer)
  target_link_options(herald_settings INTERFACE -fsanitize=address)
endif()
if(HERALD_ENABLE_UBSAN)
  target_compile_options(herald_settings INTERFACE -fsanitize=undefined)
  target_link_options(herald_settings INTERFACE -fsanitize=undefined)
endif()
if(HERALD_ENABLE_TSAN)
  target_compile_options(herald_settings INTERFACE -fsanitize=thread)
  target_link_options(herald_settings INTERFACE -fsanitize=thread)
endif()

# libFuzzer targets (tests/fuzz): every first-party file is instrumented for coverage and built
# with AddressSanitizer and UndefinedBehaviorSanitizer, and any sanitizer report aborts, so that
# the fuzzer stops on it. Only the fuzz targets link libFuzzer's main. Meant for a build
# directory of its own (scripts/fuzz.sh uses build-fuzz): it slows everything it instruments.
option(HERALD_FUZZ "Build the libFuzzer targets in tests/fuzz (clang only)" OFF)
if(HERALD_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "HERALD_FUZZ needs clang (libFuzzer); configure with "
                        "-DCMAKE_CXX_COMPILER=clang++-14, as scripts/fuzz.sh does")
  endif()
  target_compile_options(herald_settings INTERFACE -fsanitize=fuzzer-no-link,address,undefined
                                                   -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(herald_settings INTERFACE -fsanitize=address,undefined)
endif()
