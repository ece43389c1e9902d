# Writes the shell completion scripts by asking the herald just built (`herald completion SHELL`),
# so that they hold exactly the subcommands and options that this herald parses.
# Run in script mode: cmake -DHERALD=path/to/herald -DOUTPUT_DIR=dir -P Completions.cmake
file(MAKE_DIRECTORY ${OUTPUT_DIR})
foreach(shell_file IN ITEMS "bash:herald" "zsh:_herald" "fish:herald.fish")
  string(REPLACE ":" ";" shell_file "${shell_file}")
  list(GET shell_file 0 shell)
  list(GET shell_file 1 file)
  execute_process(COMMAND ${HERALD} completion ${shell}
                  OUTPUT_FILE ${OUTPUT_DIR}/${file}.tmp
                  RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "`${HERALD} completion ${shell}` failed (${result})")
  endif()
  file(RENAME ${OUTPUT_DIR}/${file}.tmp ${OUTPUT_DIR}/${file})
endforeach()
