#pragma once

#include "diag/diagnostics.hpp"
#include "model/schema.hpp"

namespace hyperschema {

// Checks what a schema means: references resolve, names are unique, and every
// mistake PostgreSQL or TimescaleDB would only report at apply time is
// reported here first, with its location and the fix. Also fills in what the
// model derives (inferred aggregate column types). After this the model is
// read-only.
void validate(Schema& schema, Diagnostics& diags);

}  // namespace hyperschema
