#pragma once

// The validated, read-only model of one schema: one plain type per schema
// object, each remembering where it was written. The parser builds it, the
// validator checks it, the emitters and the diff read it; nothing downstream
// ever looks at YAML again.

#include <optional>
#include <string>
#include <vector>

#include "diag/source_location.hpp"
#include "hyperschema/policy_kinds.hpp"
#include "model/column_type.hpp"
#include "model/interval.hpp"

namespace hyperschema {

// Privileges granted to an existing role on one object (GRANT ... TO role).
// The roles are declared under `roles:` and never created by hyperschema.
struct Grant {
    std::string role;
    std::vector<std::string> privileges;  // lowercase, in the order of the object kind's list (catalog/privileges)
    SourceLocation loc;

    friend bool operator==(const Grant& a, const Grant& b) { return a.role == b.role && a.privileges == b.privileges; }
};

struct Extension {
    std::string name;
    SourceLocation loc;
};

struct Enum {
    std::string name;
    std::vector<NameRef> values;
    std::string comment;
    SourceLocation loc;
};

struct ColumnDefault {
    enum class Kind { None, Literal, Expression };
    Kind kind = Kind::None;
    // Literal: the value as written in YAML (emitted as a typed SQL literal).
    // Expression: SQL text such as now() or gen_random_uuid().
    std::string text;
    SourceLocation loc;
};

// A sequence's settings, as CREATE SEQUENCE and an identity column take
// them; unset ones are PostgreSQL's defaults for the type.
struct SequenceOptions {
    std::optional<int64_t> start;
    std::optional<int64_t> increment;
    std::optional<int64_t> min_value;
    std::optional<int64_t> max_value;
    std::optional<int64_t> cache;
    bool cycle = false;
    SourceLocation loc;

    friend bool operator==(const SequenceOptions& a, const SequenceOptions& b) {
        return a.start == b.start && a.increment == b.increment && a.min_value == b.min_value &&
               a.max_value == b.max_value && a.cache == b.cache && a.cycle == b.cycle;
    }
    bool empty() const { return *this == SequenceOptions{}; }

    // Every setting as CREATE SEQUENCE resolves it for `type` (sequence.c,
    // init_params): MINVALUE 1 and MAXVALUE the type's largest going up, the
    // type's smallest and -1 going down, START at the end it counts from.
    struct Resolved {
        int64_t start, increment, min_value, max_value, cache;
    };
    Resolved resolved(const ColumnType& type) const;
};

// GENERATED { ALWAYS | BY DEFAULT } AS IDENTITY: the database numbers the
// rows from a sequence of the column's own.
struct Identity {
    bool always = true;  // ALWAYS refuses explicit values unless OVERRIDING SYSTEM VALUE
    SequenceOptions sequence;
    SourceLocation loc;

    friend bool operator==(const Identity& a, const Identity& b) {
        return a.always == b.always && a.sequence == b.sequence;
    }
};

// Who gives a column its value when a row is inserted without one.
enum class ValueSource {
    Row,        // the row (or the column's default)
    Serial,     // serial/bigserial/smallserial: nextval() of a sequence the column owns
    Identity,   // an identity column
    Generated,  // GENERATED ALWAYS AS (expression) STORED: never written
};

struct Column {
    std::string name;
    ColumnType type;
    bool nullable = false;  // columns are NOT NULL unless declared nullable
    ColumnDefault default_value;
    bool serial = false;  // declared serial, bigserial or smallserial (`type` is the integer)
    std::optional<Identity> identity;
    std::string generated;  // the expression of a generated column, SQL text
    SourceLocation generated_loc;
    std::string collation;  // COLLATE, as written ("C", "de-DE-x-icu"); "" for the type's
    SourceLocation collation_loc;
    std::string comment;
    // The column's previous name: a migration renames it instead of dropping
    // one column and adding another. Not part of the recorded state.
    std::optional<NameRef> renamed_from;
    SourceLocation loc;
    SourceLocation type_loc;

