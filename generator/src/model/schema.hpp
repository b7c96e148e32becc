#pragma once

// The validated, read-only model of one schema: one plain type per schema
// object, each remembering where it was written. The parser builds it, the
// validator checks it, the emitters and the diff read it; nothing downstream
// ever looks at YAML again.

#include <optional>
#include <string>
#include <vector>

#include "diag/source_location.hpp"
#include "model/column_type.hpp"
#include "model/interval.hpp"

namespace hyperschema {

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

struct Column {
    std::string name;
    ColumnType type;
    bool nullable = false;  // columns are NOT NULL unless declared nullable
    ColumnDefault default_value;
    std::string comment;
    // The column's previous name: a migration renames it instead of dropping
    // one column and adding another. Not part of the recorded state.
    std::optional<NameRef> renamed_from;
    SourceLocation loc;
    SourceLocation type_loc;
};

enum class ReferentialAction { NoAction, Restrict, Cascade, SetNull, SetDefault };

struct PrimaryKey {
    std::string name;  // explicit or derived: <table>_pkey
    std::vector<NameRef> columns;
    SourceLocation loc;
};

struct UniqueConstraint {
    std::string name;
    std::vector<NameRef> columns;
    SourceLocation loc;
};

struct ForeignKey {
    std::string name;
    std::vector<NameRef> columns;
    NameRef ref_table;
    std::vector<NameRef> ref_columns;  // empty in the YAML means the target's primary key
    ReferentialAction on_delete = ReferentialAction::NoAction;
    ReferentialAction on_update = ReferentialAction::NoAction;
    SourceLocation loc;
};

struct CheckConstraint {
    std::string name;
    std::string expression;
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
    SourceLocation loc;
};

struct Compression {
    std::vector<NameRef> segment_by;
    std::vector<KeyPart> order_by;
    std::optional<Interval> after;  // the compression policy's compress_after
    SourceLocation after_loc;
    std::optional<Interval> schedule;
    SourceLocation loc;
};

struct Retention {
    Interval drop_after;
    std::optional<Interval> schedule;
    SourceLocation loc;
};

struct SpaceDimension {
    NameRef column;
    int partitions = 0;
    SourceLocation loc;
};

struct Hypertable {
    NameRef time_column;
    std::optional<Interval> chunk_interval;  // TimescaleDB's default (7 days) when absent
    SourceLocation chunk_interval_loc;
    std::optional<SpaceDimension> space;
    bool create_default_indexes = true;
    std::optional<Compression> compression;
    std::optional<Retention> retention;
    SourceLocation loc;
};

struct Table {
    std::string name;
    std::string comment;
    std::optional<NameRef> renamed_from;  // as for columns
    std::vector<Column> columns;
    std::optional<PrimaryKey> primary_key;
    std::vector<UniqueConstraint> uniques;
    std::vector<ForeignKey> foreign_keys;
    std::vector<CheckConstraint> checks;
    std::vector<Index> indexes;
    std::optional<Hypertable> hypertable;
    SourceLocation loc;

    const Column* find_column(const std::string& column) const;
};

struct View {
    std::string name;
    std::string sql;
    std::vector<NameRef> depends_on;  // declared in the YAML
    // The columns the SELECT yields, as the user declares them: the compiler
    // cannot derive them from the SQL, and the C++ row type needs them. Empty
    // when not declared (then the view has no row type). Only name, type,
    // nullable and comment are used. Not part of the recorded state: declaring
    // them changes nothing in the database.
    std::vector<Column> columns;
    SourceLocation columns_loc;
    std::string comment;
    SourceLocation loc;
    SourceLocation sql_loc;
};

struct RefreshPolicy {
    // nullopt means NULL: unbounded (start) or up to now (end).
    std::optional<Interval> start_offset;
    std::optional<Interval> end_offset;
    Interval schedule;
    // The user's acknowledgement that refreshing past the source's retention
    // window is intended (it deletes aggregated rows for dropped raw chunks).
    bool allow_beyond_source_retention = false;
    SourceLocation loc;
    SourceLocation start_loc;
    SourceLocation end_loc;
};

struct AggregateColumn {
    std::string name;
    std::string expression;          // SQL text of the aggregate expression
    std::optional<ColumnType> type;  // declared, or inferred for simple calls
    std::string comment;
    SourceLocation loc;
    SourceLocation expression_loc;
};

struct ContinuousAggregate {
    std::string name;
    NameRef source;  // a hypertable or another continuous aggregate
    Interval bucket;
    SourceLocation bucket_loc;
    std::string bucket_column = "bucket";
    std::optional<std::string> origin;  // timestamptz literal text
    SourceLocation origin_loc;
    std::optional<Interval> offset;
    SourceLocation offset_loc;
    std::optional<std::string> timezone;
    SourceLocation timezone_loc;
    std::vector<NameRef> group_by;
    std::vector<AggregateColumn> columns;
    std::string where;
    SourceLocation where_loc;
    bool materialized_only = true;
    bool with_data = false;
    std::optional<RefreshPolicy> refresh;
    std::optional<Compression> compression;
    std::optional<Retention> retention;
    std::string comment;
    SourceLocation loc;

    // Buckets of months or in a time zone vary in length (TimescaleDB calls
    // them variable-width).
    bool variable_width() const { return bucket.has_months() || timezone.has_value(); }
};

struct Schema {
    std::string name;                   // the schema's name (its directory unless set)
    std::string namespace_ = "public";  // the PostgreSQL schema objects live in
    std::string directory;
    std::vector<Extension> extensions;
    std::vector<Enum> enums;
    std::vector<Table> tables;
    std::vector<View> views;
    std::vector<ContinuousAggregate> aggregates;

    const Table* find_table(const std::string& table) const;
    const View* find_view(const std::string& view) const;
    const ContinuousAggregate* find_aggregate(const std::string& aggregate) const;
    const Enum* find_enum(const std::string& enum_name) const;
    bool uses_timescaledb() const;
};

}  // namespace hyperschema
