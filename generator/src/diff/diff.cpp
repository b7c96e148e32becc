// The diff engine: compares two models and plans the statements between them.
// Changes are gathered into stages that run in a fixed order (drops of
// dependants before what they depend on, creations after), so any mix of
// changes applies in one pass.

#include "diff/diff.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "diff/object_diff.hpp"
#include "diff/renames.hpp"
#include "emit/identifiers.hpp"
#include "emit/sql_statements.hpp"
#include "hyperschema/version.hpp"
#include "model/dependencies.hpp"
#include "model/expression_type.hpp"
#include "model/relations.hpp"
#include "sqltext/lexer.hpp"

namespace hyperschema::diff {

bool Plan::destructive() const {
    return std::any_of(changes.begin(), changes.end(), [](const Change& c) { return !c.data_at_risk.empty(); });
}

namespace {

using emit::qualified;
using emit::quote_ident;

// Columns (table -> names) whose enum type is rebuilt: ALTER COLUMN TYPE
// refuses while a view, continuous aggregate or index predicate reads them
// ("cannot alter type of a column used by a view or rule"), so those are
// re-created around it.
std::map<std::string, std::set<std::string>> rebuilt_enum_columns(const Schema& from, const Schema& to) {
    std::map<std::string, std::set<std::string>> out;
    for (const auto& t : to.tables) {
        for (const auto& c : t.columns) {
            if (c.type.base != BaseType::Enum) continue;
            const Enum* old = from.find_enum(c.type.enum_name);
            const Enum* now = to.find_enum(c.type.enum_name);
            if (old && now && enum_rebuilt(*old, *now)) out[t.name].insert(c.name);
        }
    }
    return out;
}

const std::set<std::string>& columns_of(const std::map<std::string, std::set<std::string>>& by_table,
                                        const std::string& table) {
    static const std::set<std::string> kNone;
    auto it = by_table.find(table);
    return it == by_table.end() ? kNone : it->second;
}

class Differ {
public:
    Differ(const Schema& from, const Schema& to, Direction direction)
        : from_(from),
          to_(to),
          renames_(from, to, direction),
          out_(stages_),
          rebuilt_enum_columns_(rebuilt_enum_columns(from, to)) {}