    ValueSource value_source() const;
    // Whether an INSERT of a new row leaves the column to the database.
    bool assigned_by_database() const { return value_source() != ValueSource::Row; }
    // The sequence a serial column owns, as PostgreSQL names it.
    std::string serial_sequence(const std::string& table) const;
};

// A standalone sequence (`sequences:`), for defaults that call nextval() or
// numbers an application draws.
struct Sequence {
    std::string name;
    ColumnType type = ColumnType::of(BaseType::Bigint);
    SourceLocation type_loc;
    SequenceOptions options;
    std::optional<NameRef> owned_by_table;  // OWNED BY table.column: dropped with the column
    std::string owned_by_column;
    std::vector<Grant> grants;
    std::string comment;
    SourceLocation loc;
};

enum class ReferentialAction { NoAction, Restrict, Cascade, SetNull, SetDefault };

struct PrimaryKey {
    std::string name;  // explicit or derived: <table>_pkey (derived_name)
    std::vector<NameRef> columns;
    SourceLocation loc;
    std::vector<NameRef> include;  // INCLUDE: stored in the key's index, not part of the key
    std::string comment{};
};

struct UniqueConstraint {
    std::string name;
    std::vector<NameRef> columns;
    SourceLocation loc;
    std::vector<NameRef> include;
    bool nulls_not_distinct = false;  // PostgreSQL 15: one NULL at most
    std::string comment{};
};

struct ForeignKey {
    std::string name;
    std::vector<NameRef> columns;
    NameRef ref_table;
    std::vector<NameRef> ref_columns;  // empty in the YAML means the target's primary key
    ReferentialAction on_delete = ReferentialAction::NoAction;
    ReferentialAction on_update = ReferentialAction::NoAction;
    SourceLocation loc;
    std::string comment{};
};

struct CheckConstraint {
    std::string name;
    std::string expression;
    SourceLocation loc;
    std::string comment{};  // a table's checks only (domains' have none in the DSL)
};

// CREATE DOMAIN: a named type over a built-in type or enum, with its own
// checks (over VALUE), NOT NULL and default. Columns of it behave as its base.
struct Domain {
    std::string name;
    ColumnType type;  // the base type
    SourceLocation type_loc;
    bool not_null = false;
    std::string default_sql;
    std::vector<CheckConstraint> checks;
    std::string comment;
    SourceLocation loc;
};

enum class SortOrder { Default, Asc, Desc };
enum class NullsOrder { Default, First, Last };

// One key of an index or of a compression order-by: a column or an expression.
struct KeyPart {
    std::string column;      // set for a plain column
    std::string expression;  // set for an expression key, SQL text
    SortOrder order = SortOrder::Default;
    NullsOrder nulls = NullsOrder::Default;
    SourceLocation loc;

    bool is_expression() const { return !expression.empty(); }
};

enum class IndexMethod { Btree, Hash, Gin, Gist, Brin };

// EXCLUDE USING method (element WITH operator, ...): no two rows whose
// elements all compare true with their operators (two bookings of one room
// that overlap).
struct ExclusionElement {
    KeyPart key;            // a column or an expression
    std::string operator_;  // "=", "&&"
};

struct ExclusionConstraint {
    std::string name;
    IndexMethod method = IndexMethod::Gist;
    std::vector<ExclusionElement> elements;
    std::vector<NameRef> include;
    std::string where;  // SQL condition: only rows where it holds are compared
    SourceLocation where_loc;
    std::string comment{};
    SourceLocation loc;
};

// The DSL's (and PostgreSQL's, lowercase) word for each: "btree", "set null".
const char* index_method_name(IndexMethod method);
const char* referential_action_name(ReferentialAction action);

struct Index {
    std::string name;
    std::string table;
    IndexMethod method = IndexMethod::Btree;
    bool unique = false;
    bool concurrently = false;
    std::vector<KeyPart> keys;
    std::vector<NameRef> include;
    std::string where;  // partial-index predicate, SQL text
    SourceLocation where_loc;
    std::string comment{};
    SourceLocation loc;
};

// Settings every TimescaleDB job has (alter_job's), for any policy. Unset
// ones are TimescaleDB's defaults, which differ by kind and are not compared.
struct JobSettings {
    std::optional<Interval> schedule;  // schedule_interval
    SourceLocation schedule_loc;
    // A timestamptz literal with its zone: the fixed schedule's origin.
    std::optional<std::string> initial_start;
    SourceLocation initial_start_loc;
    std::optional<bool> fixed_schedule;  // TimescaleDB sets it when initial_start is given
    SourceLocation fixed_schedule_loc;
    std::optional<std::string> timezone;  // for fixed schedules across DST changes
    SourceLocation timezone_loc;
    std::optional<Interval> max_runtime;  // 0: no limit
    SourceLocation max_runtime_loc;
    std::optional<int> max_retries;  // -1: retry for ever
    SourceLocation max_retries_loc;
    std::optional<Interval> retry_period;
    SourceLocation retry_period_loc;

