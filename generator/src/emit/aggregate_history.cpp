#include "emit/aggregate_history.hpp"

#include <algorithm>

#include "emit/identifiers.hpp"
#include "emit/printer.hpp"
#include "emit/sql_statements.hpp"
#include "hyperschema/detail/sha256.hpp"

namespace hyperschema::emit {
namespace {

constexpr std::string_view kSetAsideSuffix = "__hyperschema_old";
constexpr size_t kMaxIdentifierBytes = 63;

// The materialization hypertable behind an aggregate, as a regclass (NULL
// when there is no such aggregate).
std::string materialization_of(const Schema& schema, const std::string& aggregate) {
    return "(SELECT format('%I.%I', materialization_hypertable_schema, materialization_hypertable_name)::regclass\n"
           "        FROM timescaledb_information.continuous_aggregates\n"
           "        WHERE view_schema = " +
           quote_literal(schema.namespace_) + " AND view_name = " + quote_literal(aggregate) + ")";
}

std::string column_list_of(const std::vector<std::string>& names) {
    std::vector<std::string> quoted;
    for (const auto& n : names) quoted.push_back(quote_ident(n));
    return join(quoted, ", ");
}

// Buckets that start before the source's first row ($1), or every bucket
// when the source is empty.
std::string before_source_start(const ContinuousAggregate& aggregate) {
    return " WHERE $1 IS NULL OR " + quote_ident(aggregate.bucket_column) + " < $1";
}

// The DELETE and the INSERT are dynamic SQL (the materialization hypertables
// are found when the migration runs): PL/pgSQL expressions that paste the
// regclass variables `rebuilt` and `retired` between quoted pieces.
std::string delete_young_buckets(const ContinuousAggregate& aggregate) {
    return "'DELETE FROM ' || rebuilt || " + quote_literal(before_source_start(aggregate));
}

// The new aggregate's columns computed from the old one's materialization
// hypertable, for the buckets the source no longer covers.
std::string insert_carried_rows(const ContinuousAggregate& aggregate, const CarriedColumns& carried) {
    std::vector<std::string> items;
    for (size_t i = 0; i < carried.columns.size(); ++i)
        items.push_back(carried.values[i] + " AS " + quote_ident(carried.columns[i]));
    const std::string grouped = carried.group_by.empty() ? "" : " GROUP BY " + join(carried.group_by, ", ");
    return "'INSERT INTO ' || rebuilt || " +
           quote_literal(" (" + column_list_of(carried.columns) + ") SELECT * FROM (SELECT " + join(items, ", ") +
                         " FROM ") +
           " || retired || " + quote_literal(" AS retired" + grouped + ") AS carried" + before_source_start(aggregate));
}

// A real-time aggregate shows its materialized rows below its watermark,
// which a refresh over an empty source leaves at the start of time: the rows
// carried over would stay hidden until the source has rows again. The
// watermark is TimescaleDB's catalog, writable by a superuser only (as its
// own cagg_migrate() did): moved when the role may, a warning otherwise.
std::string watermark_past_carried(const Schema& schema, const ContinuousAggregate& aggregate) {
    Printer p;
    auto in_the_block = p.indent();
    p.emit(R"(
            IF source_start IS NULL THEN
                IF has_table_privilege('_timescaledb_catalog.continuous_aggs_watermark', 'UPDATE') THEN
                    UPDATE _timescaledb_catalog.continuous_aggs_watermark w
                    SET watermark = _timescaledb_functions.cagg_watermark_materialized(w.mat_hypertable_id)
                    WHERE w.mat_hypertable_id = (SELECT mat_hypertable_id FROM _timescaledb_catalog.continuous_agg
                        WHERE user_view_schema = $schema$ AND user_view_name = $name$);
                ELSE
                    RAISE WARNING '%: its source has no rows, so the real-time aggregate shows the buckets carried over once the source has rows again and it is refreshed (moving its watermark now needs a superuser)', $name$;
                END IF;
            END IF;
    )",
           {{"schema", quote_literal(schema.namespace_)}, {"name", quote_literal(aggregate.name)}});
    return p.text();
}

}  // namespace

std::string set_aside_name(const std::string& aggregate) {
    if (aggregate.size() + kSetAsideSuffix.size() <= kMaxIdentifierBytes)
        return aggregate + std::string(kSetAsideSuffix);
    // Cut, with a hash of the whole name, so two long names that begin alike
    // stay apart.
    const std::string hash = "_" + hyperschema::detail::sha256_hex(aggregate).substr(0, 8);
    return aggregate.substr(0, kMaxIdentifierBytes - kSetAsideSuffix.size() - hash.size()) + hash +
           std::string(kSetAsideSuffix);
}

