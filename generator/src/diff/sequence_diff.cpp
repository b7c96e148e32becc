// Standalone sequences: created before the tables whose defaults call
// nextval() on them, dropped after those defaults are gone, altered in place.
// A sequence owned by a column goes when the column does, so a change of
// owner releases it first (OWNED BY NONE) and takes it again at the end.

#include "diff/object_diff.hpp"
#include "emit/identifiers.hpp"
#include "emit/sql_statements.hpp"

namespace hyperschema::diff {
namespace {

using emit::qualified;

// The owner as `to` names it: a renamed table or column is the same owner.
std::string owner_in_to(const Sequence& s, const Renames& renames) {
    if (!s.owned_by_table) return "";
    const std::string table = renames.table_in_to(s.owned_by_table->name);
    const std::string column = renames.column_in_to(s.owned_by_table->name, s.owned_by_column);
    return table.empty() || column.empty() ? "(gone)" : table + "." + column;
}

std::string owner_of(const Sequence& s) {
    return s.owned_by_table ? s.owned_by_table->name + "." + s.owned_by_column : "";
}

}  // namespace

void diff_sequences(const Schema& from, const Schema& to, const Renames& renames, Output& out) {
    for (const auto& s : to.sequences) {
        const Sequence* old = from.find_sequence(s.name);
        const std::string name = qualified(to.namespace_, s.name);
        if (!old) {
            out.add(Stage::CreateSequences, "+ sequence " + s.name, emit::create_sequence(to, s), Phase::Transaction,
                    s.loc);
            if (s.owned_by_table)
                out.add(Stage::OwnSequences, "~ sequence " + s.name + " owned by " + owner_of(s),
                        emit::sequence_owner_sql(to, s), Phase::Transaction, s.loc);
            continue;
        }
        if (old->type != s.type || !(old->options == s.options)) {
            std::string sql = "ALTER SEQUENCE " + name + (old->type != s.type ? " AS " + s.type.sql() : "") + " " +
                              emit::sequence_options_sql(s.options, s.type, emit::SequenceClause::AlterSequence) +
                              ";\n";
            out.add(Stage::CreateSequences, "~ sequence " + s.name + " (type and options)", sql, Phase::Transaction,
                    s.loc);
        }
        if (owner_in_to(*old, renames) != owner_of(s)) {
            if (old->owned_by_table) {
                Sequence released = *old;
                released.owned_by_table.reset();
                out.add(Stage::ReleaseSequences, "~ sequence " + s.name + " released by " + owner_of(*old),
                        emit::sequence_owner_sql(from, released), Phase::Transaction, s.loc);
            }
            if (s.owned_by_table)
                out.add(Stage::OwnSequences, "~ sequence " + s.name + " owned by " + owner_of(s),
                        emit::sequence_owner_sql(to, s), Phase::Transaction, s.loc);
        }
        if (old->comment != s.comment)
            out.add(Stage::CreateSequences, "~ comment on sequence " + s.name,
                    "COMMENT ON SEQUENCE " + name + " IS " +
                        (s.comment.empty() ? "NULL" : emit::quote_literal(s.comment)) + ";\n");
    }
    for (const auto& old : from.sequences) {
        if (to.find_sequence(old.name)) continue;
        // IF EXISTS: a sequence owned by a column the migration drops is gone with it.
        Change& ch = out.add(Stage::DropSequences, "- sequence " + old.name,
                             "DROP SEQUENCE IF EXISTS " + qualified(from.namespace_, old.name) + ";\n");
        ch.irreversible = "the position of sequence " + old.name + " (it starts again from its start value)";
    }
}

}  // namespace hyperschema::diff