    // The settings alter_job() changes in place (initial_start and timezone
    // are passed when the policy is added): calls f(setting of a, the same
    // setting of b) for each, so the diff clears, compares and copies them
    // by this one list.
    template <class A, class B, class F>
    static void each_alterable(A& a, B& b, F&& f) {
        f(a.schedule, b.schedule);
        f(a.max_runtime, b.max_runtime);
        f(a.max_retries, b.max_retries);
        f(a.retry_period, b.retry_period);
        f(a.fixed_schedule, b.fixed_schedule);
    }
    friend bool operator==(const JobSettings& a, const JobSettings& b) {
        return a.schedule == b.schedule && a.initial_start == b.initial_start && a.fixed_schedule == b.fixed_schedule &&
               a.timezone == b.timezone && a.max_runtime == b.max_runtime && a.max_retries == b.max_retries &&
               a.retry_period == b.retry_period;
    }
};

// One policy of a hypertable or continuous aggregate; its kind's facts are in
// hyperschema/policy_kinds.hpp. The kind-specific settings are set for their
// kind only.
struct Policy {
    PolicyKind kind = PolicyKind::Retention;
    std::optional<Interval> after;  // compression: compress_after; retention: drop_after
    SourceLocation after_loc;
    // refresh: the window; nullopt means NULL (unbounded start, or up to now).
    std::optional<Interval> start_offset;
    std::optional<Interval> end_offset;
    SourceLocation start_loc;
    SourceLocation end_loc;
    // The user's acknowledgement that refreshing past the source's retention
    // window is intended (it deletes aggregated rows for dropped raw chunks).
    bool allow_beyond_source_retention = false;
    // refresh: how a run splits its window (TimescaleDB 2.19 and later): buckets
    // per transaction (0: all in one), batches per run (0: no limit), newest first.
    std::optional<int> buckets_per_batch;
    std::optional<int> max_batches_per_execution;
    std::optional<bool> refresh_newest_first;
    NameRef index;  // reorder: the index chunks are reordered by
    JobSettings job;
    SourceLocation loc;
};

// A relation's policies, at most one per kind.
struct Policies {
    std::vector<Policy> items;

    const Policy* find(PolicyKind kind) const;
    Policy* find(PolicyKind kind);
    bool empty() const { return items.empty(); }
};

// Compression (columnstore) settings; the compression policy that compresses
// chunks after some age is a Policy of kind Compression beside them.
struct Compression {
    std::vector<NameRef> segment_by;
    std::vector<KeyPart> order_by;
    // compress_chunk_time_interval: compression merges chunks into ones this long.
    std::optional<Interval> chunk_interval;
    SourceLocation chunk_interval_loc;
    SourceLocation loc;
};

// A hypertable's dimension beyond its time column (add_dimension): hash
// partitions of a column, or ranges of another time or integer column.
struct Dimension {
    NameRef column;
    int partitions = 0;                // by_hash: the number of partitions; 0 for a range
    std::optional<Interval> interval;  // by_range: the length of a chunk's range
    SourceLocation interval_loc;
    SourceLocation loc;

