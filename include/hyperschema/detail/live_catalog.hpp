#pragma once

// Reads what verify() compares: one schema's tables, columns, constraints,
// indexes, enums and (when TimescaleDB is installed) hypertables, continuous
// aggregates, compression settings and jobs, in a fixed handful of queries
// whatever the number of objects. One query per object costs a round trip
// each: about 3.5x slower on a 60-table schema.

#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <pqxx/pqxx>
#include <set>
#include <string>
#include <vector>

#include "hyperschema/detail/catalog_text.hpp"
#include "hyperschema/detail/pqxx_bridge.hpp"
#include "hyperschema/expected_schema.hpp"

namespace hyperschema::detail {

struct LiveColumn {
    std::string name, type, default_sql;
    bool not_null = false;
    char identity = 0;      // attidentity
    std::string generated;  // the expression of a stored generated column
    std::string collation;  // when not the type's own
};

struct LiveSequence {
    SequenceSpec spec;
    bool owned_by_identity = false;  // an identity column's own: not the schema's to declare
};

struct LiveRelation {
    char kind = 'r';  // pg_class.relkind
    std::vector<LiveColumn> columns;
    std::vector<ConstraintSpec> constraints;
    std::vector<IndexSpec> indexes;  // not those behind a primary key or unique constraint
    bool unlogged = false;
    std::vector<std::string> storage;  // reloptions, in the order they were set
};

struct LiveHypertable {
    std::string time_column;
    std::optional<IntervalSpec> chunk_interval;
    std::string integer_now;  // "" when not set
    std::optional<IntervalSpec> compress_chunk_interval;
    std::vector<DimensionSpec> dimensions;    // after the time column, in the order they were added
    std::vector<std::string> chunk_skipping;  // columns, sorted
    bool compression_enabled = false;
};

struct LiveAggregate {
    std::string source;
    std::optional<IntervalSpec> bucket;
    bool materialized_only = true;
    bool compression_enabled = false;
    std::string materialization;                   // _timescaledb_internal._materialized_hypertable_N
    std::optional<IntervalSpec> chunk_interval{};  // of the materialization hypertable
    std::string timezone{};                        // of its buckets; "" for none
    std::optional<IntervalSpec> offset{};          // of its buckets
};

struct LiveJob {
    int id = 0;
    std::string proc, relation;  // relation: "" for a user-defined job
    std::string name;            // a user-defined job's name, without TimescaleDB's " [<id>]"
    std::string config;          // a user-defined job's, as jsonb prints it; "" for NULL
    std::string check_config;    // a user-defined job's check function; "" for none
    std::optional<IntervalSpec> after, end_offset, schedule;  // after: the kind's threshold (policy_kinds.hpp)
    std::string index;                                        // a reorder policy's
    std::optional<IntervalSpec> max_runtime, retry_period;
    int max_retries = -1;
    bool fixed_schedule = false;
    std::optional<std::int64_t> initial_start;  // microseconds since 1970
    std::string timezone;
    std::optional<int> buckets_per_batch, max_batches_per_execution;
    std::optional<bool> refresh_newest_first;
    bool scheduled = true;
    std::string last_run_status, last_error;
    long long total_failures = 0;
};

struct LiveTrigger {
    std::string table, name, definition;  // the definition from the timing on, as TriggerSpec's
};

struct LiveCatalog {
    std::string postgres_version;
    std::string timescaledb_version;  // "" when the extension is not installed
    std::map<std::string, std::string> extensions;
    std::optional<int> applied_version;  // the history table's newest applied version
    std::map<std::string, LiveRelation> relations;
    std::map<std::string, std::vector<std::string>> enums;
    std::map<std::string, LiveHypertable> hypertables;
    std::map<std::string, LiveAggregate> aggregates;
    std::map<std::string, std::vector<std::string>> segment_by, order_by;  // by hypertable or aggregate
    std::vector<LiveJob> jobs;
    std::vector<FunctionSpec> functions;  // not those an extension installed
    std::vector<LiveTrigger> triggers;    // not internal ones (foreign keys')
    std::map<std::string, LiveSequence> sequences;
    std::map<std::string, DomainSpec> domains;
    // Of the roles the schema declares: those that exist, and the privileges
    // granted to them on the schema's objects (read only when it declares some).
    std::set<std::string> roles;
    std::vector<GrantSpec> grants;
    // "kind name" of every object a raw SQL object may declare (ProvidedSpec's
    // kinds); read only when the schema declares some.
    std::set<std::string> objects;
    // Comments on the namespace's objects, by object as CommentSpec names them.
    std::map<std::string, std::string> comments;
};

// Fields are pqxx::field up to libpqxx 7, pqxx::field_ref (a view into the
// result) from 8: both have is_null() and c_str().
// An interval in IntervalStyle iso_8601 ("PT1H"), or a whole number: an
// amount on an integer time column (IntervalSpec::integer_units).
template <class Field>
std::optional<IntervalSpec> interval_field(const Field& f) {
    if (f.is_null()) return std::nullopt;
    const char* text = f.c_str();
    if (text[0] != 'P') {
        char* end = nullptr;
        const long long units = std::strtoll(text, &end, 10);
        if (end == text || *end != '\0') return std::nullopt;
        return IntervalSpec{0, 0, units, true};
    }
    return parse_iso_interval(text);
}

template <class Field>
std::string text_field(const Field& f) {
    return f.is_null() ? std::string() : std::string(f.c_str());
}

// A dimension's length as TimescaleDB stores it: microseconds (months having
// become 30 days), or units of an integer time column.
template <class Field>
std::optional<IntervalSpec> dimension_length(const Field& f, bool integer_time) {
    if (f.is_null()) return std::nullopt;
    const auto us = f.template as<long long>();
    return integer_time ? IntervalSpec{0, 0, us, true} : IntervalSpec{0, us / 86'400'000'000, us % 86'400'000'000};
}

// The parts of array_to_string(..., chr(31)): reloptions, proconfig.
inline std::vector<std::string> unit_separated(const std::string& text) {
    std::vector<std::string> out;
    for (size_t start = 0; !text.empty();) {
        const size_t end = text.find('\x1f', start);
        out.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return out;
}

// Also sets the transaction's settings, to save a round trip: deparsed SQL
// names objects of `ns` (and public) unqualified, as the schema writes them,
// and intervals come out in one parseable style.
inline void read_versions(pqxx::dbtransaction& tx, const std::string& ns, LiveCatalog& live,
                          const std::string& history) {
    const pqxx::result settings =
        pqxx_bridge::exec(tx,
                          "SELECT current_setting('server_version'), to_regclass($1) IS NOT NULL, "
                          "set_config('intervalstyle', 'iso_8601', true), set_config('search_path', $2, true)",
                          history, tx.quote_name(ns) + ", public");
    const auto row = settings[0];
    live.postgres_version = row[0].c_str();
    for (const auto& r : tx.exec("SELECT extname, extversion FROM pg_extension"))
        live.extensions[r[0].c_str()] = r[1].c_str();
    if (auto ts = live.extensions.find("timescaledb"); ts != live.extensions.end())
        live.timescaledb_version = ts->second;
    if (row[1].as<bool>()) {
        const pqxx::result max =
            tx.exec("SELECT coalesce(max(version), 0) FROM " + history + " WHERE state = 'applied'");
        live.applied_version = max[0][0].as<int>();
    }
}

inline void read_relations(pqxx::dbtransaction& tx, const std::string& ns, LiveCatalog& live) {
    for (const auto& r : pqxx_bridge::exec(
             tx,
             "SELECT c.relname, c.relkind, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
             "pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated = 's', "
             "CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN "
             "(SELECT collname FROM pg_collation WHERE oid = a.attcollation) END, c.relpersistence = 'u', "
             "array_to_string(c.reloptions, chr(31)) "
             "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
             "LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
             "LEFT JOIN pg_type t ON t.oid = a.atttypid "
             "LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum "
             // Not an extension's own (PostGIS's spatial_ref_sys and geometry_columns live in public).
             "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT EXISTS (SELECT 1 FROM "
             "pg_depend e WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e') "
             "ORDER BY c.relname, a.attnum",
             ns)) {
        LiveRelation& rel = live.relations[r[0].c_str()];
        rel.kind = r[1].c_str()[0];
        rel.unlogged = r[9].as<bool>();
        if (rel.columns.empty()) {  // the relation's first row
            rel.storage = unit_separated(text_field(r[10]));
        }
        if (r[2].is_null()) continue;
        LiveColumn column{r[2].c_str(),    r[3].c_str(), text_field(r[5]), r[4].as<bool>(),
                          r[6].c_str()[0], "",           text_field(r[8])};
        if (r[7].as<bool>()) std::swap(column.generated, column.default_sql);  // adbin holds the expression
        rel.columns.push_back(std::move(column));
    }
    for (const auto& r : pqxx_bridge::exec(
             tx,
             "SELECT t.typname, format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typdefault, c.conname, "
             "pg_get_constraintdef(c.oid) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
             "LEFT JOIN pg_constraint c ON c.contypid = t.oid AND c.contype = 'c' "
             "WHERE t.typtype = 'd' AND n.nspname = $1 ORDER BY t.typname, c.conname",
             ns)) {
        DomainSpec& d = live.domains[r[0].c_str()];
        d.name = r[0].c_str();
        d.type = r[1].c_str();
        d.not_null = r[2].as<bool>();
        d.default_sql = text_field(r[3]);
        if (!r[4].is_null()) d.checks.push_back({r[4].c_str(), 'c', r[5].c_str()});
    }
    // Sequences, with the column that owns one (OWNED BY, serial: 'a';
    // identity: 'i').
    for (const auto& r : pqxx_bridge::exec(
             tx,
             "SELECT c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax, "
             "s.seqcache, s.seqcycle, coalesce(t.relname || '.' || a.attname, ''), coalesce(d.deptype = 'i', false) "
             "FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
             "LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND "
             "d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') "
             "LEFT JOIN pg_class t ON t.oid = d.refobjid LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND "
             "a.attnum = d.refobjsubid WHERE n.nspname = $1 ORDER BY c.relname",
             ns)) {
        live.sequences[r[0].c_str()] = {
            {r[0].c_str(), r[1].c_str(), r[2].as<std::int64_t>(), r[3].as<std::int64_t>(), r[4].as<std::int64_t>(),
             r[5].as<std::int64_t>(), r[6].as<std::int64_t>(), r[7].as<bool>(), r[8].c_str()},
            r[9].as<bool>()};
    }
    for (const auto& r :
         pqxx_bridge::exec(tx,
                           "SELECT c.relname, k.conname, k.contype, pg_get_constraintdef(k.oid) FROM pg_constraint k "
                           "JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                           "WHERE n.nspname = $1 ORDER BY c.relname, k.conname",
                           ns)) {
        // Only of the relations read above (not of an extension's own).
        if (auto rel = live.relations.find(r[0].c_str()); rel != live.relations.end())
            rel->second.constraints.push_back({r[1].c_str(), r[2].c_str()[0], r[3].c_str()});
    }
    for (const auto& r :
         pqxx_bridge::exec(tx,
                           "SELECT t.relname, i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
                           "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
                           "JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = $1 AND NOT EXISTS "
                           "(SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid AND k.conrelid = x.indrelid "
                           "AND k.contype IN ('p', 'u', 'x')) ORDER BY t.relname, i.relname",
                           ns)) {
        if (auto rel = live.relations.find(r[0].c_str()); rel != live.relations.end())
            rel->second.indexes.push_back({r[1].c_str(), r[2].c_str()});
    }
    for (const auto& r :
         pqxx_bridge::exec(tx,
                           "SELECT t.typname, e.enumlabel FROM pg_type t "
                           "JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON "
                           "e.enumtypid = t.oid WHERE n.nspname = $1 ORDER BY t.typname, e.enumsortorder",
                           ns)) {
        live.enums[r[0].c_str()].push_back(r[1].c_str());
    }
}

// The schema's own functions and procedures (an extension's, such as
// TimescaleDB's when it is installed into the same schema, are left out),
// and the triggers of its tables.
inline void read_routines(pqxx::dbtransaction& tx, const std::string& ns, LiveCatalog& live) {
    for (const auto& r : pqxx_bridge::exec(
             tx,
             "SELECT p.proname, p.prokind, pg_get_function_identity_arguments(p.oid), "
             "pg_get_function_arguments(p.oid), coalesce(pg_get_function_result(p.oid), ''), l.lanname, "
             "p.provolatile, p.proisstrict, p.prosecdef, array_to_string(p.proconfig, chr(31)), p.prosrc "
             "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang "
             "WHERE n.nspname = $1 AND p.prokind IN ('f', 'p') AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE "
             "d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e') ORDER BY 1, 3",
             ns)) {
        FunctionSpec f;
        f.name = r[0].c_str();
        f.kind = r[1].c_str()[0];
        f.identity_arguments = r[2].c_str();
        f.arguments = r[3].c_str();
        f.result = f.kind == 'p' ? "" : r[4].c_str();
        f.language = r[5].c_str();
        f.volatility = r[6].c_str()[0];
        f.strict = r[7].as<bool>();
        f.security_definer = r[8].as<bool>();
        f.settings = unit_separated(text_field(r[9]));
        f.body = r[10].c_str();
        live.functions.push_back(std::move(f));
    }
    for (const auto& r :
         pqxx_bridge::exec(tx,
                           "SELECT c.relname, t.tgname, substr(pg_get_triggerdef(t.oid), length('CREATE TRIGGER ' || "
                           "quote_ident(t.tgname) || ' ') + 1) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                           "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND NOT t.tgisinternal "
                           "ORDER BY 1, 2",
                           ns)) {
        live.triggers.push_back({r[0].c_str(), r[1].c_str(), r[2].c_str()});
    }
}

inline void read_objects(pqxx::dbtransaction& tx, const std::string& ns, LiveCatalog& live) {
    for (const auto& r : pqxx_bridge::exec(
             tx,
             "SELECT kind || ' ' || name FROM (SELECT CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' "
             "WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized_view' WHEN 'S' THEN 'sequence' WHEN 'i' THEN 'index' "
             "WHEN 'I' THEN 'index' END AS kind, c.relname::text AS name FROM pg_class c JOIN pg_namespace n ON "
             "n.oid = c.relnamespace WHERE n.nspname = $1 "
             "UNION ALL SELECT CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END, p.proname::text "
             "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1 "
             "UNION ALL SELECT 'type', t.typname::text FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
             "WHERE n.nspname = $1 UNION ALL SELECT 'schema', nspname::text FROM pg_namespace "
             "UNION ALL SELECT 'role', rolname::text FROM pg_roles) o WHERE kind IS NOT NULL",
             ns)) {
        live.objects.insert(r[0].c_str());
    }
}

// TimescaleDB's information views cost 2-8 ms each on a fresh connection
// (they join everything for every hypertable, and job_errors checks roles
// per row); its catalog tables answer the same in under a millisecond. The
// layout read here is the one of 2.15 and later (tested on 2.28).

inline void read_hypertables(pqxx::dbtransaction& tx, const std::string& ns, LiveCatalog& live) {
    for (const auto& r : pqxx_bridge::exec(
             tx,
             "SELECT h.table_name, h.compression_state = 1, d.column_name, d.num_slices IS NULL, d.interval_length, "
             "d.num_slices, d.column_type IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype), "
             "d.integer_now_func, d.compress_interval_length FROM _timescaledb_catalog.hypertable h "
             "LEFT JOIN _timescaledb_catalog.dimension d ON d.hypertable_id = h.id "
             "WHERE h.schema_name = $1 ORDER BY h.table_name, d.id",
             ns)) {
        LiveHypertable& h = live.hypertables[r[0].c_str()];
        h.compression_enabled = r[1].as<bool>();
        if (r[2].is_null()) continue;
        const bool integer_time = r[6].as<bool>();
        if (r[3].as<bool>() && h.time_column.empty()) {
            h.time_column = r[2].c_str();
            h.chunk_interval = dimension_length(r[4], integer_time);
            h.integer_now = text_field(r[7]);
            h.compress_chunk_interval = dimension_length(r[8], integer_time);
        } else {
            h.dimensions.push_back({r[2].c_str(), r[5].is_null() ? 0 : r[5].as<int>(),
                                    r[3].as<bool>() ? dimension_length(r[4], integer_time) : std::nullopt});
        }
    }
}

// Chunk skipping (TimescaleDB 2.16 and later): the hypertable's own rows of
// chunk_column_stats, without a chunk.
inline void read_chunk_skipping(pqxx::dbtransaction& tx, const std::string& ns, LiveCatalog& live) {
    if (pqxx_bridge::exec(tx, "SELECT to_regclass('_timescaledb_catalog.chunk_column_stats') IS NOT NULL")[0][0]
            .as<bool>() == false)
        return;
    for (const auto& r : pqxx_bridge::exec(tx,
                                           "SELECT h.table_name, s.column_name FROM "
                                           "_timescaledb_catalog.chunk_column_stats s JOIN "
                                           "_timescaledb_catalog.hypertable h ON h.id = s.hypertable_id "
                                           "WHERE s.chunk_id IS NULL AND h.schema_name = $1 ORDER BY 1, 2",
                                           ns))
        live.hypertables[r[0].c_str()].chunk_skipping.push_back(r[1].c_str());
}

inline void read_aggregates(pqxx::dbtransaction& tx, const std::string& ns, LiveCatalog& live) {
    for (const auto& r : pqxx_bridge::exec(
             tx,
             "SELECT ca.user_view_name, coalesce(parent.user_view_name, raw.table_name), ca.materialized_only, "
             "CASE WHEN bf.bucket_width ~ '^-?[0-9]+$' THEN bf.bucket_width ELSE bf.bucket_width::interval::text END, "
             "mat.schema_name || '.' || mat.table_name, "
             "mat.compression_state = 1, md.interval_length, md.column_type IN ('int2'::regtype, "
             "'int4'::regtype, 'int8'::regtype), coalesce(bf.bucket_timezone, ''), "
             // As given: an integer, or interval text in the style of the day it was created.
             "CASE WHEN bf.bucket_offset ~ '^-?[0-9]+$' THEN bf.bucket_offset ELSE "
             "bf.bucket_offset::interval::text END "
             "FROM _timescaledb_catalog.continuous_agg ca "
             "JOIN _timescaledb_catalog.hypertable raw ON raw.id = ca.raw_hypertable_id "
             "JOIN _timescaledb_catalog.hypertable mat ON mat.id = ca.mat_hypertable_id "
             "LEFT JOIN _timescaledb_catalog.dimension md ON md.hypertable_id = mat.id AND md.num_slices IS NULL "
             "LEFT JOIN _timescaledb_catalog.continuous_agg parent ON parent.mat_hypertable_id = "
             "ca.parent_mat_hypertable_id "
             "LEFT JOIN _timescaledb_catalog.continuous_aggs_bucket_function bf ON bf.mat_hypertable_id = "
             "ca.mat_hypertable_id WHERE ca.user_view_schema = $1",
             ns)) {
        live.aggregates[r[0].c_str()] = {r[1].c_str(),    interval_field(r[3]),
                                         r[2].as<bool>(), r[5].as<bool>(),
                                         r[4].c_str(),    dimension_length(r[6], !r[7].is_null() && r[7].as<bool>()),
                                         r[8].c_str(),    interval_field(r[9])};
    }
}

inline void read_compression_settings(pqxx::dbtransaction& tx, const std::string& ns, LiveCatalog& live) {
    // One row per segment-by or order-by column, of the hypertables of `ns`
    // and the materialization hypertables of its aggregates (by view name).
    for (const auto& r : pqxx_bridge::exec(
             tx,
             "WITH owner AS (SELECT h.id, coalesce(ca.user_view_name, h.table_name) AS relation, "
             "format('%I.%I', h.schema_name, h.table_name)::regclass AS relid "
             "FROM _timescaledb_catalog.hypertable h LEFT JOIN _timescaledb_catalog.continuous_agg ca ON "
             "ca.mat_hypertable_id = h.id WHERE coalesce(ca.user_view_schema, h.schema_name) = $1) "
             "SELECT o.relation, false, s.col, s.i, NULL::bool, NULL::bool FROM owner o "
             "JOIN _timescaledb_catalog.compression_settings cs ON cs.relid = o.relid, "
             "unnest(cs.segmentby) WITH ORDINALITY s(col, i) "
             "UNION ALL SELECT o.relation, true, x.col, x.i, x.descending, x.nulls_first FROM owner o "
             "JOIN _timescaledb_catalog.compression_settings cs ON cs.relid = o.relid, "
             "unnest(cs.orderby, cs.orderby_desc, cs.orderby_nullsfirst) WITH ORDINALITY x(col, descending, "
             "nulls_first, i) ORDER BY 1, 2, 4",
             ns)) {
        const std::string relation = r[0].c_str(), column = r[2].c_str();
        if (!r[1].as<bool>()) {
            live.segment_by[relation].push_back(column);
            continue;
        }
        const bool desc = r[4].as<bool>(), nulls_first = r[5].as<bool>();
        std::string key = column + (desc ? " DESC" : "");
        if (!desc && nulls_first) key += " NULLS FIRST";
        if (desc && !nulls_first) key += " NULLS LAST";
        live.order_by[relation].push_back(key);
    }
}

// CASE over the job's kind (policy_kinds.hpp): the interval under `key_of`'s
// config key, for the kinds that have one, as iso_8601 text; an integer-time
// hypertable's policy has a number there instead, read as it is.
template <class KeyOf>
std::string config_interval_by_kind(KeyOf key_of) {
    std::string sql = "CASE WHEN j.hypertable_id IS NULL THEN NULL ELSE CASE j.proc_name";
    for (const auto& kind : kPolicyKinds) {
        const std::string_view key = key_of(kind);
        if (key.empty()) continue;
        const std::string path = "j.config->'" + std::string(key) + "'";
        sql += " WHEN '" + std::string(kind.proc) + "' THEN CASE jsonb_typeof(" + path +
               ") WHEN 'string' THEN (j.config->>'" + std::string(key) +
               "')::interval::text WHEN 'number' THEN j.config->>'" + std::string(key) + "' END";
    }
    return sql + " END END";
}

// Policies are the jobs of the namespace's hypertables and aggregates;
// user-defined jobs have no hypertable and call a procedure of the
// namespace (TimescaleDB's own jobs have ids below 1000).
inline void read_jobs(pqxx::dbtransaction& tx, const std::string& ns, LiveCatalog& live) {
    const std::string threshold = config_interval_by_kind(
        [](const PolicyKindTraits& k) { return k.threshold_is_interval ? k.threshold : std::string_view(); });
    const std::string second = config_interval_by_kind([](const PolicyKindTraits& k) { return k.second; });
    for (const auto& r : pqxx_bridge::exec(
             tx,
             "SELECT j.id, j.proc_name, coalesce(ca.user_view_name, h.table_name), j.schedule_interval, j.scheduled, " +
                 threshold + ", " + second +
                 // As timescaledb_information.job_stats derives last_run_status.
                 ", CASE WHEN s.last_finish > '-infinity' AND s.last_run_success = false THEN 'Failed' END, "
                 "s.total_failures, e.sqlerrcode, e.message, j.config->>'index_name', j.max_runtime, j.max_retries, "
                 "j.retry_period, j.fixed_schedule, (extract(epoch FROM j.initial_start) * 1000000)::int8, j.timezone, "
                 "CASE WHEN h.id IS NOT NULL THEN (j.config->>'buckets_per_batch')::int END, "
                 "CASE WHEN h.id IS NOT NULL THEN (j.config->>'max_batches_per_execution')::int END, "
                 "CASE WHEN h.id IS NOT NULL THEN (j.config->>'refresh_newest_first')::bool END, "
                 "CASE WHEN h.id IS NULL THEN regexp_replace(j.application_name, ' \\[[0-9]+\\]$', '') END, "
                 "CASE WHEN h.id IS NULL THEN j.config::text END, j.check_name "
                 "FROM _timescaledb_catalog.bgw_job j "
                 "LEFT JOIN _timescaledb_catalog.hypertable h ON h.id = j.hypertable_id "
                 "LEFT JOIN _timescaledb_catalog.continuous_agg ca ON ca.mat_hypertable_id = h.id "
                 "LEFT JOIN _timescaledb_internal.bgw_job_stat s ON s.job_id = j.id "
                 "LEFT JOIN LATERAL (SELECT x.data->'error_data'->>'sqlerrcode' AS sqlerrcode, "
                 "x.data->'error_data'->>'message' AS message FROM _timescaledb_internal.bgw_job_stat_history x "
                 "WHERE x.job_id = j.id AND x.succeeded IS NOT TRUE ORDER BY x.execution_start DESC LIMIT 1) e ON true "
                 "WHERE coalesce(ca.user_view_schema, h.schema_name) = $1 "
                 "OR (j.hypertable_id IS NULL AND j.proc_schema = $1 AND j.id >= 1000) ORDER BY j.id",
             ns)) {
        LiveJob job;
        job.id = r[0].as<int>();
        job.proc = r[1].c_str();
        job.relation = text_field(r[2]);
        job.schedule = interval_field(r[3]);
        job.scheduled = r[4].as<bool>();
        job.after = interval_field(r[5]);
        job.end_offset = interval_field(r[6]);
        job.last_run_status = text_field(r[7]);
        job.total_failures = r[8].is_null() ? 0 : r[8].as<long long>();
        if (!r[10].is_null()) job.last_error = text_field(r[9]) + ": " + text_field(r[10]);
        job.index = text_field(r[11]);
        job.max_runtime = interval_field(r[12]);
        job.max_retries = r[13].is_null() ? -1 : r[13].as<int>();
        job.retry_period = interval_field(r[14]);
        job.fixed_schedule = !r[15].is_null() && r[15].as<bool>();
        if (!r[16].is_null()) job.initial_start = r[16].as<long long>();
        job.timezone = text_field(r[17]);
        if (!r[18].is_null()) job.buckets_per_batch = r[18].as<int>();
        if (!r[19].is_null()) job.max_batches_per_execution = r[19].as<int>();
        if (!r[20].is_null()) job.refresh_newest_first = r[20].as<bool>();
        job.name = text_field(r[21]);
        job.config = text_field(r[22]);
        job.check_config = text_field(r[23]);
        live.jobs.push_back(std::move(job));
    }
}

// `history` is the quoted, qualified history table ("hyperschema"."schema_migrations").
// The grants to `roles` on the objects of `ns` (and on `ns` itself), named
// as verify reports objects; `aggregates` turns a view that is one into one.
inline void read_grants(pqxx::dbtransaction& tx, const std::string& ns, const std::vector<std::string>& roles,
                        LiveCatalog& live) {
    std::string array = "{";
    for (const auto& r : roles) {
        // An array literal's element: backslash and double quote escaped.
        std::string element;
        for (char c : r) element += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
        array += (array.size() > 1 ? "," : "") + std::string("\"") + element + "\"";
    }
    array += "}";
    for (const auto& r : pqxx_bridge::exec(tx, "SELECT rolname FROM pg_roles WHERE rolname = ANY($1::text[])", array))
        live.roles.insert(r[0].c_str());
    for (const auto& r : pqxx_bridge::exec(
             tx,
             "SELECT CASE c.relkind WHEN 'v' THEN 'view ' WHEN 'm' THEN 'materialized view ' WHEN 'S' THEN "
             "'sequence ' ELSE 'table ' END || c.relname, g.rolname, a.privilege_type FROM pg_class c "
             "JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a "
             "JOIN pg_roles g ON g.oid = a.grantee WHERE n.nspname = $1 AND g.rolname = ANY($2::text[]) "
             "AND a.grantee <> c.relowner "
             "UNION ALL SELECT CASE p.prokind WHEN 'p' THEN 'procedure ' ELSE 'function ' END || p.proname || '(' || "
             "pg_get_function_identity_arguments(p.oid) || ')', g.rolname, a.privilege_type FROM pg_proc p "
             "JOIN pg_namespace n ON n.oid = p.pronamespace, aclexplode(p.proacl) a "
             "JOIN pg_roles g ON g.oid = a.grantee WHERE n.nspname = $1 AND g.rolname = ANY($2::text[]) "
             "AND a.grantee <> p.proowner "
             "UNION ALL SELECT 'schema ' || n.nspname, g.rolname, a.privilege_type FROM pg_namespace n, "
             "aclexplode(n.nspacl) a JOIN pg_roles g ON g.oid = a.grantee WHERE n.nspname = $1 AND "
             "g.rolname = ANY($2::text[]) AND a.grantee <> n.nspowner ORDER BY 1, 2, 3",
             ns, array)) {
        std::string object = r[0].c_str();
        if (object.rfind("view ", 0) == 0 && live.aggregates.count(object.substr(5)))
            object = "continuous aggregate " + object.substr(5);
        live.grants.push_back({object, r[1].c_str(), r[2].c_str()});
    }
}

// Comments (pg_description) on the namespace's relations and their columns,
// constraints, types, routines and triggers; not on extensions' objects.
inline void read_comments(pqxx::dbtransaction& tx, const std::string& ns, LiveCatalog& live) {
    const std::string in_ns = "(SELECT oid FROM pg_namespace WHERE nspname = $1)";
    const std::string own =
        " AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = d.classoid AND e.objid = "
        "d.objoid AND e.deptype = 'e')";
    for (const auto& r : pqxx_bridge::exec(
             tx,
             "SELECT CASE WHEN d.objsubid > 0 THEN 'column ' || c.relname || '.' || a.attname ELSE CASE c.relkind "
             "WHEN 'i' THEN 'index ' WHEN 'I' THEN 'index ' WHEN 'v' THEN 'view ' WHEN 'm' THEN 'materialized view ' "
             "WHEN 'S' THEN 'sequence ' ELSE 'table ' END || c.relname END, d.description FROM pg_description d "
             "JOIN pg_class c ON d.classoid = 'pg_class'::regclass AND c.oid = d.objoid "
             "LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid WHERE c.relnamespace = " +
                 in_ns + own +
                 " UNION ALL SELECT 'constraint ' || k.conname || ' on ' || c.relname, d.description FROM "
                 "pg_description d JOIN pg_constraint k ON d.classoid = 'pg_constraint'::regclass AND k.oid = "
                 "d.objoid JOIN pg_class c ON c.oid = k.conrelid WHERE c.relnamespace = " +
                 in_ns +
                 " UNION ALL SELECT 'type ' || t.typname, d.description FROM pg_description d JOIN pg_type t ON "
                 "d.classoid = 'pg_type'::regclass AND t.oid = d.objoid WHERE t.typnamespace = " +
                 in_ns + own +
                 " UNION ALL SELECT CASE p.prokind WHEN 'p' THEN 'procedure ' ELSE 'function ' END || p.proname || "
                 "'(' || pg_get_function_identity_arguments(p.oid) || ')', d.description FROM pg_description d JOIN "
                 "pg_proc p ON d.classoid = 'pg_proc'::regclass AND p.oid = d.objoid WHERE p.pronamespace = " +
                 in_ns + own +
                 " UNION ALL SELECT 'schema ' || s.nspname, d.description FROM pg_description d JOIN pg_namespace s "
                 "ON d.classoid = 'pg_namespace'::regclass AND s.oid = d.objoid WHERE s.nspname = $1"
                 " UNION ALL SELECT 'trigger ' || g.tgname || ' on ' || c.relname, d.description FROM pg_description "
                 "d JOIN pg_trigger g ON d.classoid = 'pg_trigger'::regclass AND g.oid = d.objoid JOIN pg_class c ON "
                 "c.oid = g.tgrelid WHERE c.relnamespace = " +
                 in_ns,
             ns))
        live.comments[r[0].c_str()] = r[1].c_str();
}

inline LiveCatalog read_live_catalog(connection& conn, const std::string& ns, const std::string& history,
                                     bool objects = false, const std::vector<std::string>& roles = {}) {
    LiveCatalog live;
    pqxx::read_transaction tx(conn);
    read_versions(tx, ns, live, history);
    read_relations(tx, ns, live);
    read_routines(tx, ns, live);
    if (objects) read_objects(tx, ns, live);
    if (!live.timescaledb_version.empty()) {
        read_hypertables(tx, ns, live);
        read_chunk_skipping(tx, ns, live);
        read_aggregates(tx, ns, live);
        read_compression_settings(tx, ns, live);
        read_jobs(tx, ns, live);
    }
    if (!roles.empty()) read_grants(tx, ns, roles, live);
    read_comments(tx, ns, live);
    return live;
}

}  // namespace hyperschema::detail
