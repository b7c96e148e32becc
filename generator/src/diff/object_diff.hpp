#pragma once

// Internal to the diff engine: the stages changes are sorted into, and the
// per-object comparisons (table_diff.cpp, relation_diff.cpp).

#include <set>
#include <string>
#include <vector>

#include "diff/plan.hpp"
#include "diff/renames.hpp"
#include "emit/aggregate_history.hpp"
#include "model/schema.hpp"

namespace hyperschema::diff {

// The order a migration runs in: what depends on something is dropped before
// it and created after it.
enum class Stage {
    DropRawSqlLast,  // the escape hatch's `when: last` objects (and any done again) are undone first
    DropPolicies,
    DropTriggers,
    DropViewsAndAggregates,  // in one dependency order: a view may read an aggregate
    DropForeignKeys,         // before the indexes: a foreign key may need a unique index
    DropIndexes,
    DropConstraints,
    ReleaseSequences,  // OWNED BY NONE before the column or table that owned one goes
    DropTables,
    CreateNamespace,
    CreateExtensions,
    CreateEnums,
    CreateDomains,    // over the enums; before the functions and tables that use them
    CreateFunctions,  // after the enums their arguments use, before the tables whose defaults call them
    CreateSequences,  // before the tables whose defaults call nextval() on them
    CreateRawSqlFirst,
    Renames,
    CreateTables,
    AlterColumns,
    DropColumns,
    OwnSequences,  // OWNED BY once the owning column exists
    RebuildEnums,
    Hypertables,
    AddConstraints,
    AddIndexes,
    AddForeignKeys,  // after the indexes: a foreign key may need a unique index
    CreateTriggers,
    ReferenceData,        // rows upserted once the table, its constraints and triggers exist
    DeleteReferenceData,  // then rows gone from `data:`, children first
    CreateViewsAndAggregates,
    AlterAggregates,
    Compression,
    AddPolicies,
    DropSetAsideAggregates,  // after the rebuilt ones took their history over, dependants first
    Grants,                  // once every object they are on exists (again)
    Backfills,               // data steps, after the transaction that creates what they read and write
    CreateRawSqlLast,
    DropFunctions,  // after the triggers, columns and tables that use them
    DropSequences,  // after the defaults that call nextval() on them
    DropRawSqlFirst,
    DropDomains,  // after the columns of them, before the enums they are over
    DropEnums,
    DropExtensions,
    Count,
};

class Output {
public:
    explicit Output(std::vector<std::vector<Change>>& stages) : stages_(stages) {
        stages_.resize(static_cast<size_t>(Stage::Count));
    }

    Change& add(Stage stage, std::string summary, std::string sql, Phase phase = Phase::Transaction,
                SourceLocation loc = {});
    void unsupported_change(const SourceLocation& loc, std::string reason) {
        unsupported.emplace_back(loc, std::move(reason));
    }

