#pragma once

// Internal to the validator: the rule groups, one file each.

#include <string>
#include <vector>

#include "diag/diagnostics.hpp"
#include "model/relations.hpp"
#include "model/schema.hpp"
#include "sqltext/expression.hpp"

namespace hyperschema::rules {

void check_names(const Schema& schema, Diagnostics& diags);
void check_dependencies(const Schema& schema, Diagnostics& diags);
// Functions, procedures and triggers (function_rules.cpp).
void check_functions(const Schema& schema, Diagnostics& diags);
void check_table(const Schema& schema, const Table& table, Diagnostics& diags);
void check_indexes(const Schema& schema, const Table& table, Diagnostics& diags);
// Comparisons of json values in an expression over the table's columns
// (json has no comparison operators; jsonb has).
void check_json_comparisons(const Table& table, const std::string& sql, const SourceLocation& loc,
                            const std::string& what, Diagnostics& diags);
void check_hypertable(const Schema& schema, const Table& table, Diagnostics& diags);
// Amounts of time in the form the relation's time column takes (intervals, or
// numbers for integer time) and integer_now where integer time needs it
// (time_rules.cpp).
void check_hypertable_time(const Schema& schema, const Table& table, Diagnostics& diags);
// An expression over the table's columns that PostgreSQL requires to be
// IMMUTABLE (index keys and predicates, generated columns): the fragment's
// checks with functions known by name (`reason` says why), then calls that
// are STABLE for the argument types the columns give them (date_trunc of a
// timestamptz, a timestamptz cast to date or text, ...); `server_message` is
// the server's error text for those.
void check_immutable_expression(const Table& table, const std::string& sql, const SourceLocation& loc,
                                const std::string& what, const std::string& reason, const std::string& server_message,
                                Diagnostics& diags);
// An amount of time in the unit of a time column of `type`: an interval, or a
// whole number for an integer column.
void check_time_amount(const ColumnType& type, const std::string& column, const std::optional<Interval>& amount,
                       const SourceLocation& loc, const std::string& what, Diagnostics& diags);
void check_aggregate_time(const Schema& schema, const ContinuousAggregate& aggregate, const RelationShape& source,
                          Diagnostics& diags);
// SQL expressions in limited contexts (expression_rules.cpp).
void check_default_expression(const Schema& schema, const Table& table, const Column& column, Diagnostics& diags);
void check_check_expression(const Table& table, const CheckConstraint& check, Diagnostics& diags);
void check_aggregate_where(const ContinuousAggregate& aggregate, Diagnostics& diags);
// A subquery or aggregate call in a group-by expression or join condition; true if reported.
bool check_group_key_shape(const ContinuousAggregate& aggregate, const GroupKey& key, Diagnostics& diags);
bool check_join_condition_shape(const ContinuousAggregate& aggregate, const AggregateJoin& join, Diagnostics& diags);
// Joins and group-by keys of a continuous aggregate over the columns of its
// FROM clause (aggregate_join_rules.cpp).
void check_aggregate_joins(const Schema& schema, const ContinuousAggregate& agg, Diagnostics& diags);
void check_group_keys(const ContinuousAggregate& agg, const RelationShape& from, Diagnostics& diags);
// `relation.column` references to relations the aggregate does not read or
// columns they lack, and bare columns that two of its relations have.
void check_from_references(const std::string& sql, const SourceLocation& loc, const std::string& what,
                           const RelationShape& from, Diagnostics& diags);
// The bare column names an aggregate's expressions may use (ambiguous ones
// included: check_from_references reports them better than "unknown").
std::vector<std::string> names_in_from(const RelationShape& from);
// A subquery or aggregate call in a generated column's expression; true if reported.
bool check_generated_expression(const Table& table, const Column& column, Diagnostics& diags);
// A subquery or aggregate call in a domain's check; true if reported.
bool check_domain_check_shape(const Domain& domain, const CheckConstraint& check, Diagnostics& diags);
// Serial, identity and generated columns; standalone sequences (value_source_rules.cpp).
void check_value_sources(const Schema& schema, const Table& table, Diagnostics& diags);
void check_sequences(const Schema& schema, Diagnostics& diags);
void check_domains(const Schema& schema, Diagnostics& diags);
// An initial_start beside `fixed_schedule: false` (policy_rules.cpp).
void check_fixed_schedule(const std::string& what, const JobSettings& job, Diagnostics& diags);
// User-defined jobs: their procedure, check function and name (job_rules.cpp).
void check_jobs(const Schema& schema, Diagnostics& diags);
// Why PostgreSQL would not take `text` as a value of the column (a literal
// default, a row of reference data), or "" (table_rules.cpp).
std::string value_problem(const Schema& schema, const Column& column, const std::string& text);
// Reference data: its key, columns and values (data_rules.cpp).
void check_table_data(const Schema& schema, const Table& table, Diagnostics& diags);
// Data migrations: key, unit, batch, target columns and key, their SQL (backfill_rules.cpp).
void check_backfills(const Schema& schema, Diagnostics& diags);
// Grants name declared roles (grant_rules.cpp).
void check_grants(const Schema& schema, Diagnostics& diags);
void check_time_zone(const std::string& zone, const SourceLocation& loc, const std::string& what, Diagnostics& diags);
void check_view_relations(const Schema& schema, const View& view, Diagnostics& diags);
// One note naming the functions the schema calls that the compiler does not
// know (not PostgreSQL's, TimescaleDB's or in catalog/functions): the server
// decides, and --dev-db asks it.
void note_unknown_functions(const Schema& schema, Diagnostics& diags);
// Every SQL fragment through PostgreSQL's grammar (libpg_query); a fragment
// another rule already reported at its place is left to that rule's words.
void check_fragment_syntax(const Schema& schema, Diagnostics& diags);
void check_aggregate(const Schema& schema, const ContinuousAggregate& aggregate, Diagnostics& diags);
void check_view(const Schema& schema, const View& view, Diagnostics& diags);
// Warnings for aggregate columns the C++ row leaves out (run only on a schema
// without errors: no C++ is generated for another).
void check_row_types(const Schema& schema, const ContinuousAggregate& aggregate, Diagnostics& diags);

// Shared checks of SQL fragments.
// Why a continuous aggregate's expressions must be IMMUTABLE.
inline constexpr const char* kAggregateImmutability =
    "a continuous aggregate is materialized bucket by bucket at different times, so its result would depend on "
    "when each refresh ran (TimescaleDB only warns: \"may lead to inconsistent results on rematerialization\")";

struct FragmentRules {
    std::string what;                                   // "the `where` of index `x`"
    const std::vector<std::string>* columns = nullptr;  // when set, bare identifiers must be among these
    bool require_immutable = false;
    std::string immutable_reason;  // why immutability is required
    // Fragments pasted inside a statement must not hold a `--` comment (it would
    // comment out the rest of the line); a view body is emitted on lines of its own.
    bool allow_line_comments = false;
};
void check_fragment(const std::string& sql, const SourceLocation& loc, const FragmentRules& rules, Diagnostics& diags);
// Whether the node is a call that is never IMMUTABLE (now(), random(),
// current_timestamp; catalog/functions.cpp's volatility), which check_fragment
// reports by name.
bool non_immutable_call(const sqltext::Expr& node);

// Compression settings of a hypertable or continuous aggregate, over the
// columns (with their types) of the relation compressed.
void check_compression(const std::vector<RelationColumn>& columns, const Compression& compression,
                       const std::string& owner, Diagnostics& diags);

// The policies of a hypertable or continuous aggregate (`owner` names it):
// their job settings and how they combine (policy_rules.cpp).
void check_policies(const Schema& schema, const std::string& owner, const Policies& policies, Diagnostics& diags);
// A reorder policy names an index of the table, or TimescaleDB's own time index.
void check_reorder_index(const Table& table, const Policy& reorder, Diagnostics& diags);

std::vector<std::string> column_names(const Table& table);
std::vector<std::string> table_names(const Schema& schema);
// The names a list of references spells, in order.
std::vector<std::string> names_of(const std::vector<NameRef>& refs);
// Every table, view and continuous aggregate, for "did you mean".
std::vector<std::string> relation_names(const Schema& schema);

// The interval rounded up to whole days (at least one), for suggestions where
// a `date` time column needs whole days.
Interval whole_days(const Interval& interval);
std::vector<RelationColumn> relation_columns(const Table& table);

// xmin, ctid, ...: PostgreSQL refuses a column of that name in a table (or a
// continuous aggregate's materialization table).
void check_not_system_column(const std::string& name, const std::string& what, const SourceLocation& loc,
                             Diagnostics& diags);

// A type as PostgreSQL names it in messages ("function avg(boolean) does not
// exist", "data type json has no default operator class"): character varying,
// timestamp with time zone, ...; without modifiers.
std::string pg_type_name(const ColumnType& type);

}  // namespace hyperschema::rules