    Plan run() {
        find_recreated_aggregates();
        find_recreated_views();
        extensions_and_enums();
        trigger_rebuilds_.functions = diff_functions(from_, to_, out_);
        diff_sequences(from_, to_, renames_, out_);
        tables();
        views_and_aggregates();
        diff_jobs(from_, to_, out_);
        diff_table_data(from_, to_, out_);
        diff_backfills(from_, to_, out_);
        std::set<std::string> recreated = trigger_rebuilds_.functions;
        recreated.insert(recreated_views_.begin(), recreated_views_.end());
        recreated.insert(recreated_aggregates_.begin(), recreated_aggregates_.end());
        diff_grants(from_, to_, renames_, recreated, out_);  // those dropped and created again lost theirs
        // A table whose columns change shape: a view of the raw SQL that reads
        // it would keep ALTER COLUMN from running.
        recreated.insert(trigger_rebuilds_.reshaped_tables.begin(), trigger_rebuilds_.reshaped_tables.end());
        diff_raw_sql(from_, to_, recreated, out_);
        Plan plan;
        for (size_t s = 0; s < stages_.size(); ++s) {
            if (s == static_cast<size_t>(Stage::CreateExtensions) + 1) plan.unqualified_from = plan.changes.size();
            for (auto& change : stages_[s]) plan.changes.push_back(std::move(change));
        }
        if (to_.namespace_ != "public") plan.search_namespace = to_.namespace_;
        plan.unsupported = std::move(out_.unsupported);
        return plan;
    }

private:
    // Aggregates whose definition changed, or that read one that did: they are
    // dropped (children first) and created again (parents first).
    void find_recreated_aggregates() {
        // Parents first, so a change anywhere up a hierarchy reaches every descendant.
        for (const auto& relation : creation_order(to_).relations) {
            const ContinuousAggregate* a = relation.aggregate;
            if (!a) continue;
            const ContinuousAggregate* old = old_aggregate(*a);
            if (!old) continue;
            const bool reshaped = reads_rebuilt_enum(*a) || joins_reshaped_table(*a) || reads_dropped_or_retyped(*old);
            const bool parent_rebuilt = recreated_aggregates_.count(a->source.name) > 0;
            const ContinuousAggregate before = as_renamed(*old, a->name);
            const std::string definition = aggregate_definition(to_, *a);
            const bool changed = aggregate_definition(to_, before) != definition;
            if (!reshaped && !parent_rebuilt && changed) {
                if (auto added = columns_added_in_place(before, *a, definition); !added.empty()) {
                    added_in_place_[a->name] = std::move(added);
                    continue;
                }
            }
            if (reshaped || parent_rebuilt || changed) {
                recreated_aggregates_.insert(a->name);
                if (reshaped) reshaped_aggregates_.insert(a->name);
            }
        }
        // Old parents first: whether an old aggregate can be set aside
        // depends on what becomes of the old parent it reads.
        for (const auto& relation : creation_order(from_).relations) {
            const ContinuousAggregate* old = relation.aggregate;
            const std::string now = old ? renames_.table_in_to(old->name) : "";
            if (now.empty() || !recreated_aggregates_.count(now) || reshaped_aggregates_.count(now)) continue;
            if (keeps_old_parent(*old))
                carries_[now] = plan_history_carry(to_, with_renamed_sql(*old), *to_.find_aggregate(now), renames_);
        }
    }

    // The columns an aggregate gains at its end when nothing else of its
    // definition changes and the schema's databases run TimescaleDB 2.28 or
    // later, which adds them in place (ALTER MATERIALIZED VIEW ... ADD COLUMN):
    // no rebuild. Empty when that does not apply: a column in the middle, an
    // explicit column order, a column without a known type, any other change.
    // `definition` is the new aggregate's aggregate_definition().
    std::vector<AggregateColumn> columns_added_in_place(const ContinuousAggregate& before,
                                                        const ContinuousAggregate& now,
                                                        const std::string& definition) const {
        if (!to_.timescaledb_at_least(kMinTimescaleVersionForAggregateAddColumn)) return {};
        if (now.columns.size() <= before.columns.size() || !now.column_order.empty() || !before.column_order.empty())
            return {};
        ContinuousAggregate extended = before;
        std::vector<AggregateColumn> added(now.columns.begin() + static_cast<long>(before.columns.size()),
                                           now.columns.end());
        // ADD COLUMN gives the column the type it names, where a fresh build
        // gives it the expression's own: in place only where the two agree.
        const RelationShape source = from_shape(to_, now);
        for (const auto& c : added) {
            if (!c.type || infer_expression_type(c.expression, source) != c.type) return {};
            extended.columns.push_back(c);
        }
        if (aggregate_definition(to_, extended) != definition) return {};
        return added;
    }

    // The old aggregate cannot stay beside the new one while a column it
    // reads changes type ("cannot alter type of a column used by a view"),
    // nor while the old parent it reads is dropped: then it is dropped too,
    // not set aside. Its old parent stays when kept, renamed or set aside.
    bool keeps_old_parent(const ContinuousAggregate& old) const {
        if (!from_.find_aggregate(old.source.name)) return true;  // it reads a hypertable
        const std::string parent = renames_.table_in_to(old.source.name);
        return !parent.empty() && (!recreated_aggregates_.count(parent) || carries_.count(parent));
    }