    bool is_hash() const { return partitions > 0; }
};

struct Hypertable {
    NameRef time_column;
    std::optional<Interval> chunk_interval;  // TimescaleDB's default (7 days) when absent
    SourceLocation chunk_interval_loc;
    std::vector<Dimension> dimensions;  // in the order they are added
    // An integer time column's "now" (set_integer_now_func): a function of
    // the schema, without arguments, returning the column's type. Policies
    // and continuous aggregates need it to know how old a row is.
    NameRef integer_now;
    bool create_default_indexes = true;
    // Columns whose min/max TimescaleDB tracks per chunk (enable_chunk_skipping),
    // so that a query filtering on them skips chunks outside the range.
    std::vector<NameRef> chunk_skipping;
    std::optional<Compression> compression;
    Policies policies;  // compression, retention, reorder
    SourceLocation loc;

    // The columns TimescaleDB partitions by: the time column, then each dimension's.
    std::vector<const NameRef*> partitioning() const {
        std::vector<const NameRef*> columns{&time_column};
        for (const auto& d : dimensions) columns.push_back(&d.column);
        return columns;
    }
};

// A function or procedure the schema declares (`functions:`, `procedures:`),
// written as CREATE FUNCTION would spell it; PostgreSQL keeps the body as
// text, so it is compared as text.
enum class RoutineKind { Function, Procedure };
enum class Volatility { Volatile, Stable, Immutable };

struct FunctionArgument {
    std::string name;  // may be empty: an unnamed argument
    std::string mode;  // "" (IN), "OUT", "INOUT" or "VARIADIC"
    std::string type;  // canonical: ColumnType::sql() without modifier, or a pseudo-type such as anyelement
    std::string default_sql;
    SourceLocation loc;
};

struct Function {
    std::string name;
    RoutineKind kind = RoutineKind::Function;
    std::vector<FunctionArgument> args;
    std::string returns;  // canonical ("bigint", "trigger", "setof text"); empty for procedures
    SourceLocation returns_loc;
    std::string language;  // sql, plpgsql, or one an extension brings
    SourceLocation language_loc;
    std::string body;  // as written, the text between the dollar quotes
    SourceLocation body_loc;
    Volatility volatility = Volatility::Volatile;
    bool strict = false;
    bool security_definer = false;
    std::vector<std::pair<std::string, std::string>> settings;  // SET name = value, in order
    std::vector<Grant> grants;
    std::string comment;
    SourceLocation loc;

    bool is_procedure() const { return kind == RoutineKind::Procedure; }
    // What PostgreSQL identifies it by: the input argument types, "(integer, jsonb)".
    std::string identity_types() const;
};

// A trigger on a table or hypertable. PostgreSQL keeps the WHEN condition as
// an expression and prints it back its own way.
enum class TriggerTiming { Before, After };
enum class TriggerLevel { Row, Statement };

struct Trigger {
    std::string name;
    TriggerTiming timing = TriggerTiming::Before;
    std::vector<std::string> events;  // insert, update, delete, truncate; in that order
    std::vector<NameRef> update_of;   // UPDATE OF these columns
    TriggerLevel level = TriggerLevel::Row;
    std::string when;  // SQL condition, or empty
    SourceLocation when_loc;
    NameRef function;
    std::vector<std::string> args;  // string constants passed to the function
    std::string comment;
    SourceLocation loc;
};

// One storage parameter of a table, its value as written.
struct StorageSetting {
    std::string name;
    std::string value;
    SourceLocation loc;
};

// Reference data (`data:` on a table): rows the schema keeps in the table,
// upserted by migrations, deleted when they leave the YAML, checked by
// verify. A row is identified by its key: the primary key, or the columns
// of a unique constraint named in `key`.
struct TableData {
    struct Row {
        // Column -> value as text (nullopt: NULL). A column a row leaves out
        // takes its default when the row is inserted and keeps its value when
        // the row is updated.
        std::vector<std::pair<std::string, std::optional<std::string>>> values;
        SourceLocation loc;

