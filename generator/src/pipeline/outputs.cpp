#include "pipeline/outputs.hpp"

#include <filesystem>

#include "emit/cpp_migrations.hpp"
#include "emit/expected_schema.hpp"
#include "emit/schema_sql.hpp"
#include "hyperschema/migration.hpp"

namespace fs = std::filesystem;

namespace hyperschema {

std::vector<GeneratedFile> generated_files(const Schema& schema, const std::string& out) {
    const fs::path root = fs::path(out) / schema.name;
    std::vector<Migration> migrations;
    if (fs::is_directory(root / "migrations")) migrations = load_migrations(root / "migrations");
    const ExpectedSchema expected = emit::expected_schema_of(schema, static_cast<int>(migrations.size()));
    return {
        {(root / "schema.sql").string(), emit::schema_sql(schema)},
        {(root / "include" / schema.name / "migrations.hpp").string(),
         emit::migrations_header(schema, migrations, expected)},
    };
}

}  // namespace hyperschema
