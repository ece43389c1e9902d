# Writes the build's identity for `herald --version` (cmd/build_info.cpp.in -> build_info.cpp):
# the git commit of the source tree, `git describe`, whether the tree had local changes, the
# build type and the compiler. Run in script mode (cmake -P) at configure time and again on
# every build, so that a new commit shows without re-configuring; the file is rewritten only
# when its content changes, so an unchanged tree relinks nothing.
#
# Inputs: SOURCE_DIR, TEMPLATE, OUTPUT, BUILD_TYPE, COMPILER, and COMMIT (when not empty, used
# as is: for builds from a tarball whose commit the builder knows).
#
# A tree that is not a git checkout of its own (a release tarball, even one unpacked inside some
# other repository) reports "unknown" rather than the enclosing repository's commit.

set(HERALD_COMMIT "unknown")
set(HERALD_DESCRIBE "unknown")
set(HERALD_DIRTY "false")
if(COMMIT)
  set(HERALD_COMMIT "${COMMIT}")
  set(HERALD_DESCRIBE "${COMMIT}")
else()
  find_program(GIT_EXECUTABLE git)
  if(GIT_EXECUTABLE)
    execute_process(COMMAND ${GIT_EXECUTABLE} -C ${SOURCE_DIR} rev-parse --show-toplevel
                    OUTPUT_VARIABLE top RESULT_VARIABLE result
                    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    if(result EQUAL 0)
      file(REAL_PATH "${SOURCE_DIR}" source_real)
      file(REAL_PATH "${top}" top_real)
      if(top_real STREQUAL source_real)
        execute_process(COMMAND ${GIT_EXECUTABLE} -C ${SOURCE_DIR} rev-parse HEAD
                        OUTPUT_VARIABLE commit RESULT_VARIABLE result
                        OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
        if(result EQUAL 0 AND commit MATCHES "^[0-9a-f]+$")
          set(HERALD_COMMIT "${commit}")
          execute_process(COMMAND ${GIT_EXECUTABLE} -C ${SOURCE_DIR} describe --always --tags
                                  --dirty --abbrev=12
                          OUTPUT_VARIABLE describe RESULT_VARIABLE result
                          OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
          if(result EQUAL 0 AND NOT describe STREQUAL "")
            set(HERALD_DESCRIBE "${describe}")
            if(describe MATCHES "-dirty$")
              set(HERALD_DIRTY "true")
            endif()
          endif()
        endif()
      endif()
    endif()
  endif()
endif()

set(HERALD_BUILD_TYPE "${BUILD_TYPE}")
if(HERALD_BUILD_TYPE STREQUAL "")
  set(HERALD_BUILD_TYPE "none")
endif()
set(HERALD_COMPILER "${COMPILER}")
# Only characters that need no escaping inside a C++ string literal get through.
foreach(variable HERALD_COMMIT HERALD_DESCRIBE HERALD_BUILD_TYPE HERALD_COMPILER)
  string(REGEX REPLACE "[^A-Za-z0-9._+ /:-]" "_" ${variable} "${${variable}}")
endforeach()
configure_file(${TEMPLATE} ${OUTPUT} @ONLY)