        const std::optional<std::string>* find(const std::string& column) const;
    };
    std::vector<NameRef> key;  // empty: the primary key
    std::vector<Row> rows;
    SourceLocation loc;
};

struct Table {
    std::string name;
    std::vector<Grant> grants;
    std::string comment;
    std::optional<NameRef> renamed_from;  // as for columns
    bool unlogged = false;                // CREATE UNLOGGED TABLE: not written to the WAL, empty after a crash
    // Storage parameters (WITH (fillfactor = 70, ...)) as written, in
    // declaration order; the values are kept as text, as reloptions holds them.
    std::vector<StorageSetting> storage;
    SourceLocation storage_loc;
    std::vector<Column> columns;
    std::optional<PrimaryKey> primary_key;
    std::vector<UniqueConstraint> uniques;
    std::vector<ForeignKey> foreign_keys;
    std::vector<CheckConstraint> checks;
    std::vector<ExclusionConstraint> exclusions;
    std::vector<Index> indexes;
    std::optional<Hypertable> hypertable;
    std::vector<Trigger> triggers;
    std::optional<TableData> data;
    SourceLocation loc;

    const Column* find_column(const std::string& column) const;
    // The columns that identify a row of `data`: its `key`, else the primary key.
    std::vector<std::string> data_key() const;
    bool in_primary_key(const std::string& column) const;
    // The unique keys on exactly `columns` (in any order), which a foreign
    // key may reference: the primary key, unique constraints, and unique
    // b-tree indexes on plain columns without a predicate (PostgreSQL accepts
    // those too), in that order; one member of each is set.
    struct UniqueKey {
        const PrimaryKey* primary_key = nullptr;
        const UniqueConstraint* unique = nullptr;
        const Index* index = nullptr;
    };
    std::vector<UniqueKey> unique_keys_on(const std::vector<std::string>& columns) const;
    // The key a foreign key to `columns` needs first: found, and the index
    // when no constraint is one (a constraint comes first).
    struct ReferencedKey {
        bool found = false;
        const Index* index = nullptr;
    };
    ReferencedKey referenced_key(const std::vector<std::string>& columns) const;
    // The columns a foreign key references: the ones it names, or the primary key's.
    std::vector<std::string> referenced_columns(const ForeignKey& fk) const;
};

// The grants a serial column's own sequence needs: inserting a row calls
// nextval() on it, which takes USAGE, so every role that may insert into the
// table gets it. By sequence name.
std::vector<std::pair<std::string, std::vector<Grant>>> serial_sequence_grants(const Table& table);

struct View {
    std::string name;
    std::string sql;
    // CREATE MATERIALIZED VIEW: the rows are stored, read as of the last
    // REFRESH MATERIALIZED VIEW; it may have indexes (a unique one lets a
    // refresh run CONCURRENTLY).
    bool materialized = false;
    bool with_data = true;  // filled when created (else empty until the first refresh)
    std::vector<Index> indexes;
    std::vector<NameRef> depends_on;  // declared in the YAML
    // The columns the SELECT yields, as the user declares them: the compiler
    // cannot derive them from the SQL, and the C++ row type needs them. Empty
    // when not declared (then the view has no row type). Only name, type,
    // nullable and comment are used; only the comments reach the database
    // (COMMENT ON COLUMN), so a changed type or nullability needs no migration.
    std::vector<Column> columns;
    SourceLocation columns_loc;
    std::vector<Grant> grants;
    std::string comment;
    SourceLocation loc;
    SourceLocation sql_loc;

    const char* kind_sql() const { return materialized ? "MATERIALIZED VIEW" : "VIEW"; }
    const char* kind_name() const { return materialized ? "materialized view" : "view"; }
    // The table stand-in its indexes are emitted and checked against.
    Table as_table() const;
};

struct AggregateColumn {
    std::string name;
    std::string expression;          // SQL text of the aggregate expression
    std::optional<ColumnType> type;  // declared, or inferred for simple calls
    std::string comment;
    SourceLocation loc;
    SourceLocation expression_loc;
};

// A plain table a continuous aggregate joins to its source (`joins:`):
// TimescaleDB takes INNER and LEFT joins to tables that are not
// hypertables; the aggregate is refreshed from the source's changes only.
struct AggregateJoin {
    NameRef table;
    bool left = false;
    std::string on;  // the join condition, SQL
    SourceLocation on_loc;
    SourceLocation loc;

