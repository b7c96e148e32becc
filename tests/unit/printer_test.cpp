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

TEST_CASE("variable frames are seen by every print until they end, innermost first", "[printer]") {
    Printer p;
    {
        auto outer = p.with({{"ns", "heatpump"}, {"kind", "table"}});
        p.print("$ns$ $kind$\n");
        {
            auto inner = p.with({{"kind", "view"}});
            p.print("$ns$ $kind$\n");
            p.print("$kind$\n", {{"kind", "aggregate"}});  // the call's own variables come first
        }
        p.print("$kind$\n");
    }
    CHECK(p.text() == "heatpump table\nheatpump view\naggregate\ntable\n");
    CHECK_THROWS_AS(p.print("$ns$"), std::logic_error);  // the frame has ended
}

TEST_CASE("raw multi-line templates are dedented as they sit in the emitter", "[printer]") {
    Printer p;
    auto vars = p.with({{"name", "readings"}});
    p.emit(R"(
        struct $name$ {
            int x;

            int y;
        };
    )");
    CHECK(p.text() == "struct readings {\n    int x;\n\n    int y;\n};\n");
    CHECK(hyperschema::emit::dedent("\n  a\n    b\n  ") == "a\n  b\n");
    CHECK(hyperschema::emit::dedent("one line") == "one line");
}
