// The sanitizers' default options, compiled into herald and the unit tests when a sanitizer is on
// (cmake/StandardSettings.cmake). Built in rather than set in the environment because the
// end-to-end tests start herald with an environment of their own; ASAN_OPTIONS, UBSAN_OPTIONS
// and TSAN_OPTIONS still override them.
//
// Every report stops the program with exit status 70 (EX_SOFTWARE), which none of herald's own
// exit statuses uses, so a test that expects a failure cannot mistake a report for it.

extern "C"
{

  // The runtimes look these names up (weak symbols of their own).
  const char* __asan_default_options();
  const char* __ubsan_default_options();
  const char* __tsan_default_options();

  const char* __asan_default_options()
  {
    return "detect_leaks=1:halt_on_error=1:exitcode=70:detect_stack_use_after_return=1:"
           "check_initialization_order=1:strict_init_order=1:strict_string_checks=1";
  }

  const char* __ubsan_default_options()
  {
    return "halt_on_error=1:print_stacktrace=1:exitcode=70";
  }

  const char* __tsan_default_options()
  {
    return "halt_on_error=1:exitcode=70:second_deadlock_stack=1";
  }
}