    const char* keyword() const { return left ? "LEFT JOIN" : "JOIN"; }
};

// One `group_by` entry: a column of the source or of a joined table
// (`device_id`, `devices.site_id`), or an expression with the name of the
// output column it becomes (`{name: label_lc, expr: lower(label)}`).
struct GroupKey {
    std::string name;                // the output column
    std::string relation;            // `devices` in `devices.site_id`; "" when unqualified
    std::string expression;          // "" for a column
    std::optional<ColumnType> type;  // declared, for an expression
    SourceLocation loc;
    SourceLocation expression_loc;

    bool is_column() const { return expression.empty(); }
    // The column as the SELECT reads it: `site_id`, `devices.site_id`.
    std::string column_text() const { return relation.empty() ? name : relation + "." + name; }
};

struct ContinuousAggregate {
    std::string name;
    // `renamed_from: old`: renamed in place (ALTER MATERIALIZED VIEW ...
    // RENAME), its buckets kept, while `old` exists and `name` does not.
    std::optional<NameRef> renamed_from;
    NameRef source;  // a hypertable or another continuous aggregate
    std::vector<AggregateJoin> joins;
    Interval bucket;
    SourceLocation bucket_loc;
    std::string bucket_column = "bucket";
    std::optional<std::string> origin;  // timestamptz literal text
    SourceLocation origin_loc;
    std::optional<Interval> offset;
    SourceLocation offset_loc;
    std::optional<std::string> timezone;
    SourceLocation timezone_loc;
    std::vector<GroupKey> group_by;
    std::vector<AggregateColumn> columns;
    // The output columns in the order the SELECT yields them, when not the
    // default (bucket, group-by columns, then `columns`); every one, once.
    std::vector<NameRef> column_order;
    SourceLocation column_order_loc;
    std::string where;
    SourceLocation where_loc;
    bool materialized_only = true;
    bool with_data = false;
    // TimescaleDB's indexes on each group-by column with the bucket; false
    // saves their upkeep where no query filters by group.
    bool create_group_indexes = true;
    // The chunk interval of the hypertable that stores its rows; TimescaleDB
    // takes ten times the source's when absent.
    std::optional<Interval> chunk_interval;
    SourceLocation chunk_interval_loc;
    std::optional<Compression> compression;
    Policies policies;  // refresh, compression, retention
    std::vector<Grant> grants;
    std::string comment;
    SourceLocation loc;

    // Buckets of months or in a time zone vary in length (TimescaleDB calls
    // them variable-width).
    bool variable_width() const { return bucket.has_months() || timezone.has_value(); }
    const GroupKey* find_group_key(const std::string& output) const;
    // Whether a bare column of the FROM clause is grouped by as it is.
    bool groups_by_column(const std::string& column) const;
};

// A job of the schema's own (`jobs:`, TimescaleDB's add_job): a procedure of
// the schema, called as proc(job_id integer, config jsonb) on a schedule.
// TimescaleDB names the job "<name> [<id>]", which is how migrations and
// verify find it again.
struct Job {
    std::string name;
    NameRef procedure;
    std::string config;  // JSON text (compact, keys sorted); "" for none (NULL)
    SourceLocation config_loc;
    NameRef check_config;  // a function(config jsonb) TimescaleDB calls to validate the config; "" for none
    bool scheduled = true;
    JobSettings job;  // the schedule is required
    SourceLocation loc;
};

// A data migration (`backfills:`): rows of a source table transformed into a
// target table by set-based SQL over one batch of the source's key range at a
// time, run by the runtime's batched, checkpointed runner
// (hyperschema/backfill.hpp), as a step of the migration that adds it.
struct Backfill {
    // A check of the whole run (`backfill verify`).
    struct Check {
        std::string name;
        std::string empty;   // a query whose rows are problems
        std::string source;  // or two queries whose results must be equal
        std::string target;
        SourceLocation loc;
    };

