#include "pipeline/outputs.hpp"

#include <filesystem>

#include "emit/cpp_migrations.hpp"
#include "emit/cpp_schema.hpp"
#include "emit/expected_schema.hpp"
#include "emit/schema_sql.hpp"
#include "hyperschema/migration.hpp"

namespace fs = std::filesystem;

namespace hyperschema {

std::vector<GeneratedFile> generated_files(const Schema& schema, const std::string& out,
                                           const std::string& migrations_dir) {
    const fs::path root = fs::path(out) / schema.name;
    const fs::path history = migrations_dir.empty() ? root / "migrations" : fs::path(migrations_dir);
    std::vector<Migration> migrations;
    if (fs::is_directory(history)) migrations = load_migrations(history);
    const ExpectedSchema expected = emit::expected_schema_of(schema, static_cast<int>(migrations.size()));
    return {
        {(root / "schema.sql").string(), emit::schema_sql(schema)},
        {(root / "include" / schema.name / "migrations.hpp").string(),
         emit::migrations_header(schema, migrations, expected)},
        {(root / "include" / schema.name / "schema.hpp").string(), emit::schema_header(schema)},
    };
}

}  // namespace hyperschema
