#pragma once

// `hyperschema pull` as one call: a live database's namespace, read, written
// as DSL YAML and read back by the compiler. The CLI writes the compiled
// schema's files; diff --db and baseline take its model as the database's state.

#include <string>

#include "hyperschema/connection.hpp"
#include "pipeline/compile.hpp"
#include "pull/draft.hpp"

namespace hyperschema::pull {

struct PulledSchema {
    Draft draft;             // the YAML written from the catalog, and what it carries as SQL
    CompileResult compiled;  // the draft through the compiler; an error here is a pull bug
};

// `name` "" names the schema after the namespace (or the database, for public).
PulledSchema pull_schema(connection& conn, const std::string& ns, const std::string& name = "");

}  // namespace hyperschema::pull
