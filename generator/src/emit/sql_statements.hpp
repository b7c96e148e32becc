#pragma once

// One function per SQL statement hyperschema writes, each returning complete
// statements ending in ";\n". The full-schema script and (later) migrations
// are assembled from these, so an object is spelled the same way everywhere.

#include <set>
#include <string>
#include <vector>

#include "model/schema.hpp"

namespace hyperschema::emit {

std::string join(const std::vector<std::string>& parts, const std::string& separator);
// "a, b": column names, quoted where needed.
std::string column_list(const std::vector<NameRef>& columns);
// "SET NULL", as written after ON DELETE / ON UPDATE.
std::string referential_action_sql(ReferentialAction action);
// The columns a foreign key references: as written, or the target's primary key.
std::vector<NameRef> referenced_columns(const Schema& schema, const ForeignKey& fk);

std::string column_type_sql(const Schema& schema, const ColumnType& type);
// `name type [DEFAULT ...] [NOT NULL]`, as in CREATE TABLE and ADD COLUMN.
std::string column_definition(const Schema& schema, const Column& column);
// serial, bigserial, smallserial: a serial column's type as written.
std::string serial_type_sql(const ColumnType& type);
// GENERATED ... AS IDENTITY (options), as a column definition spells it.
std::string identity_sql(const Identity& identity, const ColumnType& type);
// A sequence's options: as CREATE SEQUENCE (or an identity) writes those set;
// as ALTER SEQUENCE (or ALTER COLUMN ... SET for an identity) writes every one,
// unset ones as PostgreSQL's defaults, so that a removed option is undone.
enum class SequenceClause { Create, AlterSequence, AlterIdentity };
std::string sequence_options_sql(const SequenceOptions& options, const ColumnType& type, SequenceClause clause);
std::string create_sequence(const Schema& schema, const Sequence& sequence);
// ALTER SEQUENCE ... OWNED BY table.column (or NONE).
std::string sequence_owner_sql(const Schema& schema, const Sequence& sequence);
// The DEFAULT expression of a column ("" when it has none).
std::string default_expression(const Column& column);

std::string primary_key_definition(const PrimaryKey& pk);  // PRIMARY KEY (a) INCLUDE (b)
std::string unique_definition(const UniqueConstraint& u);  // UNIQUE NULLS NOT DISTINCT (a) INCLUDE (b)

enum class ConstraintKind { PrimaryKey, Unique, ForeignKey, Check, Exclusion };
struct ConstraintSql {
    std::string name;
    ConstraintKind kind;
    std::string definition;  // PRIMARY KEY (...), CHECK (...): what a rename keeps
    // A foreign key depends on the unique key PostgreSQL bound it to, one of
    // those on its referenced columns: their definitions, so that a change
    // among them re-creates the foreign key around it (DROP INDEX and DROP
    // CONSTRAINT refuse while it is referenced).
    std::string referenced_index{};
    SourceLocation loc{};  // where the YAML declares it
    std::string comment{};