    // Whether the aggregate reads a column whose enum type is rebuilt, of its
    // source or of a table it joins.
    bool reads_rebuilt_enum(const ContinuousAggregate& a) const {
        const std::string text = sql_of(a);
        std::vector<std::string> relations{a.source.name};
        for (const auto& j : a.joins) relations.push_back(j.table.name);
        for (const auto& relation : relations) {
            auto it = rebuilt_enum_columns_.find(relation);
            if (it != rebuilt_enum_columns_.end() && sqltext::mentions_any(text, it->second)) return true;
        }
        return false;
    }

    // The SQL an aggregate's definition is made of, for "does it read column x".
    static std::string sql_of(const ContinuousAggregate& a) {
        std::string text = a.where;
        for (const auto& g : a.group_by) text += " " + (g.is_column() ? g.name : g.expression);
        for (const auto& c : a.columns) text += " " + c.expression;
        for (const auto& j : a.joins) text += " " + j.on;
        return text;
    }

    // Whether the aggregate reads a column of a joined table whose type,
    // collation or generation changes: PostgreSQL refuses to alter a column
    // a view reads, so the aggregate goes first and comes back last.
    bool joins_reshaped_table(const ContinuousAggregate& a) const {
        const std::string text = sql_of(a);
        for (const auto& j : a.joins) {
            const Table* table = to_.find_table(j.table.name);
            const std::string old_name = table ? renames_.table_in_from(table->name) : "";
            if (old_name.empty()) continue;
            if (sqltext::mentions_any(text, retyped_columns(*from_.find_table(old_name), *table, renames_)))
                return true;
        }
        return false;
    }

    // Whether the old aggregate reads a table this migration drops, or a
    // column of one that it drops or retypes: PostgreSQL refuses either
    // while the old aggregate exists, so it cannot be kept aside.
    bool reads_dropped_or_retyped(const ContinuousAggregate& old) const {
        std::vector<std::string> relations{old.source.name};
        for (const auto& j : old.joins) relations.push_back(j.table.name);
        const std::string text = sql_of(old);
        for (const auto& relation : relations) {
            const Table* old_table = from_.find_table(relation);
            if (!old_table) continue;  // an aggregate
            const std::string now_name = renames_.table_in_to(relation);
            const Table* table = now_name.empty() ? nullptr : to_.find_table(now_name);
            if (!table) return true;
            // By their old names, as the old aggregate's text reads them.
            const std::set<std::string> retyped = retyped_columns(*old_table, *table, renames_);
            std::set<std::string> changed;
            for (const auto& c : old_table->columns) {
                const std::string now = renames_.column_in_to(relation, c.name);
                if (now.empty() || retyped.count(now)) changed.insert(c.name);
            }
            // The time column is read by the bucket, which the text above leaves out.
            const std::string time = old_table->hypertable ? old_table->hypertable->time_column.name : "";
            if (sqltext::mentions_any(text, changed) || (!time.empty() && changed.count(time))) return true;
        }
        return false;
    }

    // Tables whose columns change shape: an enum rebuilt under them, or a
    // column's type changed.
    std::set<std::string> reshaped_tables() const {
        std::set<std::string> reshaped;
        for (const auto& [table, columns] : rebuilt_enum_columns_) reshaped.insert(table);
        for (const auto& t : to_.tables) {
            std::string old = renames_.table_in_from(t.name);
            if (!old.empty() && columns_reshaped(*from_.find_table(old), t, renames_)) reshaped.insert(t.name);
        }
        return reshaped;
    }

    // Views whose SQL changed, that read a recreated object, or that read a
    // table whose columns change shape: PostgreSQL ties a view to the columns
    // it read, so such views are dropped first and created again last.
    void find_recreated_views() {
        const std::set<std::string> reshaped = reshaped_tables();
        bool grew = true;
        while (grew) {
            grew = false;
            for (const auto& v : to_.views) {
                if (recreated_views_.count(v.name) || !from_.find_view(v.name)) continue;
                bool changed = view_definition(*from_.find_view(v.name)) != view_definition(v);
                const bool star = selects_star(v.sql);
                for (const auto& dep : view_dependencies(to_, v)) {
                    changed = changed || reshaped.count(dep) || recreated_views_.count(dep) ||
                              recreated_aggregates_.count(dep) || renames_.table_renamed(dep) ||
                              (star && gains_columns(dep));
                }
                if (changed) {
                    recreated_views_.insert(v.name);
                    grew = true;
                }
            }
        }
    }

