// Tables: creation, drops, renames, columns, constraints, indexes, and the
// hypertable settings that live on a table.

#include <algorithm>
#include <map>
#include <set>

#include "catalog/column_types.hpp"
#include "diff/object_diff.hpp"
#include "emit/identifiers.hpp"
#include "emit/sql_statements.hpp"
#include "sqltext/lexer.hpp"

namespace hyperschema::diff {

using emit::qualified;
using emit::quote_ident;
using emit::quote_literal;

Change& Output::add(Stage stage, std::string summary, std::string sql, Phase phase, SourceLocation loc) {
    Change change;
    change.summary = std::move(summary);
    change.statements.push_back({std::move(sql), phase});
    change.loc = std::move(loc);
    auto& bucket = stages_[static_cast<size_t>(stage)];
    bucket.push_back(std::move(change));
    return bucket.back();
}

namespace {

std::string alter_table_prefix(const Schema& s, const std::string& table) {
    return "ALTER TABLE " + qualified(s.namespace_, table) + " ";
}

// A copy of the old table expressed in the new names, so that definitions
// can be compared as text: a renamed column keeps its indexes and constraints.
Table in_new_names(const Schema& from, const Table& old, const std::string& new_name, const Renames& renames) {
    Table t = old;
    auto rename = [&](std::string& column) {
        std::string n = renames.column_in_to(old.name, column);
        if (!n.empty()) column = n;
    };
    auto rename_refs = [&](std::vector<NameRef>& refs) {
        for (auto& r : refs) rename(r.name);
    };
    t.name = new_name;
    for (auto& c : t.columns) rename(c.name);
    if (t.primary_key) {
        rename_refs(t.primary_key->columns);
        rename_refs(t.primary_key->include);
    }
    for (auto& u : t.uniques) {
        rename_refs(u.columns);
        rename_refs(u.include);
    }
    for (auto& x : t.exclusions) {
        for (auto& e : x.elements)
            if (!e.key.is_expression()) rename(e.key.column);
        rename_refs(x.include);
    }
    for (auto& fk : t.foreign_keys) {
        rename_refs(fk.columns);
        // Spell out the referenced key, which the target's new name cannot find in `from`.
        const Table* old_target = from.find_table(fk.ref_table.name);
        if (fk.ref_columns.empty() && old_target && old_target->primary_key)
            fk.ref_columns = old_target->primary_key->columns;
        std::string target = renames.table_in_to(fk.ref_table.name);
        if (!target.empty()) {
            for (auto& rc : fk.ref_columns) {
                std::string n = renames.column_in_to(fk.ref_table.name, rc.name);
                if (!n.empty()) rc.name = n;
            }
            fk.ref_table.name = target;
        }
    }
    for (auto& i : t.indexes) {
        i.table = new_name;
        for (auto& k : i.keys) {
            if (!k.is_expression()) rename(k.column);
        }
        rename_refs(i.include);
    }
    if (t.hypertable) {
        rename(t.hypertable->time_column.name);
        for (auto& d : t.hypertable->dimensions) rename(d.column.name);
        rename_refs(t.hypertable->chunk_skipping);
        if (t.hypertable->compression) {
            rename_refs(t.hypertable->compression->segment_by);
            for (auto& k : t.hypertable->compression->order_by) rename(k.column);
        }
    }
    return t;
}

bool compression_uses(const Table& t, const std::string& column) {
    if (!t.hypertable || !t.hypertable->compression) return false;
    const Compression& c = *t.hypertable->compression;
    return std::any_of(c.segment_by.begin(), c.segment_by.end(), [&](const NameRef& s) { return s.name == column; }) ||
           std::any_of(c.order_by.begin(), c.order_by.end(), [&](const KeyPart& k) { return k.column == column; });
}

// A serial or identity column's sequence is named after its table and column
// when created; a rename of either renames it, so that the database stays as
// a fresh build of the schema would make it.
void rename_own_sequence(const Schema& from, const Table& old_table, const Column& old, const Table& table,
                         const Column& column, Output& out) {
    if (!(old.serial || old.identity) || !(column.serial || column.identity)) return;
    const std::string was = old.serial_sequence(old_table.name), now = column.serial_sequence(table.name);
    if (was == now) return;
    out.add(Stage::Renames, "~ sequence " + was + " renamed to " + now,
            "ALTER SEQUENCE " + qualified(from.namespace_, was) + " RENAME TO " + quote_ident(now) + ";\n",
            Phase::Transaction, column.loc);
}

bool compressed(const Table& t) {
    return t.hypertable && t.hypertable->compression;
}

// What the database does for the column on insert changes: serial, identity
// or generated comes or goes. Removals run before the column's new default is
// set, additions after (an identity needs the column NOT NULL and without a
// default). A generated column whose expression changes is dropped and added
// again: PostgreSQL before 17 cannot alter the expression.
class ValueSourceDiff {
public:
    ValueSourceDiff(const Table& old_table, const Column& old, const Schema& to, const Table& table,
                    const Column& column, Output& out)
        : old_table_(old_table), old_(old), to_(to), table_(table), column_(column), out_(out) {}