    std::string clause() const;  // CONSTRAINT name <definition>
};
// "EXCLUDE USING gist (room WITH =, (tstzrange(starts, ends)) WITH &&) WHERE (...)";
// `key` spells each element (the SQL's or the catalog's way).
std::string exclusion_definition(const ExclusionConstraint& x, std::string (*key)(const KeyPart&));
// The table's constraints in creation order: primary key, unique, foreign
// keys, checks, exclusions.
std::vector<ConstraintSql> table_constraints(const Schema& schema, const Table& table);
// The unique index a foreign key's referenced key is, or nullptr when it is
// the target's primary key or a unique constraint (or the target is unknown).
const Index* referenced_index(const Schema& schema, const ForeignKey& fk);
// COMMENT ON CONSTRAINT / INDEX with the declared comment; "" when there is
// none, unless `clear` (then IS NULL, for a comment the YAML dropped).
std::string constraint_comment(const Schema& schema, const std::string& table, const ConstraintSql& constraint,
                               bool clear = false);
std::string index_comment(const Schema& schema, const Index& index, bool clear = false);
std::string column_comment(const Schema& schema, const std::string& table, const Column& column);
// COMMENT ON `object` (`COLUMN public.t.c`, `SCHEMA energy`) IS the text, or
// NULL when it is empty: how a migration sets, changes or drops a comment.
std::string set_comment(const std::string& object, const std::string& text);

// CREATE SCHEMA IF NOT EXISTS for a namespace other than `public`.
std::string create_namespace(const Schema& schema);
// COMMENT ON SCHEMA, IS NULL when the schema declares none.
std::string namespace_comment(const Schema& schema);
std::string create_extension(const Extension& extension);
std::string create_enum(const Schema& schema, const Enum& e);
// Foreign keys whose names are in `inline_foreign_keys` are written inside the
// CREATE TABLE; the others are added later with add_foreign_key().
std::string create_domain(const Schema& schema, const Domain& domain);
// A table's storage parameters, as WITH (...) and ALTER TABLE SET (...) list them.
std::string storage_sql(const std::vector<StorageSetting>& parameters);
std::string create_table(const Schema& schema, const Table& table, const std::set<std::string>& inline_foreign_keys);
std::string add_foreign_key(const Schema& schema, const Table& table, const ForeignKey& fk);
// A new table as one block: CREATE TABLE with the foreign keys whose targets
// are in `existing` (or the table itself) and whose referenced key is a
// constraint, its comments, and create_hypertable.
// The other foreign keys go to *deferred, to be added once their targets exist.
std::string create_table_block(const Schema& schema, const Table& table, const std::set<std::string>& existing,
                               std::vector<const ForeignKey*>* deferred);
std::string table_comments(const Schema& schema, const Table& table);
// A table that already has rows must say so (TimescaleDB refuses otherwise).
enum class ExistingRows { None, MoveIntoChunks };
std::string create_hypertable(const Schema& schema, const Table& table, ExistingRows rows = ExistingRows::None);
// enable_chunk_skipping / disable_chunk_skipping for one column; both need
// timescaledb.enable_chunk_skipping on, set for the transaction.
std::string enable_chunk_skipping(const Schema& schema, const Table& table, const std::string& column);
std::string disable_chunk_skipping(const Schema& schema, const std::string& table, const std::string& column);
// add_dimension for one of the table's extra dimensions (by_hash or by_range).
std::string add_dimension(const Schema& schema, const Table& table, const Dimension& dimension);
// set_integer_now_func for the table's integer_now (replacing the one it has).
std::string set_integer_now(const Schema& schema, const Table& table);
// Concurrently: CREATE INDEX CONCURRENTLY IF NOT EXISTS, which keeps writes
// flowing on a live table but cannot run in a transaction block.
enum class IndexBuild { Plain, Concurrently };
std::string create_index(const Schema& schema, const Table& table, const Index& index,
                         IndexBuild build = IndexBuild::Plain);
// A concurrent build that fails or is interrupted leaves an INVALID index,
// which IF NOT EXISTS would then keep: this drops it (only then, so the
// statement runs before every concurrent build, with any tool applying it).
// One line, as statements outside the transaction are one per line.
std::string drop_invalid_index(const Schema& schema, const Index& index);
// Functions and procedures (function_statements.cpp). The body goes
// between dollar quotes it does not contain; a function's trigger runs it by
// its unqualified name (the migration's search_path finds it).
std::string function_arguments(const Function& function);  // "a integer, b text DEFAULT 'x'"
// A SET clause's value ("public, pg_temp", "64MB"), as elements and as SQL:
// search_path as a list of names, any other value as one literal.
std::vector<std::string> setting_elements(const std::string& value);
std::string setting_value_sql(const std::string& name, const std::string& value);
std::string function_signature(const Schema& schema, const Function& function);  // ns.f(integer, text)
std::string create_function(const Schema& schema, const Function& function);
std::string comment_on_function(const Schema& schema, const Function& function, const std::string& text);
std::string drop_function(const Schema& schema, const Function& function);
// The function unqualified is how pg_get_triggerdef prints it with the
// schema's namespace on the search_path (as verify reads it).
std::string trigger_definition(const Schema& schema, const Table& table, const Trigger& trigger, bool qualify_function);
std::string create_trigger(const Schema& schema, const Table& table, const Trigger& trigger);
std::string comment_on_trigger(const Schema& schema, const Table& table, const Trigger& trigger,
                               const std::string& text);
std::string drop_trigger(const Schema& schema, const Table& table, const Trigger& trigger);
std::string create_view(const Schema& schema, const View& view);
std::string create_continuous_aggregate(const Schema& schema, const ContinuousAggregate& aggregate);
// Its SELECT ... GROUP BY ...\n, as CREATE MATERIALIZED VIEW ... AS takes it.
std::string aggregate_query(const Schema& schema, const ContinuousAggregate& aggregate);
// The aggregate's time_bucket(...) call over `time_column` (as the SELECT
// reads it: quoted, qualified where the aggregate joins other tables).
std::string bucket_call(const Schema& schema, const ContinuousAggregate& agg, const std::string& time_column);
// The column the aggregate buckets: its source hypertable's time column, or
// its parent aggregate's bucket column.
std::string source_time_column(const Schema& schema, const ContinuousAggregate& agg);
std::string aggregate_chunk_interval(const Schema& schema, const ContinuousAggregate& aggregate);
std::string aggregate_comments(const Schema& schema, const ContinuousAggregate& aggregate);
// `replacing` writes empty segment-by/order-by lists out ('') so that a change
// clears what the previous settings had; a first enable leaves them unset for
// TimescaleDB to choose.
// SELECT decompress_chunk(...) over every chunk, in one statement.
std::string decompress_chunks(const Schema& schema, const std::string& hypertable);
// A DO block that decompresses the compressed chunks one at a time, committing
// each: run outside a transaction, it resumes where it stopped.
std::string decompress_chunks_one_by_one(const Schema& schema, const std::string& hypertable);
// A DO block that runs the relation's policy job of `kind` once, in the
// foreground (CALL run_job), when it has one.
std::string run_policy_job(const Schema& schema, const std::string& relation, PolicyKind kind);
std::string enable_compression(const Schema& schema, const std::string& relation, bool is_aggregate,
                               const Compression& compression, bool replacing = false);
// SELECT add_<kind>_policy(...), wrapped in alter_job(...) for the job
// settings the add function does not take.
std::string add_policy(const Schema& schema, const std::string& relation, const Policy& policy);
std::string remove_policy(const Schema& schema, const std::string& relation, PolicyKind kind);
// A user-defined job: add_job() with everything it takes (named, so that it
// can be found again), alter_job() for the rest; deleted and altered by name.
std::string add_job(const Schema& schema, const Job& job);
std::string delete_job(const Schema& schema, const std::string& job);
// alter_job() for the settings that differ; "" when none do.
std::string alter_job(const Schema& schema, const Job& old, const Job& now);
// alter_job() on the existing job of the policy: the settings that changed
// between `old` and `now` (schedule, max_runtime, max_retries, retry_period,
// fixed_schedule), in place. "" when none of those changed.
std::string alter_policy_job(const Schema& schema, const std::string& relation, bool is_aggregate, const Policy& old,
                             const Policy& now);
std::string refresh_continuous_aggregate(const Schema& schema, const ContinuousAggregate& aggregate);

}  // namespace hyperschema::emit
