#pragma once

// What a live database must contain for one schema, in the catalog's own
// terms: the generator writes one of these into each schema's generated
// header (and the CLI builds the same value from the YAML), and verify()
// compares it with pg_catalog and timescaledb_information. Plain values only,
// so generated code can spell it as an aggregate initialiser.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hyperschema/policy_kinds.hpp"

namespace hyperschema {

// An interval as PostgreSQL stores it: months, days and microseconds apart.
// On an integer time column TimescaleDB's amounts are plain numbers in the
// column's unit: integer_units is then set and `micros` holds the number.
struct IntervalSpec {
    std::int64_t months = 0;
    std::int64_t days = 0;
    std::int64_t micros = 0;
    bool integer_units = false;

    friend bool operator==(const IntervalSpec&, const IntervalSpec&) = default;
};

struct ColumnSpec {
    std::string name;
    std::string type;  // format_type() spelling, enums schema-qualified: "public.device_status[]"
    bool not_null = false;
    std::string default_sql;  // as written in the migration; "" for none
    char identity = 0;        // pg_attribute.attidentity: 'a' (always), 'd' (by default), 0 for none
    std::string generated{};  // a stored generated column's expression; "" for none
    std::string collation{};  // a collation other than the type's ("C"); "" for the type's
};

// A standalone sequence, in pg_sequence's terms (every setting spelled out).
struct SequenceSpec {
    std::string name;
    std::string type;  // "bigint"
    std::int64_t start = 1;
    std::int64_t increment = 1;
    std::int64_t min_value = 1;
    std::int64_t max_value = 0;
    std::int64_t cache = 1;
    bool cycle = false;
    std::string owned_by{};  // "table.column", "" for none
};

struct ConstraintSpec {
    std::string name;
    char kind = 'c';         // pg_constraint.contype: p, u, f, c, x
    std::string definition;  // pg_get_constraintdef() shape: "CHECK (x > 0)", "PRIMARY KEY (id)"
};

struct IndexSpec {
    std::string name;
    std::string definition;  // pg_get_indexdef() shape: "CREATE INDEX i ON ns.t USING btree (a DESC)"
};

struct TableSpec {
    std::string name;
    std::vector<ColumnSpec> columns;
    std::vector<ConstraintSpec> constraints;
    std::vector<IndexSpec> indexes;
    bool unlogged = false;
    std::vector<std::string> storage{};  // reloptions: "fillfactor=70", sorted
};

struct ViewSpec {
    std::string name;
    // The columns the YAML declares, in order (name and type; a view has no
    // NOT NULL or defaults in the catalog). Empty: not declared, not compared.
    std::vector<ColumnSpec> columns;
    bool materialized = false;
    std::vector<IndexSpec> indexes{};  // a materialized view's
};

// A domain: its base type as format_type() prints it, NOT NULL, default, and
// its checks by name (pg_get_constraintdef: "CHECK (VALUE > 0)").
struct DomainSpec {
    std::string name;
    std::string type;
    bool not_null = false;
    std::string default_sql;
    std::vector<ConstraintSpec> checks;
};

struct EnumSpec {
    std::string name;
    std::vector<std::string> labels;
};

// A dimension beyond the time column: hash partitions, or ranges of an interval.
struct DimensionSpec {
    std::string column;
    int partitions = 0;                    // by_hash; 0 for a range dimension
    std::optional<IntervalSpec> interval;  // by_range

