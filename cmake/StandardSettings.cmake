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
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12's instrumentation makes -Wmaybe-uninitialized report std::regex's own std::function
    # members (libstdc++ headers); the sanitizer itself checks what that warning guesses at.
    target_compile_options(herald_settings INTERFACE -Wno-maybe-uninitialized)
  endif()
endif()
if(HERALD_ENABLE_UBSAN)
  # A report stops the program, so a test sees it as a failure rather than a line on stderr.
  target_compile_options(herald_settings INTERFACE -fsanitize=undefined -fno-sanitize-recover=undefined)
  target_link_options(herald_settings INTERFACE -fsanitize=undefined)
endif()
if(HERALD_ENABLE_TSAN)
  if(HERALD_ENABLE_ASAN)
    message(FATAL_ERROR "HERALD_ENABLE_TSAN cannot be combined with HERALD_ENABLE_ASAN: use two build directories")
  endif()
  target_compile_options(herald_settings INTERFACE -fsanitize=thread)
  target_link_options(herald_settings INTERFACE -fsanitize=thread)
endif()

# The sanitizers' default options (tests/sanitizer_options.cpp), compiled into an executable when
# a sanitizer is on.
function(herald_add_sanitizer_options target)
  if(HERALD_ENABLE_ASAN OR HERALD_ENABLE_UBSAN OR HERALD_ENABLE_TSAN)
    target_sources(${target} PRIVATE ${PROJECT_SOURCE_DIR}/tests/sanitizer_options.cpp)
  endif()
endfunction()

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
