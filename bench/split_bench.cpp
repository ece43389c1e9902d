// Benchmark of splitting a long text into thread parts (text/split): a 20,000-character
// release note (paragraphs, sentences, URLs, mentions, hashtags, some emoji) for three accounts,
// Mastodon (500, URLs 23), Bluesky (300 graphemes, 3,000 bytes) and Discord (2,000 code points),
// numbered "{i}/{n}". Prints the median time for all three (target: under 5 ms), after
// checking that every part fits.
//
// Usage: herald_split_bench [--runs N]
#include "bench_util.hpp"
#include "text/graphemes.hpp"
#include "text/split.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using herald::bench::median;
using namespace herald::text;

namespace {

std::string
release_note(size_t characters)
{
  static const char* const k_sentences[] = {
    "This release makes the scheduler tick faster on large calendars.",
    "Threads now split themselves at paragraph and sentence boundaries.",
    "Thanks to @alice@example.social and @bob.bsky.social for the reviews!",
    "See https://example.org/releases/2.0/notes#scheduler for the details.",
    "Bluesky posts get link cards \U0001F389 and Mastodon keeps its own previews.",
    "The state moves to PostgreSQL with one command. #opensource #release",
  };
  std::string text;
  for (size_t i = 0; count_code_points(text) < characters; ++i) {
    text += k_sentences[i % 6];
    text += i % 5 == 4 ? "\n\n" : " ";
  }
  return text;
}

} // namespace

int
main(int argc, char** argv)
{
  int runs = 200;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--runs")) {
      runs = std::atoi(argv[i + 1]);
    }
  }
  const std::string text = release_note(20000);
  const std::vector<std::vector<LengthRule>> accounts{ { mastodon_rule() },
                                                       bluesky_rules(),
                                                       { discord_rule() } };
  size_t parts = 0;
  for (const auto& rules : accounts) {
    const auto split = split_to_fit(text, rules, { "{i}/{n}" });
    if (!split) {
      std::fprintf(stderr, "herald_split_bench: %s\n", split.error().c_str());
      return 1;
    }
    for (const auto& part : *split) {
      if (!check_length(part, rules).empty()) {
        std::fprintf(stderr, "herald_split_bench: a part does not fit\n");
        return 1;
      }
    }
    parts += split->size();
  }
  std::vector<double> ms;
  for (int r = 0; r < runs; ++r) {
    const auto start = std::chrono::steady_clock::now();
    for (const auto& rules : accounts) {
      if (!split_to_fit(text, rules, { "{i}/{n}" })) {
        return 1;
      }
    }
    ms.push_back(
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::printf("split a %zu-character text for 3 accounts (%zu parts)  median %6.2f ms (n=%d)  "
              "target < 5 ms\n",
              count_code_points(text), parts, median(ms), runs);
  return 0;
}