    friend bool operator==(const DimensionSpec&, const DimensionSpec&) = default;
};

struct HypertableSpec {
    std::string table;
    std::string time_column;
    std::optional<IntervalSpec> chunk_interval;  // nullopt: TimescaleDB's default, 7 days
    std::vector<DimensionSpec> dimensions;       // in the order they were added
    // TimescaleDB's own index on the time column (and on space, time) is expected.
    bool default_indexes = true;
    std::string integer_now{};  // an integer time column's "now" function; "" for none
    // compress_chunk_time_interval; nullopt: none (not compared)
    std::optional<IntervalSpec> compress_chunk_interval{};
    std::vector<std::string> chunk_skipping{};  // columns, sorted
};

struct CompressionSpec {
    std::string relation;  // a hypertable or a continuous aggregate
    std::vector<std::string> segment_by;
    std::vector<std::string> order_by;  // "ts DESC", as TimescaleDB reports it; empty: not compared
};

struct AggregateSpec {
    std::string name;
    std::string source;  // a hypertable, or the parent aggregate
    IntervalSpec bucket;
    bool materialized_only = true;
    std::vector<std::string> columns;              // bucket, group-by columns, aggregates, in order
    std::optional<IntervalSpec> chunk_interval{};  // its rows' hypertable's; nullopt: not compared
    std::string timezone{};                        // the buckets' time zone; "" for none
    std::optional<IntervalSpec> offset{};          // the buckets' offset; nullopt for none
};

// A view's or continuous aggregate's query as the schema creates it, for
// verify's definition check (VerifyOptions::definitions): the server builds
// the object again in a transaction it rolls back, and the two are compared
// as the server prints them.
struct DefinitionSpec {
    std::string relation;  // a view, materialized view or continuous aggregate
    bool aggregate = false;
    std::string query;  // SELECT ..., names unqualified as in the schema's namespace
};

struct PolicySpec {
    PolicyKind kind = PolicyKind::Compression;
    std::string relation;
    // The kind's main setting (policy_kinds.hpp): compress_after, drop_after,
    // or a refresh policy's start_offset (nullopt: NULL).
    std::optional<IntervalSpec> after;
    std::optional<IntervalSpec> end_offset;  // refresh policies only (nullopt: NULL)
    std::optional<IntervalSpec> schedule;    // nullopt: TimescaleDB's default, not compared
    std::string index;                       // reorder policies: the index
    // Job settings the YAML declares; nullopt: TimescaleDB's default for the
    // kind, not compared.
    std::optional<IntervalSpec> max_runtime;
    std::optional<int> max_retries;
    std::optional<IntervalSpec> retry_period;
    std::optional<bool> fixed_schedule;         // set to true by initial_start when not declared
    std::optional<std::int64_t> initial_start;  // microseconds since 1970-01-01 UTC
    std::optional<std::string> timezone;
    // A refresh policy's batching (its job's config); nullopt: not compared.
    std::optional<int> buckets_per_batch{};
    std::optional<int> max_batches_per_execution{};
    std::optional<bool> refresh_newest_first{};
};

// A user-defined job (add_job), found by its name: TimescaleDB names it
// "<name> [<id>]". Settings that are nullopt are not compared.
struct JobSpec {
    std::string name;
    std::string procedure;     // of the schema's namespace
    std::string config;        // JSON text; "" for none (NULL), compared as jsonb
    std::string check_config;  // "" for none
    bool scheduled = true;
    std::optional<IntervalSpec> schedule;
    std::optional<IntervalSpec> max_runtime;
    std::optional<int> max_retries;
    std::optional<IntervalSpec> retry_period;
    std::optional<bool> fixed_schedule;
    std::optional<std::int64_t> initial_start;  // microseconds since 1970-01-01 UTC
    std::optional<std::string> timezone;
};

// A function or procedure, in pg_proc's terms.
struct FunctionSpec {
    std::string name;
    char kind = 'f';                 // pg_proc.prokind: f (function), p (procedure)
    std::string identity_arguments;  // pg_get_function_identity_arguments(): "a integer, b text"
    std::string arguments;           // pg_get_function_arguments(), with modes and defaults
    std::string result;              // pg_get_function_result(): "bigint", "SETOF text"; "" for procedures
    std::string language;
    char volatility = 'v';  // provolatile: i, s, v
    bool strict = false;
    bool security_definer = false;
    std::vector<std::string> settings;  // proconfig: "search_path=public, pg_temp"
    std::string body;                   // prosrc, verbatim
};

struct TriggerSpec {
    std::string table;
    std::string name;
    // pg_get_triggerdef() from the timing on, with the schema's namespace on
    // the search_path: "BEFORE UPDATE ON ns.t FOR EACH ROW EXECUTE FUNCTION f()".
    std::string definition;
};

// An object the schema's raw SQL (`sql:`) declares it creates: verify checks
// it exists and does not report it as unexpected.
struct ProvidedSpec {
    std::string kind;  // table, view, materialized_view, sequence, index, function, procedure, type, schema, role
    std::string name;
};

// One privilege granted to a role the schema declares, on one object: as
// verify reports it ("table readings", "function f(x integer)", "schema app").
// A comment on one of the schema's objects, which is named as verify reports
// it: "table t", "column t.c", "constraint c on t", "index i", "view v" (a
// continuous aggregate too), "type e" (enums and domains), "sequence s",
// "function f(a integer)", "procedure p(...)", "trigger g on t".
struct CommentSpec {
    std::string object;
    std::string text;
};

// Reference data of a table: `check` is a query (written by the generator,
// from validated names and quoted values) giving the label of each row the
// table lacks or holds with other values.
struct DataSpec {
    std::string table;
    std::string check;
};

struct GrantSpec {
    std::string object;
    std::string role;
    std::string privilege;  // as aclexplode() names it: SELECT, EXECUTE, USAGE
};

struct ExpectedSchema {
    std::string name;
    std::string namespace_name = "public";
    int version = 0;  // the newest migration; 0 when unknown
    bool uses_timescaledb = false;
    std::string min_timescaledb;  // e.g. "2.15"
    std::vector<std::string> extensions;
    std::vector<EnumSpec> enums;
    std::vector<DomainSpec> domains;
    std::vector<SequenceSpec> sequences;
    std::vector<TableSpec> tables;
    std::vector<ViewSpec> views;
    std::vector<HypertableSpec> hypertables;
    std::vector<AggregateSpec> aggregates;  // parents before children
    std::vector<CompressionSpec> compression;
    std::vector<PolicySpec> policies;
    std::vector<JobSpec> jobs;
    std::vector<FunctionSpec> functions;
    std::vector<TriggerSpec> triggers;
    std::vector<ProvidedSpec> provided;
    std::vector<std::string> roles;  // must exist; grants to them are compared
    std::vector<GrantSpec> grants;
    std::vector<CommentSpec> comments{};
    std::vector<DataSpec> data{};
    std::vector<DefinitionSpec> definitions{};  // views, then aggregates parents first
};

}  // namespace hyperschema
