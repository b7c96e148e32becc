#include "pipeline/outputs.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

#include "emit/cpp_headers.hpp"
#include "emit/cpp_relation.hpp"
#include "emit/cpp_source.hpp"
#include "emit/expected_schema.hpp"
#include "hyperschema/migration.hpp"
#include "migrate/schema_script.hpp"
#include "model/names.hpp"

namespace fs = std::filesystem;

namespace hyperschema {

std::vector<GeneratedFile> generated_files(const Schema& schema, const std::string& out,
                                           const std::string& migrations_dir, int sources) {
    const fs::path root = fs::path(out) / schema.name;
    const fs::path history = migrations_dir.empty() ? root / "migrations" : fs::path(migrations_dir);
    std::vector<Migration> migrations;
    if (fs::is_directory(history)) migrations = load_migrations(history);
    const ExpectedSchema expected = emit::expected_schema_of(schema, static_cast<int>(migrations.size()));
    const auto relations = emit::relations_of(schema);
    const fs::path include = root / "include";
    std::vector<GeneratedFile> files{
        {(root / "schema.sql").string(), history::schema_sql(schema)},
        {(include / schema.name / "migrations.hpp").string(), emit::migrations_header(schema)},
        {(include / schema.name / "schema.hpp").string(), emit::schema_header(schema, relations)},
    };
    if (!schema.enums.empty())
        files.push_back({(include / schema.name / "enums.hpp").string(), emit::enums_header(schema)});
    for (const auto& r : relations)
        files.push_back({(include / emit::relation_header_path(schema, r)).string(), emit::relation_header(schema, r)});
    for (int part = 0; part < sources; ++part) {
        const std::string file = part == 0 ? schema.name + ".cpp" : schema.name + "_" + std::to_string(part) + ".cpp";
        std::vector<emit::Relation> mine;
        for (const auto& r : relations)
            if (static_cast<int>(fnv1a64(r.name) % static_cast<unsigned>(sources)) == part) mine.push_back(r);
        files.push_back({(root / "src" / file).string(),
                         emit::schema_source(schema, mine, part == 0 ? &migrations : nullptr, expected)});
    }
    return files;
}

std::vector<std::string> stale_generated_files(const Schema& schema, const std::string& out,
                                               const std::vector<GeneratedFile>& files) {
    const fs::path root = fs::path(out) / schema.name;
    const fs::path include = root / "include" / schema.name;
    std::vector<fs::path> candidates{include / "enums.hpp"};
    for (const char* dir : {"tables", "views", "aggregates"}) {
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(include / dir, ec))
            if (entry.path().extension() == ".hpp") candidates.push_back(entry.path());
    }
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(root / "src", ec))
        if (entry.path().extension() == ".cpp") candidates.push_back(entry.path());
    std::set<std::string> wanted;
    for (const auto& f : files) wanted.insert(fs::path(f.path).lexically_normal().string());
    std::vector<std::string> stale;
    for (const auto& c : candidates) {
        if (fs::exists(c) && !wanted.count(c.lexically_normal().string())) stale.push_back(c.string());
    }
    std::sort(stale.begin(), stale.end());
    return stale;
}

}  // namespace hyperschema
