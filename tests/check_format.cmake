# Fails when clang-format would change any C++ file under cmd/, lib/, tests/ or bench/.
file(GLOB_RECURSE files ${SOURCE_DIR}/cmd/*.[ch]pp ${SOURCE_DIR}/lib/*.[ch]pp
     ${SOURCE_DIR}/tests/*.[ch]pp ${SOURCE_DIR}/bench/*.[ch]pp)
set(unformatted)
foreach(file IN LISTS files)
  execute_process(COMMAND ${CLANG_FORMAT} --dry-run -Werror ${file}
                  RESULT_VARIABLE result OUTPUT_QUIET ERROR_QUIET)
  if(NOT result EQUAL 0)
    list(APPEND unformatted ${file})
  endif()
endforeach()
if(unformatted)
  list(JOIN unformatted "\n  " lines)
  message(FATAL_ERROR "clang-format would change:\n  ${lines}\nRun clang-format -i on them.")
endif()