    std::vector<std::pair<SourceLocation, std::string>> unsupported;

private:
    std::vector<std::vector<Change>>& stages_;
};

void diff_namespace(const Schema& from, const Schema& to, Output& out);
void diff_extensions(const Schema& from, const Schema& to, Output& out);
// PostgreSQL adds enum labels in place but cannot remove or reorder them:
// then the type is rebuilt and every column of it converted.
bool enum_rebuilt(const Enum& old, const Enum& e);
void diff_enums(const Schema& from, const Schema& to, Output& out);
// Domains (domain_diff.cpp).
void diff_domains(const Schema& from, const Schema& to, Output& out);

// `dropped_before`: the tables this migration drops before this one. A
// foreign key to one of them (a cycle, which creation closed with ALTER TABLE)
// is dropped first, as DROP TABLE of its target would refuse.
void drop_table(const Schema& from, const Table& table, const std::set<std::string>& dropped_before, Output& out);
void create_table(const Schema& to, const Table& table, const std::set<std::string>& existing, Output& out);
void alter_table(const Schema& from, const Table& old_table, const Schema& to, const Table& table,
                 const Renames& renames, const std::set<std::string>& retyped_columns, Output& out);
// True when converting a column from one type to the other can lose or
// refuse values (bigint -> integer, text -> varchar(10), real -> ...).
bool narrows(const ColumnType& from, const ColumnType& to);
// True when a column of the table is dropped, renamed or changes type.
bool columns_reshaped(const Table& old_table, const Table& table, const Renames& renames);
// The columns (as `table` names them) whose type, collation or generation changes.
std::set<std::string> retyped_columns(const Table& old_table, const Table& table, const Renames& renames);

// What a hypertable or continuous aggregate has of TimescaleDB's settings.
struct RelationSettings {
    const std::optional<Compression>& compression;
    const Policies& policies;
};

// Compression settings and policies of one hypertable or aggregate; `old` is
// null for a relation created now.
void diff_timescale_settings(const Schema& to, const std::string& relation, bool is_aggregate,
                             const RelationSettings* old, const RelationSettings& now, Output& out,
                             bool chunk_interval_changed = false);

// Grants on every object; `recreated`: names of objects this migration drops
// and creates again, which lost theirs (grant_diff.cpp).
void diff_grants(const Schema& from, const Schema& to, const Renames& renames, const std::set<std::string>& recreated,
                 Output& out);

// User-defined jobs (job_diff.cpp).
void diff_jobs(const Schema& from, const Schema& to, Output& out);
// Reference data rows (data_diff.cpp).
void diff_table_data(const Schema& from, const Schema& to, Output& out);
// Data migrations (backfill_diff.cpp).
void diff_backfills(const Schema& from, const Schema& to, Output& out);
// Standalone sequences (sequence_diff.cpp).
void diff_sequences(const Schema& from, const Schema& to, const Renames& renames, Output& out);

// Functions and procedures; returns the names of those dropped and created
// again (their triggers must be too).
std::set<std::string> diff_functions(const Schema& from, const Schema& to, Output& out);
// What makes a trigger be dropped and created again although its definition
// stays: its function is re-created, or (with a WHEN or UPDATE OF) a column
// of its table changes shape ("cannot alter type of a column used in a
// trigger definition").
struct TriggerRebuilds {
    std::set<std::string> functions;
    std::set<std::string> reshaped_tables;
};
// The triggers of one table; old_table is null when the table is created
// (a dropped table's triggers go with it).
void diff_triggers(const Schema& from, const Table* old_table, const Schema& to, const Table& table,
                   const TriggerRebuilds& rebuilds, Output& out);

// The escape hatch's objects: `down` of those gone or changed, `up` of
// those new or changed, and both for those whose dependencies are created
// again in this migration (`recreated`: names of views, aggregates, functions).
void diff_raw_sql(const Schema& from, const Schema& to, const std::set<std::string>& recreated, Output& out);

void drop_view(const Schema& from, const View& view, Output& out);
void create_view(const Schema& to, const View& view, Output& out);
void comment_view(const Schema& to, const View& old, const View& view, Output& out);

// The parts of an aggregate that TimescaleDB cannot change in place.
std::string aggregate_definition(const Schema& schema, const ContinuousAggregate& aggregate);
// What a view is created from, comments aside: a change re-creates it (a
// materialized view with its indexes).
std::string view_definition(const View& view);
void drop_aggregate(const Schema& from, const ContinuousAggregate& aggregate, bool to_recreate, Output& out);
void create_aggregate(const Schema& to, const ContinuousAggregate& aggregate, Output& out);

// Whether a rebuilt aggregate can take over the old one's buckets that its
// source no longer has rows for (aggregate_history.cpp).
struct HistoryCarry {
    std::string old_name;                         // the old aggregate's, which is set aside
    std::optional<emit::CarriedColumns> carried;  // nullopt: none can be
    std::string lost;                             // what is lost or left NULL, in words; "" when nothing
};
HistoryCarry plan_history_carry(const Schema& to, const ContinuousAggregate& old, const ContinuousAggregate& now,
                                const Renames& renames);

// A rebuild that keeps history: the old aggregate set aside (in the drop
// stage, dependants first), the new one created, refreshed and given the old
// buckets it can take, then the old one dropped (dependants first again).
void set_aggregate_aside(const Schema& from, const ContinuousAggregate& old, const HistoryCarry& carry, Output& out);
void rebuild_aggregate(const Schema& to, const ContinuousAggregate& aggregate, const HistoryCarry& carry, Output& out);
// New columns at an aggregate's end, in place (TimescaleDB 2.28's ADD COLUMN),
// then a refresh from the source's first row that fills them where it can.
void add_aggregate_columns(const Schema& to, const ContinuousAggregate& aggregate,
                           const std::vector<AggregateColumn>& added, Output& out);
// `renamed_from`: ALTER MATERIALIZED VIEW ... RENAME TO, its buckets, jobs and grants kept.
void rename_aggregate(const Schema& from, const ContinuousAggregate& old, const ContinuousAggregate& aggregate,
                      Output& out);
void alter_aggregate(const Schema& from, const ContinuousAggregate& old, const Schema& to,
                     const ContinuousAggregate& aggregate, Output& out);

}  // namespace hyperschema::diff
