// Columns whose values the database gives (serial, identity, generated) and
// the sequences behind them: what PostgreSQL and TimescaleDB refuse of each.

#include <algorithm>
#include <limits>
#include <set>

#include "catalog/column_types.hpp"
#include "sqltext/lexer.hpp"
#include "validate/rules.hpp"

namespace hyperschema::rules {
namespace {

// CREATE SEQUENCE's own checks (sequence.c, init_params), before it runs.
void check_sequence_options(const SequenceOptions& o, const ColumnType& type, const std::string& what,
                            Diagnostics& diags) {
    auto value = [&](const std::optional<int64_t>& v, const char* key) {
        if (v && !catalog::integer_range(type).holds(*v))
            diags.error(o.loc, "`" + std::string(key) + "` of " + what + " is " + std::to_string(*v) +
                                   ", out of the range of `" + type.sql() + "` (" +
                                   catalog::integer_range(type).text() + ")");
    };
    value(o.start, "start");
    value(o.min_value, "min");
    value(o.max_value, "max");
    if (o.increment == 0)
        diags.error(o.loc, "`increment` of " + what + " must not be zero (\"INCREMENT must not be zero\")");
    if (o.cache && *o.cache < 1)
        diags.error(o.loc, "`cache` of " + what + " is " + std::to_string(*o.cache) + "; it must be at least 1");
    const int64_t min = o.resolved(type).min_value, max = o.resolved(type).max_value;
    if (o.min_value && o.max_value && min >= max) {
        diags.error(o.loc, "`min` (" + std::to_string(min) + ") of " + what + " must be less than `max` (" +
                               std::to_string(max) + ")");
    } else if (o.start && (*o.start < min || *o.start > max)) {
        diags.error(o.loc, "`start` of " + what + " is " + std::to_string(*o.start) + ", outside " +
                               std::to_string(min) + " to " + std::to_string(max) +
                               " (\"START value cannot be less than MINVALUE\" or \"greater than MAXVALUE\")");
    }
}

void check_serial(const Table& table, const Column& c, Diagnostics& diags) {
    const std::string what = "serial column `" + table.name + "." + c.name + "`";
    if (c.nullable)
        diags.error(c.type_loc, what + " is nullable, but PostgreSQL makes a serial column NOT NULL; remove `?`");
    if (c.default_value.kind != ColumnDefault::Kind::None)
        diags.error(c.default_value.loc, what +
                                             " has a default, but its default is the sequence's next value "
                                             "(\"multiple default values specified\"); remove `default`");
    if (c.identity)
        diags.error(c.identity->loc, what +
                                         " also has `identity`; use one: `type: bigint` with `identity`, or "
                                         "the serial type alone");
}

void check_identity(const Table& table, const Column& c, Diagnostics& diags) {
    const std::string what = "identity column `" + table.name + "." + c.name + "`";
    if (!c.type.is_integer() || !c.type.domain.empty()) {
        diags.error(c.type_loc, what + " is `" + c.type.sql() +
                                    "`, but PostgreSQL numbers identity columns of `smallint`, `integer` or `bigint` "
                                    "only (\"identity column type must be smallint, integer, or bigint\")");
    }
    if (c.nullable)
        diags.error(c.type_loc, what +
                                    " is nullable, but PostgreSQL makes identity columns NOT NULL "
                                    "(\"conflicting NULL/NOT NULL declarations\"); remove `?`");
    if (c.default_value.kind != ColumnDefault::Kind::None)
        diags.error(c.default_value.loc, what +
                                             " has a default, which PostgreSQL refuses (\"both default and "
                                             "identity specified\"); remove `default`");
    if (c.type.is_integer())
        check_sequence_options(c.identity->sequence, c.type, "the identity of `" + table.name + "." + c.name + "`",
                               diags);
}

void check_generated(const Table& table, const Column& c, Diagnostics& diags) {
    const std::string what = "generated column `" + table.name + "." + c.name + "`";
    if (c.default_value.kind != ColumnDefault::Kind::None)
        diags.error(c.default_value.loc, what +
                                             " has a default, which PostgreSQL refuses (\"both default and "
                                             "generation expression specified\"); remove `default`");
    if (c.identity)
        diags.error(c.identity->loc, what +
                                         " also has `identity` (\"both identity and generation expression "
                                         "specified\"); keep one");
    if (c.serial)
        diags.error(c.type_loc, what +
                                    " is serial, which is a default (\"both default and generation expression "
                                    "specified\"); give it an integer type");
    if (check_generated_expression(table, c, diags))
        return;  // its shape first: columns of a subquery are not the table's
    check_immutable_expression(table, c.generated, c.generated_loc, "the expression of " + what,
                               "PostgreSQL computes a stored generated column once, when the row is written, and "
                               "requires its expression to be IMMUTABLE (\"generation expression is not immutable\")",
                               "generation expression is not immutable", diags);
    std::set<std::string> generated;
    for (const auto& other : table.columns)
        if (!other.generated.empty()) generated.insert(other.name);
    if (sqltext::mentions_any(c.generated, generated)) {
        diags.error(c.generated_loc, "the expression of " + what +
                                         " reads another generated column (or itself), which PostgreSQL refuses "
                                         "(\"cannot use generated column in column generation expression\"); "
                                         "write that column's expression out instead");
    }
}

// TimescaleDB refuses to partition by a generated column.
void check_partitioning_not_generated(const Table& table, Diagnostics& diags) {
    if (!table.hypertable) return;
    const Hypertable& h = *table.hypertable;
    for (const NameRef* p : h.partitioning()) {
        const Column* c = table.find_column(p->name);
        if (c && !c->generated.empty())
            diags.error(p->loc, "hypertable `" + table.name + "` partitions by generated column `" + c->name +
                                    "`, which TimescaleDB refuses (\"invalid partitioning column\"); partition by "
                                    "the column it is computed from");
    }
}

}  // namespace

void check_value_sources(const Schema& schema, const Table& table, Diagnostics& diags) {
    for (const auto& c : table.columns) {
        if (c.serial) check_serial(table, c, diags);
        if (c.identity && !c.serial && c.generated.empty()) check_identity(table, c, diags);
        if (!c.generated.empty()) check_generated(table, c, diags);
        if (c.serial || c.identity) {
            // A sequence of the schema's under the name PostgreSQL would give the column's own.
            const std::string own = c.serial_sequence(table.name);
            if (const Sequence* s = schema.find_sequence(own))
                diags.error(s->loc, "sequence `" + own + "` has the name PostgreSQL gives the sequence of column `" +
                                        table.name + "." + c.name + "`, which would then be called `" + own +
                                        "1`; rename the sequence");
        }
    }
    check_partitioning_not_generated(table, diags);
}

void check_sequences(const Schema& schema, Diagnostics& diags) {
    for (const auto& s : schema.sequences) {
        const std::string what = "sequence `" + s.name + "`";
        if (!s.type.is_integer() || !s.type.domain.empty()) {
            diags.error(s.type_loc, what + " is of type `" + s.type.sql() +
                                        "`; a sequence is `smallint`, `integer` or `bigint` (\"sequence type must "
                                        "be smallint, integer, or bigint\")");
            continue;
        }
        check_sequence_options(s.options, s.type, what, diags);
        if (!s.owned_by_table) continue;
        const Table* owner = schema.find_table(s.owned_by_table->name);
        if (!owner) {
            diags.error(s.owned_by_table->loc, what + " is owned by a column of unknown table `" +
                                                   s.owned_by_table->name + "`" +
                                                   did_you_mean(s.owned_by_table->name, table_names(schema)));
        } else if (!owner->find_column(s.owned_by_column)) {
            diags.error(s.owned_by_table->loc, what + " is owned by unknown column `" + owner->name + "." +
                                                   s.owned_by_column + "`" +
                                                   did_you_mean(s.owned_by_column, column_names(*owner)));
        }
    }
}

}  // namespace hyperschema::rules
