// Every validation rule has a case in tests/cases/invalid/<rule>/: the YAML
// and expected.txt, the exact diagnostics (file:line:col, message, notes).

#include "support/catch.hpp"

#include "pipeline/compile.hpp"
#include "unit/test_files.hpp"

using namespace hyperschema;
using namespace hyperschema::testing;

TEST_CASE("every invalid case reports exactly its expected diagnostics", "[diagnostics]") {
    const std::string root = source_path("tests/cases/invalid");
    auto cases = subdirectories(root);
    REQUIRE(cases.size() >= 30);
    for (const auto& name : cases) {
        const std::string dir = root + "/" + name;
        CompileResult r = compile_texts(yaml_files(dir, name), name);
        const std::string actual = r.diags.format();
        if (update_golden()) {
            write_text(dir + "/expected.txt", actual);
            continue;
        }
        INFO("case " << name << "; " << kUpdateHint);
        CHECK(actual == read_text(dir + "/expected.txt"));
        // A case is invalid: it must fail, unless it is a warning-only or
        // note-only case.
        if (name.rfind("warn_", 0) == 0) {
            CHECK(r.diags.warning_count() > 0);
            CHECK_FALSE(r.diags.has_errors());
        } else if (name.rfind("note_", 0) == 0) {
            CHECK(r.diags.warning_count() == 0);
            CHECK_FALSE(r.diags.has_errors());
            CHECK_FALSE(r.diags.all().empty());
        } else {
            CHECK(r.diags.has_errors());
        }
    }
}
