// untrusted.cpp <-> untrusted_test.cpp: control bytes and invalid UTF-8 never reach a message raw.
#include "qqt/untrusted.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "qqt/error.hpp"

using namespace qqt;
using namespace std::string_literals;

TEST_CASE("printable escapes control characters and bytes that are not UTF-8", "[untrusted]") {
  CHECK(printable("top 0-10%") == "top 0-10%");
  CHECK(printable("line\nbreak") == "line\\nbreak");
  CHECK(printable("cr\r tab\t") == "cr\\r tab\\t");
  CHECK(printable("nul\0x"s) == "nul\\0x");
  CHECK(printable("\x1b[31mred\x1b[0m") == "\\e[31mred\\e[0m");
  CHECK(printable("del\x7f") == "del\\x7f");
  CHECK(printable("bell\a") == "bell\\x07");
  CHECK(printable("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") == "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");  // é € 😀 pass
  CHECK(printable("\xc2\x9b"
                  "31m") == "\\u009b31m");  // C1 CSI, the 8-bit ANSI escape
  CHECK(printable("bad\xff\xfe") == "bad\\xff\\xfe");
  CHECK(printable("cut\xe2\x82") == "cut\\xe2\\x82");              // a sequence cut off
  CHECK(printable("\xc0\xaf") == "\\xc0\\xaf");                    // overlong '/'
  CHECK(printable("\xed\xa0\x80") == "\\xed\\xa0\\x80");           // a UTF-16 surrogate
  CHECK(printable("\xf4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80");  // past U+10FFFF
}

TEST_CASE("utf8_sequence_length follows RFC 3629", "[untrusted]") {
  CHECK(utf8_sequence_length("a", 0) == 1);
  CHECK(utf8_sequence_length("\xc3\xa9", 0) == 2);
  CHECK(utf8_sequence_length("\xe2\x82\xac", 0) == 3);
  CHECK(utf8_sequence_length("\xf0\x9f\x98\x80", 0) == 4);
  CHECK(utf8_sequence_length("\x80", 0) == 0);
  CHECK(utf8_sequence_length("\xe0\x80\x80", 0) == 0);
}

TEST_CASE("every error message is one printable line", "[untrusted]") {
  const InputError e("config.yaml:3:9: pools[0].name 'a\nb\x1b[2J' repeats");
  CHECK(std::string(e.what()) == "config.yaml:3:9: pools[0].name 'a\\nb\\e[2J' repeats");
  CHECK(std::string(InternalError("x\0y"s).what()) == "x\\0y");
}
