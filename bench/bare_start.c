/* The floor under every command's start-up: a C program that starts and exits (herald_bench
 * times it beside herald, same machine, same run). */
int
main(void)
{
  return 0;
}
