#pragma once

// Writes a model back out as canonical DSL YAML: one file, every setting
// explicit, the same text for the same model. Migrations record the state they
// leave the database in this form (the snapshot), and reading it back with the
// ordinary parser gives the model the next migration is diffed against.

#include <string>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "model/schema.hpp"

namespace hyperschema::emit {

std::string schema_yaml(const Schema& schema);

// SQL text (a body, a view's query) as a literal block, or double-quoted where
// a literal block cannot hold it: YAML takes a block's indentation from its
// first line, so a first line indented more than a later one would not read back.
void write_sql_text(YAML::Emitter& out, const std::string& text);

struct YamlStyle {
    // Leave out settings at the DSL's defaults (`materialized_only: true`,
    // `bucket_column: bucket`), as a person writes them; snapshots keep them.
    bool omit_defaults = false;
};

// The same, one file per concern (schema.yaml, functions.yaml, tables.yaml,
// views.yaml, aggregates.yaml, jobs.yaml, sql.yaml), those with content only:
// how `pull` writes a schema. The parser reads the files as one schema.
std::vector<std::pair<std::string, std::string>> schema_files(const Schema& schema, const YamlStyle& style);

// Every file name schema_files() may write, in its order.
std::vector<std::string> schema_file_names();

}  // namespace hyperschema::emit
