# Every dependency comes from a Debian 12 package; nothing is downloaded or vendored.
# scripts/install-deps.sh installs them.
macro(herald_require pkg)
  find_package(${pkg} ${ARGN})
  if(NOT ${pkg}_FOUND)
    message(FATAL_ERROR "herald needs ${pkg}; run scripts/install-deps.sh (Debian 12 packages)")
  endif()
endmacro()

set(THREADS_PREFER_PTHREAD_FLAG ON)
herald_require(Threads)
herald_require(yaml-cpp 0.7)
herald_require(fmt 9)
herald_require(CLI11 2.1)
herald_require(date 3)
herald_require(nlohmann_json 3.11)
herald_require(tl-expected 1.0)
herald_require(SQLite3 3.40)
herald_require(PostgreSQL 15)
herald_require(doctest 2.4)
herald_require(CURL 7.88)
herald_require(ICU 72 COMPONENTS uc)
# ICU is loaded with dlopen by its major version (lib/text/icu_api.cpp): the package names it.
string(REGEX MATCH "^[0-9]+" HERALD_ICU_MAJOR "${ICU_VERSION}")
