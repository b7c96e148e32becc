#pragma once

#include <string>

#include "model/schema.hpp"

namespace hyperschema::emit {

// The marker before statements that PostgreSQL or TimescaleDB refuse inside a
// transaction block. Everything before it runs in one transaction; each
// statement after it runs on its own. psql ignores it (it is a comment); the
// hyperschema runtime reads it.
inline constexpr const char* kNoTransactionMarker = "-- hyperschema:no-transaction";

// The complete SQL that creates the schema's desired state in an empty
// database: one transaction for all DDL, then the statements that cannot run
// in one (the initial refresh of aggregates declared `with_data`). Applies
// with `psql -v ON_ERROR_STOP=1 -f`; a failure leaves nothing half-created.
std::string schema_sql(const Schema& schema);

}  // namespace hyperschema::emit
