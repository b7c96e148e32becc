// libFuzzer target for the YAML front end: text -> YAML -> model -> validate,
// and the SQL emitter on every schema that validates.
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

#include "emit/schema_sql.hpp"
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
        const std::string sql = hyperschema::emit::schema_sql(result.schema);
        if (print) std::fprintf(stderr, "%s", sql.c_str());
        // Every valid schema is created in one transaction.
        if (sql.find("BEGIN;") == std::string::npos) __builtin_trap();
    }
    return 0;
}