    bool changed() const {
        return old_.value_source() != column_.value_source() || old_.generated != column_.generated ||
               old_.identity != column_.identity || (column_.serial && old_.type != column_.type);
    }
    // TimescaleDB refuses these on a hypertable with compression enabled.
    bool refused_by_compression() {
        if (!changed() || !compressed(old_table_)) return false;
        out_.unsupported_change(column_.loc, "column `" + what() +
                                                 "` changes its serial, identity or generated setting, but its "
                                                 "hypertable has compression enabled, which TimescaleDB refuses "
                                                 "(\"operation not supported on hypertables that have columnstore "
                                                 "enabled\"); turn compression off in one migration, change the "
                                                 "column in the next, and turn it on again");
        return true;
    }
    void removals() {
        const ValueSource was = old_.value_source(), now = column_.value_source();
        if (was == ValueSource::Serial && now != ValueSource::Serial) {
            add("~ column " + what() + ": no longer serial",
                prefix() + "ALTER COLUMN " + col() + " DROP DEFAULT;\nDROP SEQUENCE " +
                    qualified(to_.namespace_, old_.serial_sequence(old_table_.name)) + ";\n");
        }
        if (was == ValueSource::Identity && now != ValueSource::Identity)
            add("~ column " + what() + ": no longer an identity",
                prefix() + "ALTER COLUMN " + col() + " DROP IDENTITY;\n");
        if (was == ValueSource::Generated && now == ValueSource::Row)
            add("~ column " + what() + ": no longer generated (keeps its values)",
                prefix() + "ALTER COLUMN " + col() + " DROP EXPRESSION;\n");
    }
    void additions() {
        const ValueSource was = old_.value_source(), now = column_.value_source();
        const std::string table = qualified(to_.namespace_, table_.name);
        if (now == ValueSource::Serial && was != ValueSource::Serial) {
            const std::string sequence = qualified(to_.namespace_, column_.serial_sequence(table_.name));
            add("~ column " + what() + ": serial", "CREATE SEQUENCE " + sequence + " AS " + column_.type.sql() +
                                                       " OWNED BY " + table + "." + col() + ";\n" + prefix() +
                                                       "ALTER COLUMN " + col() + " SET DEFAULT nextval(" +
                                                       emit::quote_literal(sequence) + "::regclass);\n" +
                                                       past_existing_values(emit::quote_literal(sequence)));
        } else if (now == ValueSource::Serial && old_.type != column_.type) {
            add("~ column " + what() + ": its sequence becomes " + column_.type.sql(),
                "ALTER SEQUENCE " + qualified(to_.namespace_, column_.serial_sequence(table_.name)) + " AS " +
                    column_.type.sql() + ";\n");
        }
        if (now == ValueSource::Identity && was != ValueSource::Identity) {
            const std::string sequence =
                "pg_get_serial_sequence(" + emit::quote_literal(table) + ", " + emit::quote_literal(column_.name) + ")";
            add("~ column " + what() + ": identity",
                prefix() + "ALTER COLUMN " + col() + " ADD " + emit::identity_sql(*column_.identity, column_.type) +
                    ";\n" + (column_.identity->sequence.start ? "" : past_existing_values(sequence)));
        } else if (now == ValueSource::Identity && old_.identity != column_.identity) {
            add("~ column " + what() + ": identity settings",
                prefix() + "ALTER COLUMN " + col() + " SET GENERATED " +
                    (column_.identity->always ? "ALWAYS " : "BY DEFAULT ") +
                    emit::sequence_options_sql(column_.identity->sequence, column_.type,
                                               emit::SequenceClause::AlterIdentity) +
                    ";\n");
        }
    }
    // A generated column whose expression is new or changed: dropped and added
    // again. True when it did, so that the caller compares nothing else.
    bool recreated() {
        const ValueSource now = column_.value_source();
        if (now != ValueSource::Generated || old_.generated == column_.generated) return false;
        if (const std::string user = keyed_by_column(); !user.empty()) {
            out_.unsupported_change(
                column_.generated_loc,
                "generated column `" + what() +
                    "` changes its expression, which drops and adds the "
                    "column again (PostgreSQL before 17 cannot alter it), but " +
                    user +
                    " uses it and would go with it; drop that in one migration, change the column in "
                    "the next, and add it back");
            return true;
        }
        Change& drop = out_.add(Stage::DropColumns, "- column " + what() + " (to be generated again)",
                                prefix() + "DROP COLUMN " + col() + ";\n", Phase::Transaction, column_.loc);
        if (old_.value_source() != ValueSource::Generated) {
            drop.data_at_risk = "every value of column " + what() + " (replaced by its generated expression's)";
            drop.irreversible = "the values of column " + what() + " before it was generated";
        }
        out_.add(Stage::OwnSequences, "+ column " + what() + " (generated: " + column_.generated + ")",
                 prefix() + "ADD COLUMN " + emit::column_definition(to_, column_) + ";\n" +
                     emit::column_comment(to_, table_.name, column_),
                 Phase::Transaction, column_.generated_loc);
        return true;
    }

private:
    // An index or constraint of the table on the column, named; "" for none.
    std::string keyed_by_column() const {
        const std::set<std::string> name{column_.name};
        auto on = [&](const std::vector<NameRef>& columns) {
            return std::any_of(columns.begin(), columns.end(),
                               [&](const NameRef& c) { return c.name == column_.name; });
        };
        for (const auto& i : table_.indexes) {
            bool uses = on(i.include) || sqltext::mentions_any(i.where, name);
            for (const auto& k : i.keys)
                uses = uses || k.column == column_.name || sqltext::mentions_any(k.expression, name);
            if (uses) return "index `" + i.name + "`";
        }
        if (table_.primary_key && on(table_.primary_key->columns)) return "the primary key";
        for (const auto& u : table_.uniques)
            if (on(u.columns) || on(u.include)) return "unique constraint `" + u.name + "`";
        for (const auto& f : table_.foreign_keys)
            if (on(f.columns)) return "foreign key `" + f.name + "`";
        for (const auto& c : table_.checks)
            if (sqltext::mentions_any(c.expression, name)) return "check `" + c.name + "`";
        return "";
    }
    std::string what() const { return table_.name + "." + column_.name; }
    std::string col() const { return quote_ident(column_.name); }
    std::string prefix() const { return alter_table_prefix(to_, table_.name); }
    void add(std::string summary, std::string sql) {
        out_.add(Stage::AlterColumns, std::move(summary), std::move(sql), Phase::Transaction, column_.loc);
    }
    // The sequence continues after the values the rows already have, so the
    // next insert does not collide with them.
    std::string past_existing_values(const std::string& sequence) const {
        return "SELECT setval(" + sequence + ", max(" + col() + ")) FROM " + qualified(to_.namespace_, table_.name) +
               " HAVING max(" + col() + ") IS NOT NULL;\n";
    }

