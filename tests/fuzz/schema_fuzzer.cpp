// libFuzzer target for the YAML front end: text -> YAML -> model -> validate,
// and on every schema that validates: the SQL emitter, the snapshot writer
// (its YAML must read back as the same schema) and the diff engine (creating
// the schema from nothing, and a schema against itself, which must be empty).
//
// The input is split at the first "\n---file---\n" into two files of one
// schema, so cross-file references (enums, foreign keys, aggregate sources,
// `schema` settings given twice) are exercised too.
//
// HYPERSCHEMA_FUZZ_PRINT=1 prints the diagnostics (and SQL) of each input, to
// see what a corpus file or a crash input does.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "diff/diff.hpp"
#include "emit/yaml_writer.hpp"
#include "migrate/migrations.hpp"
#include "migrate/schema_script.hpp"
#include "pipeline/compile.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static constexpr std::string_view kSeparator = "\n---file---\n";
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    std::vector<std::pair<std::string, std::string>> files;
    if (auto split = input.find(kSeparator); split != std::string_view::npos) {
        files.emplace_back("fuzz/a.yaml", std::string(input.substr(0, split)));
        files.emplace_back("fuzz/b.yaml", std::string(input.substr(split + kSeparator.size())));
    } else {
        files.emplace_back("fuzz/a.yaml", std::string(input));
    }

    static const bool print = std::getenv("HYPERSCHEMA_FUZZ_PRINT") != nullptr;

    hyperschema::CompileResult result = hyperschema::compile_texts(files, "fuzz");
    const std::string report = result.diags.format();
    if (print) std::fprintf(stderr, "%s", report.c_str());
    if (result.ok()) {
        const std::string sql = hyperschema::history::schema_sql(result.schema);
        if (print) std::fprintf(stderr, "%s", sql.c_str());
        // Every valid schema is created in one transaction (an empty one has
        // nothing to create).
        hyperschema::Schema nothing;
        nothing.name = result.schema.name;
        nothing.namespace_ = result.schema.namespace_;
        bool transactional = false;
        for (const auto& change : hyperschema::diff::diff_schemas(nothing, result.schema).changes) {
            for (const auto& st : change.statements) transactional |= st.phase == hyperschema::diff::Phase::Transaction;
        }
        if (transactional && sql.find("BEGIN;") == std::string::npos) __builtin_trap();
        // The snapshot reads back as a valid schema with the same SQL.
        const std::string yaml = hyperschema::emit::schema_yaml(result.schema);
        hyperschema::CompileResult reread = hyperschema::compile_texts({{"fuzz/snapshot.yaml", yaml}}, "fuzz");
        if (!reread.ok() || hyperschema::history::schema_sql(reread.schema) != sql) {
            if (print)
                std::fprintf(stderr, "snapshot does not round-trip:\n%s\n%s", yaml.c_str(),
                             reread.diags.format().c_str());
            __builtin_trap();
        }
        hyperschema::Schema empty;
        empty.name = result.schema.name;
        const auto plan = hyperschema::diff::diff_schemas(empty, result.schema);
        (void)hyperschema::history::render_migration(plan, "fuzz", "0001_fuzz", true, {});
        if (!hyperschema::diff::diff_schemas(result.schema, result.schema).empty()) __builtin_trap();
    }
    return 0;
}
