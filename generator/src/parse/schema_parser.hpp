#pragma once

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "diag/diagnostics.hpp"
#include "model/schema.hpp"

namespace hyperschema::parse {

struct SourceFile {
    std::string path;  // as shown in diagnostics
    YAML::Node root;
};

// Lists the schema's YAML files (*.yaml, *.yml directly in `dir`, sorted by
// name so that output never depends on directory order) and parses each.
// Syntax errors become diagnostics; an unreadable directory sets *io_error.
std::vector<SourceFile> load_schema_files(const std::string& dir, Diagnostics& diags, bool* io_error);

// Parses YAML text held in memory (tests and the fuzzer).
SourceFile load_yaml_text(const std::string& path, const std::string& text, Diagnostics& diags);

// Builds the model from every file of one schema. Reports shape errors (wrong
// types, unknown keys, bad intervals, unknown column types); the meaning of
// the schema is checked afterwards by validate().
Schema parse_schema(const std::vector<SourceFile>& files, const std::string& dir, Diagnostics& diags);

}  // namespace hyperschema::parse
