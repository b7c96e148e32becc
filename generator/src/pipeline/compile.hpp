#pragma once

// The whole front end in one call: files -> YAML -> model -> validated model.

#include <string>
#include <vector>

#include "diag/diagnostics.hpp"
#include "model/schema.hpp"

namespace hyperschema {

struct CompileResult {
    Schema schema;
    Diagnostics diags;
    bool io_error = false;  // the directory or a file could not be read

    bool ok() const { return !io_error && !diags.has_errors(); }
};

CompileResult compile_directory(const std::string& dir);

// For tests and the fuzzer: one schema from in-memory YAML files
// (path -> text), as if they were the files of one directory.
CompileResult compile_texts(const std::vector<std::pair<std::string, std::string>>& files, const std::string& name);

// The schema directories named by `path`: the directory itself when it holds
// YAML files, otherwise each subdirectory that does (sorted by name).
std::vector<std::string> find_schema_directories(const std::string& path);

}  // namespace hyperschema