    // PostgreSQL expands a view's `*` when the view is created: a column
    // the table gains later is not in the view until it is created again.
    static bool selects_star(const std::string& sql) {
        std::string error;
        auto tokens = sqltext::lex(sql, &error);
        if (!tokens) return false;
        for (size_t i = 0; i < tokens->size(); ++i) {
            if ((*tokens)[i].text != "*" || i == 0) continue;
            const sqltext::Token& before = (*tokens)[i - 1];
            if (before.kind == sqltext::TokenKind::Comma || before.kind == sqltext::TokenKind::Dot ||
                sqltext::is_word(before, "select") || sqltext::is_word(before, "distinct"))
                return true;
        }
        return false;
    }

    bool gains_columns(const std::string& relation) const {
        const Table* table = to_.find_table(relation);
        const std::string old = table ? renames_.table_in_from(relation) : "";
        if (old.empty()) return false;
        for (const auto& c : table->columns)
            if (renames_.column_in_from(relation, c.name).empty()) return true;
        return false;
    }

    void extensions_and_enums() {
        diff_namespace(from_, to_, out_);
        diff_extensions(from_, to_, out_);
        diff_enums(from_, to_, out_);
        diff_domains(from_, to_, out_);
    }

    void tables() {
        CreationOrder to_order = creation_order(to_);
        CreationOrder from_order = creation_order(from_);
        // Dropped tables, dependants first.
        std::set<std::string> dropped;
        for (auto it = from_order.tables.rbegin(); it != from_order.tables.rend(); ++it) {
            if (!renames_.table_in_to((*it)->name).empty()) continue;
            drop_table(from_, **it, dropped, out_);
            dropped.insert((*it)->name);
        }
        std::set<std::string> existing;
        for (const Table* t : to_order.tables) {
            std::string old = renames_.table_in_from(t->name);
            if (!old.empty()) existing.insert(t->name);
        }
        for (const Table* t : to_order.tables) {
            std::string old = renames_.table_in_from(t->name);
            if (old.empty()) {
                create_table(to_, *t, existing, out_);
                existing.insert(t->name);
                diff_triggers(from_, nullptr, to_, *t, trigger_rebuilds_, out_);
            } else {
                const Table& old_table = *from_.find_table(old);
                alter_table(from_, old_table, to_, *t, renames_, columns_of(rebuilt_enum_columns_, t->name), out_);
                if (columns_reshaped(old_table, *t, renames_) || rebuilt_enum_columns_.count(t->name))
                    trigger_rebuilds_.reshaped_tables.insert(t->name);
                diff_triggers(from_, &old_table, to_, *t, trigger_rebuilds_, out_);
            }
        }
    }

