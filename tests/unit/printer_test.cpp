#include "support/catch.hpp"

#include <stdexcept>

#include "emit/printer.hpp"

using hyperschema::emit::Printer;

TEST_CASE("the printer substitutes variables and indents by scope", "[printer]") {
    Printer p;
    p.print("CREATE TABLE $name$ (\n", {{"name", "t"}});
    {
        auto indent = p.indent();
        p.print("$a$,\n$b$\n", {{"a", "x int"}, {"b", "y text"}});
    }
    p.print(");\n-- costs $$5\n");
    CHECK(p.text() == "CREATE TABLE t (\n    x int,\n    y text\n);\n-- costs $5\n");
}

TEST_CASE("multi-line values keep the current indentation", "[printer]") {
    Printer p;
    auto indent = p.indent();
    p.print("$v$\n", {{"v", "a\nb"}});
    CHECK(p.text() == "    a\n    b\n");
}

TEST_CASE("an unknown placeholder is a hard failure", "[printer]") {
    Printer p;
    CHECK_THROWS_AS(p.print("$nope$", {{"name", "x"}}), std::logic_error);
    CHECK_THROWS_AS(p.print("$unterminated"), std::logic_error);
}
