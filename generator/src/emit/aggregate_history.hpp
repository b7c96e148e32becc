#pragma once

// Rebuilding a continuous aggregate without losing the buckets its source no
// longer has rows for (a retention policy dropped them). In a migration:
//
//   transaction:  the old aggregate's jobs deleted, the aggregate renamed
//                 aside (set_aggregate_aside); the new one created under
//                 the real name, WITH NO DATA
//   after it:     the new one refreshed over everything the source has;
//                 then the buckets older than the source's first row
//                 replaced by the old aggregate's (carry_aggregate_history);
//                 then the old aggregate dropped (drop_aggregate_set_aside)
//
// Each step after the transaction can run again after a stop: the refresh
// finds the window materialized, the carry deletes before it inserts (and
// does nothing once the old aggregate is gone), the drop says IF EXISTS.

#include <string>
#include <vector>

#include "model/schema.hpp"

namespace hyperschema::emit {

// How the new aggregate's columns are computed from the old one's rows.
struct CarriedColumns {
    std::vector<std::string> columns;  // the new aggregate's columns that are filled (others stay NULL)
    std::vector<std::string> values;   // each one's SQL over the old aggregate's columns
    // When the new bucket is coarser, the old rows are grouped by the new
    // bucket and the group keys (the values are then re-aggregations);
    // empty when each old row is one new row.
    std::vector<std::string> group_by;
};

// The old aggregate's name while it is set aside: `<name>__hyperschema_old`,
// within PostgreSQL's 63 bytes (a long name cut, with a hash of it).
std::string set_aside_name(const std::string& aggregate);
std::string set_aggregate_aside(const Schema& schema, const ContinuousAggregate& old);
// `old_name`: the name the old aggregate had, under which it was set aside.
std::string carry_aggregate_history(const Schema& schema, const ContinuousAggregate& aggregate,
                                    const std::string& old_name, const CarriedColumns& carried);
std::string drop_aggregate_set_aside(const Schema& schema, const ContinuousAggregate& old);

// New columns at the end of an aggregate, in place (TimescaleDB 2.28):
//
//   transaction:  ALTER MATERIALIZED VIEW ... ADD COLUMN c type GENERATED ALWAYS AS (expr) STORED
//   after it:     a forced refresh from the source's first row to now, which
//                 fills the new columns where the source still has rows; the
//                 buckets before it keep NULL there (a refresh over them would
//                 delete them, their rows being gone), and a notice counts them
std::string add_aggregate_columns(const Schema& schema, const ContinuousAggregate& aggregate,
                                  const std::vector<AggregateColumn>& added);
std::string refresh_added_aggregate_columns(const Schema& schema, const ContinuousAggregate& aggregate,
                                            const std::vector<AggregateColumn>& added);

}  // namespace hyperschema::emit
