#pragma once

// The script that creates a schema in an empty database (schema.sql): the
// migration from nothing, so the order of objects is defined once, by the
// diff's stages.

#include <string>

#include "model/schema.hpp"

namespace hyperschema::history {

// The complete SQL that creates the schema's desired state in an empty
// database: one transaction for all DDL, then the statements that cannot run
// in one (the initial refresh of aggregates declared `with_data`). Applies
// with `psql -v ON_ERROR_STOP=1 -f`; a failure leaves nothing half-created.
std::string schema_sql(const Schema& schema);

}  // namespace hyperschema::history
