#pragma once

// The DSL as a JSON Schema (draft 2020-12), written from the parser's table
// of keys (parse/dsl_keys.cpp) and the catalogs it names (column types,
// aggregate functions, privileges, interval units): what editors use for
// completion, hover text and validation as you type
// (`# yaml-language-server: $schema=...`). Deterministic: the same build
// always writes the same bytes.

#include <string>

namespace hyperschema::emit {

// The file's name, under `--out` (the repository ships generated/hyperschema.schema.json).
inline constexpr const char* kJsonSchemaFile = "hyperschema.schema.json";

std::string dsl_json_schema();

}  // namespace hyperschema::emit
