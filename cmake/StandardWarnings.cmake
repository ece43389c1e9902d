# Warnings for our own code only; -Werror only when asked (CI and dev builds), so a newer compiler
# on a user's machine cannot break their build.
add_library(herald_warnings INTERFACE)
target_compile_options(herald_warnings INTERFACE -Wall -Wextra -Wshadow -Wpedantic -Wnon-virtual-dtor
                                                 -Wcast-align -Wunused -Woverloaded-virtual)
option(HERALD_WERROR "Treat warnings as errors" OFF)
if(HERALD_WERROR)
  target_compile_options(herald_warnings INTERFACE -Werror)
endif()