    std::string name;
    std::string comment;
    NameRef source;
    NameRef key;       // a column of the source
    std::string unit;  // integer keys: seconds, milliseconds, microseconds or integer; "" for time keys
    SourceLocation unit_loc;
    std::optional<Interval> batch;  // an interval for time units, a count (integer_units) otherwise
    SourceLocation batch_loc;
    NameRef target;
    std::vector<NameRef> columns;  // the target columns the SELECT fills, in its order
    SourceLocation columns_loc;
    std::string select;  // with :batch_start and :batch_end
    SourceLocation select_loc;
    std::string expect;  // counts the rows one batch must give; "" for none
    SourceLocation expect_loc;
    std::string on_conflict = "do_nothing";  // do_nothing, error, update
    SourceLocation on_conflict_loc;
    std::vector<Check> checks;
    int64_t pause_ms = 0;
    int64_t max_rows_per_second = 0;
    SourceLocation loc;
};

// The escape hatch (`sql:`): statements hyperschema does not model, with
// their undoing, run at a declared point of a migration. What they create is
// declared so that verify can check it exists (and not report it as
// unexpected). Every construct the DSL has should be written in the DSL.
struct RawSqlObject {
    enum class Kind { Table, View, MaterializedView, Sequence, Index, Function, Procedure, Type, Schema, Role };
    Kind kind = Kind::Table;
    std::string name;
    SourceLocation loc;
};

struct RawSql {
    enum class When { First, Last };  // first: before the tables; last: after everything else
    std::string name;
    std::string up;
    std::string down;
    When when = When::Last;
    std::vector<NameRef> depends_on;  // schema objects it needs: it is re-run when one is created again
    std::vector<RawSqlObject> provides;
    SourceLocation loc;
    SourceLocation up_loc;
};

// Kind names as the DSL writes them ("materialized_view"), and back.
const char* raw_sql_kind_name(RawSqlObject::Kind kind);
std::optional<RawSqlObject::Kind> raw_sql_kind(const std::string& name);

struct Schema {
    std::string name;                   // the schema's name (its directory unless set)
    SourceLocation name_loc;            // where `schema: {name: ...}` sets it; unknown when the directory names it
    std::string namespace_ = "public";  // the PostgreSQL schema objects live in
    SourceLocation namespace_loc;       // where `schema: {namespace: ...}` sets it
    std::string namespace_comment;      // COMMENT ON SCHEMA, for a namespace of its own
    SourceLocation namespace_comment_loc;
    // `schema: {timescaledb: "2.28"}`: the oldest TimescaleDB the schema's
    // databases run, declared; migrations may then use what it has (2.28:
    // aggregate columns added in place). "" when not declared.
    std::string timescaledb;
    SourceLocation timescaledb_loc;
    std::string directory;
    std::vector<Extension> extensions;
    std::vector<NameRef> roles;           // existing roles the grants name (`roles:`)
    std::vector<Grant> namespace_grants;  // on the PostgreSQL schema itself (`schema: {grants: ...}`)
    std::vector<Enum> enums;
    std::vector<Domain> domains;
    std::vector<Function> functions;  // functions and procedures, as declared
    std::vector<Sequence> sequences;
    std::vector<Table> tables;
    std::vector<View> views;
    std::vector<ContinuousAggregate> aggregates;
    std::vector<Job> jobs;
    std::vector<RawSql> raw_sql;  // in declaration order
    std::vector<Backfill> backfills;

    const Table* find_table(const std::string& table) const;
    const View* find_view(const std::string& view) const;
    const ContinuousAggregate* find_aggregate(const std::string& aggregate) const;
    const Enum* find_enum(const std::string& enum_name) const;
    const Sequence* find_sequence(const std::string& sequence) const;
    const Domain* find_domain(const std::string& domain) const;
    const Job* find_job(const std::string& job) const;
    const Backfill* find_backfill(const std::string& backfill) const;
    // Whether the column is NOT NULL by its own constraint: not nullable, and
    // not of a NOT NULL domain, which refuses NULL itself (as people write
    // such columns, without NOT NULL of their own).
    bool column_not_null(const Column& column) const;
    // The functions and procedures of that name (overloads share one).
    std::vector<const Function*> find_functions(const std::string& name) const;
    bool uses_timescaledb() const;
    // The oldest TimescaleDB the schema's SQL runs on: 2.15, or newer where a
    // feature it uses needs it (hyperschema/version.hpp) or the schema
    // declares it (`timescaledb`).
    std::string min_timescaledb() const;
    bool timescaledb_at_least(const std::string& version) const;
    bool has_extension(std::string_view extension) const;  // listed under `extensions:`
};

}  // namespace hyperschema
