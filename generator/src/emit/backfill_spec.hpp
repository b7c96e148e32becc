#pragma once

// A backfill of the model as the runtime's runner takes it
// (hyperschema/backfill.hpp): names resolved, the batch size in the key's
// own units, the target's key and time column, and the continuous aggregates
// over the target (refreshed once after the run).

#include <hyperschema/backfill.hpp>

#include "model/schema.hpp"

namespace hyperschema::emit {

BackfillSpec backfill_spec(const Schema& schema, const Backfill& backfill);

// The columns that find a target row again: its primary key, else its first
// unique constraint, else a unique index on plain columns; empty when none.
std::vector<std::string> backfill_key(const Table& target);

// The migration step that runs it: the runtime's marker with the definition,
// then the statement psql runs in its place (the whole range at once).
std::string backfill_step(const Schema& schema, const Backfill& backfill);

}  // namespace hyperschema::emit
