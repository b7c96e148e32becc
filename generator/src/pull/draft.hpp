#pragma once

// `hyperschema pull`, step two: a live database written as DSL YAML. The
// draft is read back by the ordinary parser and validator, so that the
// model pull ends with is one the compiler made, and the files it writes come
// from the one YAML writer (emit/yaml_writer.hpp).
//
// What the DSL cannot say is never dropped: each such object is listed, and
// its DDL, as the server prints it, becomes an escape-hatch `sql:` object.

#include <string>
#include <vector>

#include "pull/live_database.hpp"

namespace hyperschema::pull {

struct Draft {
    std::string name;  // the schema's name
    std::string yaml;
    std::vector<Unsupported> unsupported;  // carried as `sql:` objects, or (no DDL) listed only
    std::vector<Unsupported> not_carried;  // listed only: no DDL to carry them by
};

Draft draft_schema(const LiveDatabase& db, const std::string& schema_name);

// The schema's name when none is given: the namespace's, or for `public` the database's.
std::string default_schema_name(const LiveDatabase& db);

}  // namespace hyperschema::pull
