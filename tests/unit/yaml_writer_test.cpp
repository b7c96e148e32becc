// The canonical YAML a migration snapshot is written in must read back as the
// same schema: same SQL, and the same YAML when written again.

#include "support/catch.hpp"

#include "emit/yaml_writer.hpp"
#include "migrate/schema_script.hpp"
#include "pipeline/compile.hpp"
#include "unit/test_files.hpp"

using namespace hyperschema;
using namespace hyperschema::testing;

static void check_round_trip(const CompileResult& original, const std::string& name) {
    INFO(name << "\n" << original.diags.format());
    REQUIRE(original.ok());
    const std::string yaml = emit::schema_yaml(original.schema);
    CompileResult reread = compile_texts({{name + ".snapshot.yaml", yaml}}, name);
    INFO(yaml << "\n" << reread.diags.format());
    REQUIRE(reread.ok());
    CHECK(history::schema_sql(reread.schema) == history::schema_sql(original.schema));
    CHECK(emit::schema_yaml(reread.schema) == yaml);
}

TEST_CASE("every schema survives a round trip through canonical YAML", "[snapshot]") {
    for (const auto& name : subdirectories(source_path("schemas"))) {
        check_round_trip(compile_directory(source_path("schemas/" + name)), name);
    }
    for (const auto& name : subdirectories(source_path("tests/golden"))) {
        check_round_trip(compile_texts(yaml_files(source_path("tests/golden/" + name), name), name), name);
    }
    for (const auto& name : subdirectories(source_path("tests/realworld"))) {
        check_round_trip(compile_directory(source_path("tests/realworld/" + name)), name);
    }
}