    const Table& old_table_;
    const Column& old_;
    const Schema& to_;
    const Table& table_;
    const Column& column_;
    Output& out_;
};

// TimescaleDB refuses ALTER COLUMN ... TYPE while compressed chunks exist
// ("operation not supported on hypertables with compressed chunks"): before
// the transaction they are decompressed one chunk at a time (each committed,
// so a stopped migration resumes from the next), again inside it for any the
// compression policy made meanwhile, and after it the policy's job runs once
// to compress them again.
// Before the transaction the table has its old name (a rename comes inside).
void decompress_for_retype(const Schema& from, const Table& old, const Schema& to, const Table& table, Output& out) {
    const std::string name = table.name;
    out.add(Stage::AlterColumns, "~ hypertable " + name + ": compressed chunks decompressed, one at a time",
            emit::decompress_chunks_one_by_one(from, old.name), Phase::BeforeTransaction);
    out.add(Stage::AlterColumns, "~ hypertable " + name + ": chunks compressed meanwhile decompressed",
            emit::decompress_chunks(to, name));
    if (compressed(table) && table.hypertable->policies.find(PolicyKind::Compression))
        out.add(Stage::AddPolicies, "~ hypertable " + name + ": compression policy run once",
                emit::run_policy_job(to, name, PolicyKind::Compression), Phase::AfterTransaction);
}

void diff_columns(const Schema& from, const Table& old, const Schema& to, const Table& table, const Renames& renames,
                  Output& out) {
    const std::string prefix = alter_table_prefix(to, table.name);
    bool decompressed = false;
    for (const auto& c : table.columns) {
        std::string old_name = renames.column_in_from(table.name, c.name);
        const std::string what = table.name + "." + c.name;
        if (old_name.empty() && c.assigned_by_database() && compressed(old)) {
            out.unsupported_change(c.loc, "new column `" + what +
                                              "` is serial, an identity or generated, but its hypertable has "
                                              "compression enabled, which TimescaleDB refuses (\"cannot add column "
                                              "with constraints to a hypertable that has columnstore enabled\"); "
                                              "turn compression off in one migration, add the column in the next, "
                                              "and turn it on again");
            continue;
        }
        if (old_name.empty()) {
            Change& ch = out.add(Stage::AlterColumns, "+ column " + what,
                                 prefix + "ADD COLUMN " + emit::column_definition(to, c) + ";\n" +
                                     emit::column_comment(to, table.name, c),
                                 Phase::Transaction, c.loc);
            if (!c.nullable && c.default_value.kind == ColumnDefault::Kind::None) {
                ch.irreversible = "";
                ch.summary += " (NOT NULL without a default: fails if the table has rows)";
            }
            continue;
        }
        const Column& o = *old.find_column(old_name);
        if (old_name != c.name) {
            out.add(Stage::Renames, "~ column " + table.name + "." + old_name + " renamed to " + c.name,
                    prefix + "RENAME COLUMN " + quote_ident(old_name) + " TO " + quote_ident(c.name) + ";\n",
                    Phase::Transaction, c.loc);
        }
        rename_own_sequence(from, old, o, table, c, out);
        ValueSourceDiff sources(old, o, to, table, c, out);
        if (sources.refused_by_compression()) continue;
        if (sources.recreated()) continue;
        const std::string col = quote_ident(c.name);
        const std::string old_type = emit::column_type_sql(from, o.type), new_type = emit::column_type_sql(to, c.type);
        if (old_type != new_type || o.collation != c.collation) {
            // Also when compression goes off in this migration: that comes later.
            if (compressed(old) && !decompressed) {
                decompress_for_retype(from, old, to, table, out);
                decompressed = true;
            }
            // COLLATE "default" takes the type's collation back.
            const std::string collate = o.collation == c.collation
                                            ? ""
                                            : " COLLATE " + quote_ident(c.collation.empty() ? "default" : c.collation);
            Change& ch =
                out.add(Stage::AlterColumns, "~ column " + what + ": " + old_type + " -> " + new_type + collate,
                        prefix + "ALTER COLUMN " + col + " TYPE " + new_type + collate + " USING " + col +
                            "::" + new_type + ";\n",
                        Phase::Transaction, c.type_loc);
            if (narrows(o.type, c.type)) {
                ch.data_at_risk =
                    "values of " + what + " that do not fit " + new_type + " (the change narrows " + old_type + ")";
            }
        }
        // The column's own NOT NULL: a column of a NOT NULL domain has none,
        // one of a primary key always has it.
        const bool was_not_null = from.column_not_null(o) || old.in_primary_key(o.name);
        const bool not_null = to.column_not_null(c) || table.in_primary_key(c.name);
        if (was_not_null != not_null) {
            out.add(Stage::AlterColumns, "~ column " + what + (not_null ? ": set NOT NULL" : ": drop NOT NULL"),
                    prefix + "ALTER COLUMN " + col + (not_null ? " SET NOT NULL" : " DROP NOT NULL") + ";\n",
                    Phase::Transaction, c.loc);
        }
        sources.removals();
        const std::string old_default = emit::default_expression(o), new_default = emit::default_expression(c);
        if (old_default != new_default) {
            out.add(Stage::AlterColumns,
                    "~ column " + what + ": default " + (new_default.empty() ? "dropped" : new_default),
                    prefix + "ALTER COLUMN " + col +
                        (new_default.empty() ? " DROP DEFAULT" : " SET DEFAULT " + new_default) + ";\n",
                    Phase::Transaction, c.loc);
        }
        sources.additions();
        if (o.comment != c.comment) {
            out.add(Stage::AlterColumns, "~ comment on column " + what,
                    emit::set_comment("COLUMN " + qualified(to.namespace_, table.name) + "." + col, c.comment));
        }
    }
    for (const auto& o : old.columns) {
        if (!renames.column_in_to(old.name, o.name).empty()) continue;
        if (compression_uses(old, o.name)) {
            out.unsupported_change(table.loc,
                                   "column `" + old.name + "." + o.name +
                                       "` is a compression segment_by/order_by column; TimescaleDB refuses to "
                                       "drop it (\"cannot drop orderby or segmentby column from a hypertable "
                                       "with columnstore enabled\"): remove it from `compression` in one "
                                       "migration and drop it in the next");
            continue;
        }
        Change& ch = out.add(Stage::DropColumns, "- column " + table.name + "." + o.name,
                             prefix + "DROP COLUMN " + quote_ident(o.name) + ";\n", Phase::Transaction, table.loc);
        ch.data_at_risk = "every value of column " + table.name + "." + o.name;
        ch.irreversible = "the values of column " + table.name + "." + o.name + " (the column comes back empty)";
    }
}

// Drops run before the renames of a migration, so they name the table by its
// old name; additions and renames of constraints run after, under the new one.
// Whether a foreign key's referenced keys are the same on both sides; a side
// that cannot name them (its target renamed, found under another name) does
// not count as a change.
bool same_referenced_keys(const emit::ConstraintSql& a, const emit::ConstraintSql& b) {
    return a.referenced_index == b.referenced_index || a.referenced_index.empty() || b.referenced_index.empty();
}

void diff_constraints(const Schema& from, const std::string& old_table, const Table& old_named, const Schema& to,
                      const Table& table, Output& out) {
    auto old_list = emit::table_constraints(from, old_named);
    auto new_list = emit::table_constraints(to, table);
    auto find = [](const std::vector<emit::ConstraintSql>& list, const std::string& name) {
        auto it = std::find_if(list.begin(), list.end(), [&](const emit::ConstraintSql& c) { return c.name == name; });
        return it == list.end() ? nullptr : &*it;
    };
    // Same definition under a new name (a derived name after a rename): rename it.
    std::set<std::string> renamed_old, renamed_new;
    std::map<std::string, const emit::ConstraintSql*> kept;  // by new name: the old one it stays (renamed or not)
    for (const auto& n : new_list) {
        if (find(old_list, n.name)) continue;
        for (const auto& o : old_list) {
            if (find(new_list, o.name) || renamed_old.count(o.name) || o.definition != n.definition ||
                !same_referenced_keys(o, n))
                continue;
            out.add(Stage::Renames, "~ constraint " + o.name + " on " + table.name + " renamed to " + n.name,
                    alter_table_prefix(to, table.name) + "RENAME CONSTRAINT " + quote_ident(o.name) + " TO " +
                        quote_ident(n.name) + ";\n");
            renamed_old.insert(o.name);
            renamed_new.insert(n.name);
            kept[n.name] = &o;
            break;
        }
    }
    for (const auto& o : old_list) {
        const auto* n = find(new_list, o.name);
        if ((n && n->definition == o.definition && same_referenced_keys(*n, o)) || renamed_old.count(o.name)) continue;
        Stage stage = o.kind == emit::ConstraintKind::ForeignKey ? Stage::DropForeignKeys : Stage::DropConstraints;
        out.add(stage, "- constraint " + o.name + " on " + old_table,
                alter_table_prefix(from, old_table) + "DROP CONSTRAINT " + quote_ident(o.name) + ";\n");
    }
    for (const auto& n : new_list) {
        const auto* o = find(old_list, n.name);
        if (o && o->definition == n.definition && same_referenced_keys(*o, n)) kept[n.name] = o;
        if (kept.count(n.name)) continue;
        Stage stage = n.kind == emit::ConstraintKind::ForeignKey ? Stage::AddForeignKeys : Stage::AddConstraints;
        out.add(stage, std::string(o ? "~" : "+") + " constraint " + n.name + " on " + table.name,
                alter_table_prefix(to, table.name) + "ADD " + n.clause() + ";\n" +
                    emit::constraint_comment(to, table.name, n),
                Phase::Transaction, n.loc);
    }
    // Kept (or renamed) constraints whose comment changed; the others got theirs above.
    for (const auto& n : new_list) {
        auto o = kept.find(n.name);
        if (o == kept.end() || o->second->comment == n.comment) continue;
        Stage stage = n.kind == emit::ConstraintKind::ForeignKey ? Stage::AddForeignKeys : Stage::AddConstraints;
        out.add(stage, "~ comment on constraint " + n.name + " on " + table.name,
                emit::constraint_comment(to, table.name, n, true), Phase::Transaction, n.loc);
    }
}

// CONCURRENTLY keeps writes flowing while an index builds on a live table; it
// cannot run in a transaction block, so it runs after the migration's.
void add_index(const Schema& to, const Table& table, const Index& index, bool table_exists, Output& out) {
    const std::string summary = "+ index " + index.name + " on " + table.name;
    if (index.concurrently && table_exists && !table.hypertable) {
        out.add(
            Stage::AddIndexes, summary,
            emit::drop_invalid_index(to, index) + emit::create_index(to, table, index, emit::IndexBuild::Concurrently),
            Phase::AfterTransaction, index.loc);
        if (!index.comment.empty())
            out.add(Stage::AddIndexes, "~ comment on index " + index.name, emit::index_comment(to, index),
                    Phase::AfterTransaction, index.loc);
        return;
    }
    out.add(Stage::AddIndexes, summary, emit::create_index(to, table, index) + emit::index_comment(to, index),
            Phase::Transaction, index.loc);
}

// Whether the index's predicate or expressions read one of `columns`: such an
// index holds constants of the column's old type (`kind = 'a'` is
// `kind = 'a'::old_enum`), so ALTER COLUMN TYPE cannot carry it over.
bool reads_columns(const Index& index, const std::set<std::string>& columns) {
    std::string text = index.where;
    for (const auto& key : index.keys) text += " " + key.expression;
    return sqltext::mentions_any(text, columns);
}

void diff_indexes(const Schema& from, const Table& old_named, const Schema& to, const Table& table,
                  const std::set<std::string>& retyped_columns, Output& out) {
    auto find = [](const Table& t, const std::string& name) {
        auto it = std::find_if(t.indexes.begin(), t.indexes.end(), [&](const Index& i) { return i.name == name; });
        return it == t.indexes.end() ? nullptr : &*it;
    };
    auto unchanged = [&](const Index& o, const Index& n) {
        return emit::create_index(to, table, n) == emit::create_index(from, old_named, o) &&
               !reads_columns(n, retyped_columns);
    };
    for (const auto& o : old_named.indexes) {
        const Index* n = find(table, o.name);
        if (n && unchanged(o, *n)) continue;
        out.add(Stage::DropIndexes, "- index " + o.name, "DROP INDEX " + qualified(from.namespace_, o.name) + ";\n");
    }
    for (const auto& n : table.indexes) {
        const Index* o = find(old_named, n.name);
        if (o && unchanged(*o, n)) {
            if (o->comment != n.comment)
                out.add(Stage::AddIndexes, "~ comment on index " + n.name, emit::index_comment(to, n, true),
                        Phase::Transaction, n.loc);
            continue;
        }
        add_index(to, table, n, true, out);
    }
}

// Dimensions by column: a new one is added, a hash dimension's partitions and
// a range dimension's interval change in place (for new chunks); TimescaleDB
// has no way to remove a dimension or change its kind.
void diff_dimensions(const Schema& to, const Table& table, const Hypertable& o, const Hypertable& n, Output& out) {
    const std::string regclass = emit::regclass_literal(to.namespace_, table.name);
    for (const Dimension& before : o.dimensions) {
        auto after = std::find_if(n.dimensions.begin(), n.dimensions.end(),
                                  [&](const Dimension& d) { return d.column.name == before.column.name; });
        if (after == n.dimensions.end() || after->is_hash() != before.is_hash()) {
            out.unsupported_change(after == n.dimensions.end() ? n.loc : after->loc,
                                   "hypertable `" + table.name + "` " +
                                       (after == n.dimensions.end() ? "removes" : "changes the kind of") +
                                       " its dimension on `" + before.column.name +
                                       "`, which TimescaleDB cannot do on an existing hypertable");
        } else if (after->partitions != before.partitions) {
            out.add(Stage::Hypertables,
                    "~ partitions of " + table.name + "." + after->column.name + ": " +
                        std::to_string(after->partitions) + " (new chunks only)",
                    "SELECT set_number_partitions(" + regclass + ", " + std::to_string(after->partitions) + ", " +
                        quote_literal(after->column.name) + ");\n",
                    Phase::Transaction, after->loc);
        } else if (after->interval != before.interval) {
            out.add(Stage::Hypertables,
                    "~ chunk interval of " + table.name + "." + after->column.name + ": " + after->interval->text() +
                        " (new chunks only)",
                    "SELECT set_chunk_time_interval(" + regclass + ", " + after->interval->sql() + ", " +
                        quote_literal(after->column.name) + ");\n",
                    Phase::Transaction, after->interval_loc);
        }
    }
    for (const Dimension& d : n.dimensions) {
        bool existed = std::any_of(o.dimensions.begin(), o.dimensions.end(),
                                   [&](const Dimension& x) { return x.column.name == d.column.name; });
        if (!existed)
            out.add(Stage::Hypertables,
                    std::string("+ ") + (d.is_hash() ? "space" : "range") + " dimension " + table.name + "." +
                        d.column.name,
                    emit::add_dimension(to, table, d), Phase::Transaction, d.loc);
    }
}

// Chunk skipping by column (renames carried): disabled for the columns no
// longer listed (a dropped column takes its own with it), enabled for new ones.
void diff_chunk_skipping(const Schema& to, const Table& table, const Hypertable& o, const Hypertable& n, Output& out) {
    auto listed = [](const Hypertable& h, const std::string& column) {
        return std::any_of(h.chunk_skipping.begin(), h.chunk_skipping.end(),
                           [&](const NameRef& c) { return c.name == column; });
    };
    for (const auto& c : o.chunk_skipping)
        if (!listed(n, c.name) && table.find_column(c.name))
            out.add(Stage::Hypertables, "- chunk skipping on " + table.name + "." + c.name,
                    emit::disable_chunk_skipping(to, table.name, c.name));
    for (const auto& c : n.chunk_skipping)
        if (!listed(o, c.name))
            out.add(Stage::Hypertables, "+ chunk skipping on " + table.name + "." + c.name,
                    emit::enable_chunk_skipping(to, table, c.name), Phase::Transaction, c.loc);
}

void diff_hypertable(const Table& old, const Schema& to, const Table& table, Output& out) {
    const auto& o = old.hypertable;
    const auto& n = table.hypertable;
    if (!o && !n) return;
    if (o && !n) {
        out.unsupported_change(table.loc, "table `" + table.name +
                                              "` stops being a hypertable; TimescaleDB cannot turn a hypertable back "
                                              "into a plain table (copy the data into a new table instead)");
        return;
    }
    if (!o) {
        std::string sql = emit::create_hypertable(to, table, emit::ExistingRows::MoveIntoChunks);
        out.add(Stage::Hypertables, "+ hypertable " + table.name + " (existing rows move into chunks)", sql,
                Phase::Transaction, n->loc);
        diff_timescale_settings(to, table.name, false, nullptr, {n->compression, n->policies}, out);
        return;
    }
    if (o->time_column.name != n->time_column.name) {
        out.unsupported_change(n->time_column.loc, "hypertable `" + table.name +
                                                       "` changes its time column; TimescaleDB cannot repartition an "
                                                       "existing hypertable");
    }
    if (o->chunk_interval != n->chunk_interval) {
        const Column* time = table.find_column(n->time_column.name);
        Interval iv =
            n->chunk_interval.value_or(time ? catalog::default_chunk_interval(time->type) : Interval{0, 7, 0});
        // With a second time dimension, TimescaleDB needs to be told which ("multiple time dimensions").
        const bool several =
            std::any_of(n->dimensions.begin(), n->dimensions.end(), [](const Dimension& d) { return !d.is_hash(); });
        out.add(Stage::Hypertables, "~ chunk interval of " + table.name + ": " + iv.text() + " (new chunks only)",
                "SELECT set_chunk_time_interval(" + emit::regclass_literal(to.namespace_, table.name) + ", " +
                    iv.sql() + (several ? ", " + quote_literal(n->time_column.name) : "") + ");\n",
                Phase::Transaction, n->chunk_interval_loc);
    }
    if (o->integer_now.name != n->integer_now.name) {
        if (n->integer_now.name.empty()) {
            out.unsupported_change(n->loc, "hypertable `" + table.name +
                                               "` no longer names an `integer_now` function (`" + o->integer_now.name +
                                               "`), but TimescaleDB has no way to unset one; keep it");
        } else {
            out.add(Stage::Hypertables, "~ integer_now of " + table.name + ": " + n->integer_now.name,
                    emit::set_integer_now(to, table), Phase::Transaction, n->integer_now.loc);
        }
    }
    diff_dimensions(to, table, *o, *n, out);
    diff_chunk_skipping(to, table, *o, *n, out);
    const RelationSettings before{o->compression, o->policies};
    diff_timescale_settings(to, table.name, false, &before, {n->compression, n->policies}, out,
                            o->chunk_interval != n->chunk_interval);
}

// Whether a modifier change within one type keeps every value: a longer
// length, a larger precision, no modifier at all.
bool modifier_narrows(const ColumnType& a, const ColumnType& b) {
    switch (catalog::traits_of(a.base).modifier) {
        case catalog::Modifier::Length:
            return b.length >= 0 && (a.length < 0 || b.length < a.length);
        case catalog::Modifier::Fractional:
            return b.precision >= 0 && (a.precision < 0 || b.precision < a.precision);
        case catalog::Modifier::PrecisionScale:
            if (b.precision < 0) return false;
            if (a.precision < 0) return true;
            return b.scale < a.scale || b.precision - b.scale < a.precision - a.scale;
        case catalog::Modifier::Shape:  // any shape or SRID takes more than one; another may refuse rows
            return (!b.shape.empty() && b.shape != a.shape) || (b.srid >= 0 && b.srid != a.srid);
        case catalog::Modifier::None:
            return a.enum_name != b.enum_name;  // another enum: labels may not carry over
    }
    return true;
}

}  // namespace

bool narrows(const ColumnType& from, const ColumnType& to) {
    if (from == to) return false;
    if (from.array_dims != to.array_dims) return true;
    const ColumnType a = from.element(), b = to.element();
    if (a.base == b.base) return modifier_narrows(a, b);
    if (a.is_integer() && b.is_integer())
        return catalog::traits_of(b.base).integer_bits < catalog::traits_of(a.base).integer_bits;
    if (a.is_integer() && b.base == BaseType::Numeric) return b.precision >= 0 && b.precision - b.scale < 19;
    if (a.base == BaseType::Real && b.base == BaseType::DoublePrecision) return false;
    // Between text types only the target's length can cut a value.
    if (a.is_text_family() && b.is_text_family()) return b.length >= 0 && (a.length < 0 || b.length < a.length);
    if (a.base == BaseType::Json && b.base == BaseType::Jsonb) return false;
    if (a.base == BaseType::Cidr && b.base == BaseType::Inet) return false;         // every network is an address
    if (a.base == BaseType::Macaddr && b.base == BaseType::Macaddr8) return false;  // widened as EUI-64
    return true;  // another family: the conversion may fail or change values
}

void drop_table(const Schema& from, const Table& table, const std::set<std::string>& dropped_before, Output& out) {
    // A foreign key that closes a cycle, or that needs a unique index the
    // migration may drop (DropIndexes runs before DropTables), goes first.
    for (const auto& fk : table.foreign_keys) {
        if (!dropped_before.count(fk.ref_table.name) && !emit::referenced_index(from, fk)) continue;
        out.add(Stage::DropForeignKeys, "- constraint " + fk.name + " on " + table.name,
                alter_table_prefix(from, table.name) + "DROP CONSTRAINT " + quote_ident(fk.name) + ";\n");
    }
    Change& ch =
        out.add(Stage::DropTables, std::string("- ") + (table.hypertable ? "hypertable " : "table ") + table.name,
                "DROP TABLE " + qualified(from.namespace_, table.name) + ";\n");
    ch.data_at_risk = "every row of table " + table.name;
    ch.irreversible = "the rows of table " + table.name + " (the table comes back empty)";
}

void create_table(const Schema& to, const Table& table, const std::set<std::string>& existing, Output& out) {
    std::vector<const ForeignKey*> deferred;
    std::string sql = emit::create_table_block(to, table, existing, &deferred);
    for (const ForeignKey* fk : deferred) {
        out.add(Stage::AddForeignKeys, "+ constraint " + fk->name + " on " + table.name,
                emit::add_foreign_key(to, table, *fk), Phase::Transaction, fk->loc);
    }
    out.add(Stage::CreateTables, std::string("+ ") + (table.hypertable ? "hypertable " : "table ") + table.name, sql,
            Phase::Transaction, table.loc);
    for (const auto& index : table.indexes) add_index(to, table, index, false, out);
    if (table.hypertable) {
        diff_timescale_settings(to, table.name, false, nullptr,
                                {table.hypertable->compression, table.hypertable->policies}, out);
    }
}

// UNLOGGED and storage parameters change in place: SET LOGGED rewrites the
// table, SET (...) applies to pages written from now on.
void diff_storage(const Table& old, const Schema& to, const Table& table, Output& out) {
    const std::string prefix = alter_table_prefix(to, table.name);
    if (old.unlogged != table.unlogged)
        out.add(Stage::AlterColumns, "~ table " + table.name + (table.unlogged ? ": unlogged" : ": logged"),
                prefix + (table.unlogged ? "SET UNLOGGED" : "SET LOGGED") + ";\n", Phase::Transaction, table.loc);
    auto value_in = [](const std::vector<StorageSetting>& list, const std::string& name) {
        auto it = std::find_if(list.begin(), list.end(), [&](const StorageSetting& s) { return s.name == name; });
        return it == list.end() ? std::optional<std::string>() : std::optional<std::string>(it->value);
    };
    std::vector<StorageSetting> set;
    std::vector<std::string> reset;
    for (const auto& s : table.storage)
        if (value_in(old.storage, s.name) != s.value) set.push_back(s);
    for (const auto& s : old.storage)
        if (!value_in(table.storage, s.name)) reset.push_back(s.name);
    if (!set.empty())
        out.add(Stage::AlterColumns, "~ storage of table " + table.name + ": " + emit::storage_sql(set),
                prefix + "SET (" + emit::storage_sql(set) + ");\n", Phase::Transaction, table.storage_loc);
    if (!reset.empty()) {
        std::string names;
        for (const auto& r : reset) names += (names.empty() ? "" : ", ") + r;
        out.add(Stage::AlterColumns, "~ storage of table " + table.name + ": reset " + names,
                prefix + "RESET (" + names + ");\n", Phase::Transaction, table.storage_loc);
    }
}

// The names TimescaleDB gives the indexes it creates on a hypertable: on the
// time column, and on each hash dimension with the time column.
std::vector<std::string> default_index_names(const Table& t) {
    std::vector<std::string> names;
    if (!t.hypertable || !t.hypertable->create_default_indexes) return names;
    const std::string& time = t.hypertable->time_column.name;
    names.push_back(t.name + "_" + time + "_idx");
    for (const auto& d : t.hypertable->dimensions)
        if (d.is_hash()) names.push_back(t.name + "_" + d.column.name + "_" + time + "_idx");
    return names;
}

// A renamed hypertable (or time column) keeps its default indexes' old names;
// renamed too, the database is what creating the new state would give.
void rename_default_indexes(const Schema& from, const Table& old, const Table& table, Output& out) {
    const auto was = default_index_names(old), now = default_index_names(table);
    if (was.size() != now.size()) return;
    for (size_t i = 0; i < was.size(); ++i) {
        // Longer names are shortened by the server in its own way (makeObjectName); left as they are.
        if (was[i] == now[i] || was[i].size() > 63 || now[i].size() > 63) continue;
        out.add(
            Stage::Renames, "~ index " + was[i] + " renamed to " + now[i],
            "ALTER INDEX IF EXISTS " + qualified(from.namespace_, was[i]) + " RENAME TO " + quote_ident(now[i]) + ";\n",
            Phase::Transaction, table.loc);
    }
}

void alter_table(const Schema& from, const Table& old, const Schema& to, const Table& table, const Renames& renames,
                 const std::set<std::string>& retyped_columns, Output& out) {
    if (old.name != table.name) {
        out.add(Stage::Renames, "~ table " + old.name + " renamed to " + table.name,
                alter_table_prefix(from, old.name) + "RENAME TO " + quote_ident(table.name) + ";\n", Phase::Transaction,
                table.loc);
    }
    rename_default_indexes(from, old, table, out);
    Table old_named = in_new_names(from, old, table.name, renames);
    diff_columns(from, old, to, table, renames, out);
    diff_constraints(from, old.name, old_named, to, table, out);
    diff_indexes(from, old_named, to, table, retyped_columns, out);
    if (old.comment != table.comment) {
        out.add(Stage::AlterColumns, "~ comment on table " + table.name,
                "COMMENT ON TABLE " + qualified(to.namespace_, table.name) + " IS " +
                    (table.comment.empty() ? "NULL" : quote_literal(table.comment)) + ";\n");
    }
    diff_storage(old, to, table, out);
    diff_hypertable(old_named, to, table, out);
}

std::set<std::string> retyped_columns(const Table& old, const Table& table, const Renames& renames) {
    std::set<std::string> out;
    for (const auto& o : old.columns) {
        const std::string n = renames.column_in_to(old.name, o.name);
        const Column* now = n.empty() ? nullptr : table.find_column(n);
        if (now && (!(now->type == o.type) || now->collation != o.collation || now->generated != o.generated))
            out.insert(n);
    }
    return out;
}

bool columns_reshaped(const Table& old, const Table& table, const Renames& renames) {
    for (const auto& o : old.columns) {
        std::string n = renames.column_in_to(old.name, o.name);
        if (n.empty() || n != o.name) return true;
    }
    return !retyped_columns(old, table, renames).empty();
}

}  // namespace hyperschema::diff