    // Views and aggregates in one dependency order, as a view may read an
    // aggregate: dropped dependants first, created parents first.
    void views_and_aggregates() {
        CreationOrder from_order = creation_order(from_);
        for (auto it = from_order.relations.rbegin(); it != from_order.relations.rend(); ++it) {
            if (const View* v = it->view) {
                if (!to_.find_view(v->name) || recreated_views_.count(v->name)) drop_view(from_, *v, out_);
            } else if (const ContinuousAggregate* a = it->aggregate) {
                const std::string now = renames_.table_in_to(a->name);
                if (now.empty()) drop_aggregate(from_, *a, false, out_);
                if (!recreated_aggregates_.count(now)) continue;
                if (const HistoryCarry* carry = carry_of(now)) {
                    set_aggregate_aside(from_, *a, *carry, out_);
                } else {
                    drop_aggregate(from_, *a, true, out_);
                }
            }
        }
        for (const auto& relation : creation_order(to_).relations) {
            if (const View* v = relation.view) {
                const View* old = from_.find_view(v->name);
                if (!old || recreated_views_.count(v->name)) {
                    create_view(to_, *v, out_);
                } else {
                    comment_view(to_, *old, *v, out_);
                }
            } else if (const ContinuousAggregate* a = relation.aggregate) {
                const ContinuousAggregate* old = old_aggregate(*a);
                if (const HistoryCarry* carry = old ? carry_of(a->name) : nullptr) {
                    rebuild_aggregate(to_, *a, *carry, out_);
                } else if (!old || recreated_aggregates_.count(a->name)) {
                    create_aggregate(to_, *a, out_);
                } else {
                    if (old->name != a->name) rename_aggregate(from_, *old, *a, out_);
                    if (auto added = added_in_place_.find(a->name); added != added_in_place_.end())
                        add_aggregate_columns(to_, *a, added->second, out_);
                    alter_aggregate(to_, as_renamed(*old, a->name), to_, *a, out_);
                }
            }
        }
    }

    // The aggregate in the old state, under its old name when renamed.
    const ContinuousAggregate* old_aggregate(const ContinuousAggregate& a) const {
        const std::string old = renames_.table_in_from(a.name);
        return old.empty() ? nullptr : from_.find_aggregate(old);
    }

    // The old aggregate as the new state would write it: under its new name,
    // reading its source and joined tables by their new names (PostgreSQL
    // follows a renamed relation, so only a real change rebuilds it).
    ContinuousAggregate as_renamed(const ContinuousAggregate& old, const std::string& name) const {
        ContinuousAggregate out = with_renamed_sql(old);
        out.name = name;
        auto renamed = [&](std::string& relation) {
            if (std::string now = renames_.table_in_to(relation); !now.empty()) relation = now;
        };
        renamed(out.source.name);
        for (auto& j : out.joins) renamed(j.table.name);
        return out;
    }

    // The aggregate's SQL (WHERE, join conditions, group-by expressions,
    // column expressions) with the tables and columns it reads named as the
    // new state names them: the server follows those renames by itself.
    ContinuousAggregate with_renamed_sql(const ContinuousAggregate& old) const {
        ContinuousAggregate out = old;
        std::vector<std::string> read{old.source.name};
        for (const auto& j : old.joins) read.push_back(j.table.name);
        auto renamed = [&](std::string& sql) {
            if (!sql.empty()) sql = renames_.sql_in_to(sql, read);
        };
        renamed(out.where);
        for (auto& j : out.joins) renamed(j.on);
        for (auto& g : out.group_by)
            if (!g.is_column()) renamed(g.expression);
        for (auto& c : out.columns) renamed(c.expression);
        return out;
    }

    // How a rebuilt aggregate keeps its history: nullptr when it is dropped
    // and created again instead.
    const HistoryCarry* carry_of(const std::string& aggregate) const {
        auto it = carries_.find(aggregate);
        return it == carries_.end() ? nullptr : &it->second;
    }

    const Schema& from_;
    const Schema& to_;
    Renames renames_;
    std::vector<std::vector<Change>> stages_;
    Output out_;
    const std::map<std::string, std::set<std::string>> rebuilt_enum_columns_;
    std::set<std::string> recreated_aggregates_;
    std::set<std::string> reshaped_aggregates_;  // recreated, and dropped rather than set aside
    std::map<std::string, HistoryCarry> carries_;
    std::map<std::string, std::vector<AggregateColumn>> added_in_place_;  // aggregates that gain columns in place
    std::set<std::string> recreated_views_;
    TriggerRebuilds trigger_rebuilds_;
};

}  // namespace

Plan diff_schemas(const Schema& from, const Schema& to, Direction direction) {
    return Differ(from, to, direction).run();
}

}  // namespace hyperschema::diff