std::string set_aggregate_aside(const Schema& schema, const ContinuousAggregate& old) {
    Printer p;
    p.emit(R"(
        SELECT delete_job(job_id) FROM timescaledb_information.jobs
        WHERE hypertable_schema = $schema$ AND hypertable_name = $name$;
        ALTER MATERIALIZED VIEW $aggregate$ RENAME TO $aside$;
    )",
           {{"schema", quote_literal(schema.namespace_)},
            {"name", quote_literal(old.name)},
            {"aggregate", qualified(schema.namespace_, old.name)},
            {"aside", quote_ident(set_aside_name(old.name))}});
    return p.text();
}

std::string carry_aggregate_history(const Schema& schema, const ContinuousAggregate& aggregate,
                                    const std::string& old_name, const CarriedColumns& carried) {
    Printer p;
    p.emit(R"(
        DO $tag$
        DECLARE
            retired regclass := $retired$;
            rebuilt regclass := $rebuilt$;
            source_start $source$.$time$%TYPE := (SELECT min($time$) FROM $source$);
            carried bigint;
        BEGIN
            IF retired IS NULL THEN
                RETURN;  -- carried over, and the old aggregate dropped, by an earlier run
            END IF;
            EXECUTE $delete$ USING source_start;
            EXECUTE $insert$ USING source_start;
            GET DIAGNOSTICS carried = ROW_COUNT;
            RAISE NOTICE '%: % rows of buckets before % (where the rows of % start) carried over from the old definition',
                $name$, carried, coalesce(source_start::text, 'the end'), $source_name$;
        $watermark$END
        $tag$;
    )",
           {{"tag", "$hyperschema$"},
            {"retired", materialization_of(schema, set_aside_name(old_name))},
            {"rebuilt", materialization_of(schema, aggregate.name)},
            {"source", qualified(schema.namespace_, aggregate.source.name)},
            {"time", quote_ident(source_time_column(schema, aggregate))},
            {"delete", delete_young_buckets(aggregate)},
            {"insert", insert_carried_rows(aggregate, carried)},
            {"name", quote_literal(aggregate.name)},
            {"source_name", quote_literal(aggregate.source.name)},
            {"watermark", aggregate.materialized_only ? "" : watermark_past_carried(schema, aggregate)}});
    return p.text();
}

std::string drop_aggregate_set_aside(const Schema& schema, const ContinuousAggregate& old) {
    return "DROP MATERIALIZED VIEW IF EXISTS " + qualified(schema.namespace_, set_aside_name(old.name)) + ";\n";
}

std::string add_aggregate_columns(const Schema& schema, const ContinuousAggregate& aggregate,
                                  const std::vector<AggregateColumn>& added) {
    Printer p;
    p.print("ALTER MATERIALIZED VIEW $name$\n", {{"name", qualified(schema.namespace_, aggregate.name)}});
    auto indent = p.indent();
    for (size_t i = 0; i < added.size(); ++i) {
        p.print("ADD COLUMN $column$ $type$ GENERATED ALWAYS AS ($expression$) STORED$end$\n",
                {{"column", quote_ident(added[i].name)},
                 {"type", column_type_sql(schema, *added[i].type)},
                 {"expression", added[i].expression},
                 {"end", i + 1 < added.size() ? "," : ";"}});
    }
    return p.text();
}

std::string refresh_added_aggregate_columns(const Schema& schema, const ContinuousAggregate& aggregate,
                                            const std::vector<AggregateColumn>& added) {
    std::vector<std::string> names;
    for (const auto& c : added) names.push_back(c.name);
    Printer p;
    p.emit(R"(
        DO $tag$
        DECLARE
            source_start $source$.$time$%TYPE := (SELECT min($time$) FROM $source$);
        BEGIN
            IF source_start IS NOT NULL THEN
                CALL refresh_continuous_aggregate($aggregate$, source_start, NULL, force => true);
            END IF;
            RAISE NOTICE '%: % bucket(s) before % (where the rows of % start) keep NULL in %',
                $name$, (SELECT count(*) FROM $qualified$ WHERE $bucket$ < source_start OR source_start IS NULL),
                coalesce(source_start::text, 'the end'), $source_name$, $columns$;
        END
        $tag$;
    )",
           {{"tag", "$hyperschema$"},
            {"source", qualified(schema.namespace_, aggregate.source.name)},
            {"time", quote_ident(source_time_column(schema, aggregate))},
            {"aggregate", regclass_literal(schema.namespace_, aggregate.name)},
            {"name", quote_literal(aggregate.name)},
            {"qualified", qualified(schema.namespace_, aggregate.name)},
            {"bucket", quote_ident(aggregate.bucket_column)},
            {"source_name", quote_literal(aggregate.source.name)},
            {"columns", quote_literal(join(names, ", "))}});
    return p.text();
}

}  // namespace hyperschema::emit
