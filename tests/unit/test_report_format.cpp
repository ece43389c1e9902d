#include "report/format.hpp"

#include <doctest/doctest.h>

using namespace herald::report;

TEST_SUITE("report::Format")
{
  TEST_CASE("a CSV field that a spreadsheet would run as a formula starts with a quote")
  {
    CHECK(csv_field("=HYPERLINK(\"http://x\")") == "\"'=HYPERLINK(\"\"http://x\"\")\"");
    CHECK(csv_field("+1+cmd") == "'+1+cmd");
    CHECK(csv_field("-2+3") == "'-2+3");
    CHECK(csv_field("@SUM(A1)") == "'@SUM(A1)");
    CHECK(csv_field("\tx") == "'\tx");
    CHECK(csv_field("\rx") == "\"'\rx\"");
    CHECK(csv_field("-2/notes") == "'-2/notes");
  }

  TEST_CASE("numbers and ordinary text are left as they are")
  {
    CHECK(csv_field("-3") == "-3");
    CHECK(csv_field("-0.25") == "-0.25");
    CHECK(csv_field("0.0425") == "0.0425");
    CHECK(csv_field("launch/masto") == "launch/masto");
    CHECK(csv_field("a=b") == "a=b");
    CHECK(csv_field("") == "");
    CHECK(csv_field("a,b") == "\"a,b\"");
    CHECK(is_plain_number("12"));
    CHECK_FALSE(is_plain_number("-"));
    CHECK_FALSE(is_plain_number("1."));
    CHECK_FALSE(is_plain_number("-1e5"));
  }
}
