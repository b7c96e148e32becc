// Hypertables, compression and retention: what TimescaleDB would refuse.

#include <algorithm>

#include "catalog/column_types.hpp"
#include "validate/rules.hpp"

namespace hyperschema::rules {
namespace {

void check_time_column(const Table& table, const Hypertable& h, Diagnostics& diags) {
    if (h.time_column.name.empty()) return;  // missing, reported by the parser
    const Column* time = table.find_column(h.time_column.name);
    if (!time) {
        diags.error(h.time_column.loc, "hypertable `" + table.name + "` partitions by unknown column `" +
                                           h.time_column.name + "`" +
                                           did_you_mean(h.time_column.name, column_names(table)));
        return;
    }
    if (!time->type.domain.empty()) {
        diags.error(h.time_column.loc, "time column `" + table.name + "." + time->name + "` is of domain `" +
                                           time->type.domain +
                                           "`, which TimescaleDB refuses to partition by (\"invalid type for "
                                           "dimension\"); give the column the domain's base type `" +
                                           time->type.without_modifier().sql() + "` instead");
    } else if (!time->type.is_time() && !time->type.is_integer()) {
        diags.error(h.time_column.loc, "time column `" + table.name + "." + time->name + "` has type `" +
                                           time->type.sql() +
                                           "`, which TimescaleDB cannot partition by; use "
                                           "`timestamptz` (recommended), `timestamp`, `date`, or an integer "
                                           "(`bigint` epoch seconds, say, with `integer_now`)");
    }
    if (time->nullable) {
        diags.error(time->loc, "time column `" + table.name + "." + time->name +
                                   "` is nullable, but TimescaleDB makes a hypertable's time column NOT NULL; "
                                   "remove `?` / `nullable: true`");
    }
}

void check_hash_dimension(const Table& table, const Dimension& d, const Column& column, Diagnostics& diags) {
    if (catalog::index_support(IndexMethod::Hash, column.type) != catalog::Opclass::Yes) {
        diags.error(d.column.loc, "hypertable `" + table.name + "` hash-partitions by column `" + column.name +
                                      "` of type `" + column.type.sql() +
                                      "`, which has no hash function (TimescaleDB: \"could not find hash function "
                                      "for type\"); partition by a column of another type, or by `" +
                                      column.name + "::text` in a column of its own");
    }
}

// A range dimension is a second time column: the same types, its interval
// in the column's unit, and TimescaleDB makes it NOT NULL.
void check_range_dimension(const Table& table, const Dimension& d, const Column& column, Diagnostics& diags) {
    const std::string what = "range dimension `" + column.name + "` of hypertable `" + table.name + "`";
    if (!column.type.domain.empty() || (!column.type.is_time() && !column.type.is_integer())) {
        diags.error(d.column.loc, what + " is of type `" + column.type.sql() +
                                      "`, which TimescaleDB cannot range-partition by (\"invalid type for "
                                      "dimension\"); use an integer, `timestamptz`, `timestamp` or `date` column, "
                                      "or hash-partition it with `partitions:`");
        return;
    }
    if (column.nullable) {
        diags.error(column.loc, "column `" + table.name + "." + column.name + "` is nullable, but hypertable `" +
                                    table.name +
                                    "` range-partitions by it, and TimescaleDB makes such a column NOT NULL; remove "
                                    "`?` / `nullable: true`");
    }
    check_time_amount(column.type, table.name + "." + column.name, d.interval, d.interval_loc, "`interval` of " + what,
                      diags);
    if (d.interval && d.interval->has_months()) {
        diags.error(d.interval_loc, "`interval` of " + what +
                                        " uses months or years; TimescaleDB silently stores a month as 30 days, so "
                                        "the database would not match the schema; write days, e.g. `30 days`");
    }
}

// enable_chunk_skipping keeps min/max ranges of integer and timestamp
// columns only (not of a domain over one).
void check_chunk_skipping(const Table& table, const Hypertable& h, Diagnostics& diags) {
    std::vector<std::string> seen;
    for (const NameRef& c : h.chunk_skipping) {
        const Column* column = table.find_column(c.name);
        if (!column) {
            diags.error(c.loc, "`chunk_skipping` of hypertable `" + table.name + "` names unknown column `" + c.name +
                                   "`" + did_you_mean(c.name, column_names(table)));
        } else if (std::find(seen.begin(), seen.end(), c.name) != seen.end()) {
            diags.error(c.loc, "`chunk_skipping` of hypertable `" + table.name + "` lists `" + c.name +
                                   "` twice (TimescaleDB: \"already enabled for column\"); remove one");
        } else if (!column->type.domain.empty() || column->type.is_array() ||
                   (!column->type.is_integer() && !column->type.is_time())) {
            diags.error(c.loc, "`chunk_skipping` of hypertable `" + table.name + "` lists `" + c.name + "` of type `" +
                                   column->type.sql() +
                                   "`, but TimescaleDB tracks ranges of integer, date and timestamp columns only "
                                   "(\"data type unsupported for range calculation\"); remove it");
        }
        seen.push_back(c.name);
    }
}

void check_dimensions(const Table& table, const Hypertable& h, Diagnostics& diags) {
    std::vector<std::string> seen{h.time_column.name};
    for (const Dimension& d : h.dimensions) {
        const Column* column = table.find_column(d.column.name);
        if (!column) {
            diags.error(d.column.loc, "hypertable `" + table.name + "` partitions by unknown column `" + d.column.name +
                                          "`" + did_you_mean(d.column.name, column_names(table)));
            continue;
        }
        if (std::find(seen.begin(), seen.end(), d.column.name) != seen.end()) {
            diags.error(d.column.loc, "hypertable `" + table.name + "` partitions by column `" + d.column.name +
                                          "` twice (TimescaleDB: \"column is already a dimension\"); " +
                                          (d.column.name == h.time_column.name
                                               ? "choose another column than the time column, e.g. a device id"
                                               : "remove one of them"));
            continue;
        }
        seen.push_back(d.column.name);
        if (d.is_hash())
            check_hash_dimension(table, d, *column, diags);
        else
            check_range_dimension(table, d, *column, diags);
    }
}

// Unique constraints and primary keys of a hypertable are enforced per chunk,
// so TimescaleDB requires them to contain every partitioning column.
void check_unique_covers_partitioning(const Table& table, const Hypertable& h, const std::vector<NameRef>& columns,
                                      const SourceLocation& loc, const std::string& what, Diagnostics& diags) {
    for (const NameRef* partitioned : h.partitioning()) {
        const std::string& p = partitioned->name;
        bool covered = std::any_of(columns.begin(), columns.end(), [&](const NameRef& c) { return c.name == p; });
        if (!covered) {
            diags.error(loc, what + " of hypertable `" + table.name + "` does not include column `" + p +
                                 "`, which TimescaleDB partitions by (\"cannot create a unique index without the "
                                 "column\"); add `" +
                                 p + "` to it");
        }
    }
}

}  // namespace

void check_compression(const std::vector<RelationColumn>& columns, const Compression& c, const std::string& owner,
                       Diagnostics& diags) {
    std::vector<std::string> names, seen;
    for (const auto& column : columns) names.push_back(column.name);
    auto json = [&](const std::string& name) {
        auto it = std::find_if(columns.begin(), columns.end(), [&](const RelationColumn& r) { return r.name == name; });
        return it != columns.end() && it->type && it->type->base == BaseType::Json && !it->type->is_array();
    };
    for (const auto& s : c.segment_by) {
        if (std::find(names.begin(), names.end(), s.name) == names.end()) {
            diags.error(s.loc,
                        "unknown column `" + s.name + "` in `segment_by` of " + owner + did_you_mean(s.name, names));
        } else if (json(s.name)) {
            diags.error(s.loc, "column `" + s.name + "` in `segment_by` of " + owner +
                                   " is `json`: TimescaleDB accepts the setting, but compressing a chunk fails "
                                   "(\"data type json has no default operator class for access method \"btree\"\"); "
                                   "change the column to `jsonb` or do not segment by it");
        }
        if (std::find(seen.begin(), seen.end(), s.name) != seen.end()) {
            diags.error(s.loc, "column `" + s.name + "` appears twice in `segment_by` of " + owner);
        }
        seen.push_back(s.name);
    }
    for (const auto& o : c.order_by) {
        if (std::find(names.begin(), names.end(), o.column) == names.end()) {
            diags.error(o.loc,
                        "unknown column `" + o.column + "` in `order_by` of " + owner + did_you_mean(o.column, names));
        } else if (json(o.column)) {
            diags.error(o.loc, "column `" + o.column + "` in `order_by` of " + owner +
                                   " is `json`, which TimescaleDB cannot order by (\"invalid ordering column type "
                                   "json\"); change the column to `jsonb` or order by another column");
        }
        if (std::find(seen.begin(), seen.end(), o.column) != seen.end()) {
            diags.error(o.loc, "column `" + o.column + "` is in both `segment_by` and `order_by` of " + owner +
                                   " (or twice in `order_by`); TimescaleDB allows a column in only one of them");
        }
        seen.push_back(o.column);
    }
}

void check_hypertable(const Schema& schema, const Table& table, Diagnostics& diags) {
    const Hypertable& h = *table.hypertable;
    check_time_column(table, h, diags);
    check_dimensions(table, h, diags);
    check_chunk_skipping(table, h, diags);
    check_hypertable_time(schema, table, diags);
    if (h.chunk_interval && h.chunk_interval->has_months()) {
        diags.error(h.chunk_interval_loc,
                    "`chunk_interval` of hypertable `" + table.name +
                        "` uses months or years; TimescaleDB silently stores a month as 30 days, so the "
                        "database would not match the schema; write days, e.g. `30 days`");
    } else if (const Column* time = table.find_column(h.time_column.name);
               h.chunk_interval && time && time->type.base == BaseType::Date && !time->type.is_array() &&
               h.chunk_interval->approx_micros() % Interval::kMicrosPerDay != 0) {
        diags.error(h.chunk_interval_loc, "`chunk_interval` of hypertable `" + table.name + "` is " +
                                              h.chunk_interval->text() + ", but its time column `" + time->name +
                                              "` is a `date`, so TimescaleDB refuses it (\"invalid interval for date "
                                              "dimension\"); use whole days, e.g. `" +
                                              whole_days(*h.chunk_interval).text() + "`");
    }
    if (table.primary_key) {
        check_unique_covers_partitioning(table, h, table.primary_key->columns, table.primary_key->loc,
                                         "the primary key", diags);
    }
    for (const auto& u : table.uniques) {
        check_unique_covers_partitioning(table, h, u.columns, u.loc, "unique constraint `" + u.name + "`", diags);
    }
    const std::string owner = "hypertable `" + table.name + "`";
    if (h.compression) check_compression(relation_columns(table), *h.compression, owner, diags);
    check_policies(schema, owner, h.policies, diags);
    if (const Policy* reorder = h.policies.find(PolicyKind::Reorder)) check_reorder_index(table, *reorder, diags);
}

}  // namespace hyperschema::rules
