// The SQL emitter, byte for byte: tests/golden/<case>/ holds YAML and the
// expected.sql it compiles to; and generated/<schema>/schema.sql must match
// what the schemas/ compile to today.

#include "support/catch.hpp"

#include "migrate/schema_script.hpp"
#include "pipeline/compile.hpp"
#include "unit/test_files.hpp"

using namespace hyperschema;
using namespace hyperschema::testing;

static std::string compile_sql(const std::string& dir, const std::string& name) {
    CompileResult r = compile_texts(yaml_files(dir, name), name);
    INFO(r.diags.format());
    REQUIRE(r.ok());
    return history::schema_sql(r.schema);
}

TEST_CASE("golden SQL cases compile to their expected SQL", "[sql]") {
    const std::string root = source_path("tests/golden");
    auto cases = subdirectories(root);
    REQUIRE(cases.size() >= 5);
    for (const auto& name : cases) {
        const std::string dir = root + "/" + name;
        const std::string sql = compile_sql(dir, name);
        if (update_golden()) {
            write_text(dir + "/expected.sql", sql);
            continue;
        }
        INFO("case " << name << "; " << kUpdateHint);
        CHECK(sql == read_text(dir + "/expected.sql"));
    }
}

TEST_CASE("the checked-in generated SQL matches the schemas", "[sql]") {
    for (const auto& name : subdirectories(source_path("schemas"))) {
        CompileResult r = compile_directory(source_path("schemas/" + name));
        INFO(r.diags.format());
        REQUIRE(r.ok());
        INFO("schema " << name << ": run `hyperschema generate schemas --out generated`");
        CHECK(history::schema_sql(r.schema) == read_text(source_path("generated/" + r.schema.name + "/schema.sql")));
    }
}

TEST_CASE("the same schema always gives byte-identical SQL", "[sql]") {
    for (const auto& name : subdirectories(source_path("schemas"))) {
        const std::string dir = source_path("schemas/" + name);
        CompileResult a = compile_directory(dir), b = compile_directory(dir);
        REQUIRE(a.ok());
        CHECK(history::schema_sql(a.schema) == history::schema_sql(b.schema));
    }
}
