// Continuous aggregates that join plain tables to their source, and group-by
// keys that are joined columns or expressions. TimescaleDB's rules for the
// FROM clause (tsl/src/continuous_aggs/common.c: one hypertable or
// continuous aggregate, INNER or LEFT joins) and PostgreSQL's for the names
// the expressions read (a relation the query does not read, a column two
// relations have), so that such mistakes fail here first.

#include <algorithm>

#include "model/expression_type.hpp"
#include "sqltext/expression.hpp"
#include "sqltext/sql_parser.hpp"
#include "validate/rules.hpp"

namespace hyperschema::rules {
namespace {

bool contains(const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

// `a`, `b` and `c`
std::string all_of(const std::vector<std::string>& names) {
    std::string out;
    for (size_t i = 0; i < names.size(); ++i)
        out += std::string(i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + "`" + names[i] + "`";
    return out;
}

void report_ambiguous(const std::string& column, const std::string& what, const SourceLocation& loc,
                      const RelationShape& from, Diagnostics& diags) {
    const auto owners = from.relations_with(column);
    diags.error(loc, "column `" + column + "` in " + what + " is in " + all_of(owners) +
                         " (PostgreSQL: \"column reference \"" + column + "\" is ambiguous\"); qualify it, e.g. `" +
                         owners.front() + "." + column + "`");
}

// `relation.column` names a relation of the FROM clause and one of its
// columns (`relation.function(...)` and three-part names are left alone).
void check_qualified_reference(const std::string& relation, const std::string& column, const std::string& what,
                               const SourceLocation& loc, const RelationShape& from, Diagnostics& diags) {
    const auto relations = from.relations();
    if (!contains(relations, relation)) {
        diags.error(loc, "`" + relation + "." + column + "` in " + what + " reads `" + relation +
                             "`, which the continuous aggregate does not read (PostgreSQL: \"missing FROM-clause "
                             "entry for table \"" +
                             relation + "\"\")" + did_you_mean(relation, relations) + "; it reads " +
                             all_of(relations) + (relations.size() > 1 ? "" : "; add the table to `joins`"));
        return;
    }
    if (from.find_qualified(relation, column)) return;
    const auto columns = from.columns_of(relation);
    diags.error(loc, "unknown column `" + column + "` of `" + relation + "` in " + what +
                         did_you_mean(column, columns) + "; `" + relation + "` has " + one_of(columns));
}

// A group-by expression is one expression of the source's columns: not two
// (`a, b` would add an output column), not renamed with AS (`name:` does
// that), not a constant (PostgreSQL reads a number as a column position and
// refuses other constants).
bool check_one_expression(const GroupKey& g, const std::string& what, Diagnostics& diags) {
    // As the server reads it at the head of a select list: `a, b` is two
    // output columns, `x AS y` one named.
    const auto listed = sqltext::parse_query("SELECT " + g.expression).tree;
    if (listed.targets > 1 || listed.named_target) {
        diags.error(g.expression_loc, what + " is `" + g.expression + "`, more than one expression; " +
                                          (listed.targets > 1 ? "write each as an entry of its own in `group_by`"
                                                              : "the output column's name is `name:`, not AS"));
        return false;
    }
    const auto tree = sqltext::expression_tree(g.expression);
    if (!tree) return true;  // reported by check_fragment_syntax
    bool reads = false;
    tree->walk([&](const sqltext::Expr& e) { reads = reads || e.kind == sqltext::Expr::Kind::Column; });
    if (reads) return true;
    diags.error(g.expression_loc, what + " is `" + g.expression +
                                      "`, which reads no column: PostgreSQL takes a number in GROUP BY as a column "
                                      "position and refuses other constants; group by an expression of the source's "
                                      "columns");
    return false;
}

}  // namespace

std::vector<std::string> names_in_from(const RelationShape& from) {
    std::vector<std::string> out = from.names();
    out.insert(out.end(), from.ambiguous.begin(), from.ambiguous.end());
    return out;
}

void check_from_references(const std::string& sql, const SourceLocation& loc, const std::string& what,
                           const RelationShape& from, Diagnostics& diags) {
    const auto tree = sqltext::expression_tree(sql);
    if (!tree) return;  // reported by check_fragment_syntax
    tree->walk([&](const sqltext::Expr& e) {
        if (e.kind != sqltext::Expr::Kind::Column) return;
        if (!e.qualifier.empty())
            check_qualified_reference(e.qualifier, e.name, what, loc, from, diags);
        else if (contains(from.ambiguous, e.name))
            report_ambiguous(e.name, what, loc, from, diags);
    });
}

void check_aggregate_joins(const Schema& schema, const ContinuousAggregate& agg, Diagnostics& diags) {
    const std::string owner = "continuous aggregate `" + agg.name + "`";
    std::vector<std::string> read{agg.source.name};
    for (size_t k = 0; k < agg.joins.size(); ++k) {
        const AggregateJoin& join = agg.joins[k];
        const std::string& name = join.table.name;
        if (name.empty()) continue;
        const Table* table = schema.find_table(name);
        const bool twice = contains(read, name);
        const bool joinable = table && !table->hypertable && !twice;
        if (twice) {
            diags.error(join.table.loc, owner + " reads `" + name + "` twice (PostgreSQL: \"table name \"" + name +
                                            "\" specified more than once\"); join each table once");
        } else if (table && table->hypertable) {
            diags.error(join.table.loc, owner + " joins `" + name + "`, a hypertable; TimescaleDB allows one " +
                                            "hypertable in a continuous aggregate (\"Only one hypertable is allowed " +
                                            "in continuous aggregate view.\"), its source `" + agg.source.name +
                                            "`; join plain tables");
        } else if (schema.find_aggregate(name)) {
            diags.error(join.table.loc, owner + " joins continuous aggregate `" + name +
                                            "`; TimescaleDB counts it as the one hypertable a continuous aggregate "
                                            "may read (\"Only one hypertable is allowed in continuous aggregate "
                                            "view.\"); join plain tables");
        } else if (schema.find_view(name)) {
            diags.error(join.table.loc, owner + " joins view `" + name +
                                            "`; `joins` takes the schema's plain tables (join the tables the view "
                                            "reads instead)");
        } else if (!table) {
            diags.error(join.table.loc,
                        owner + " joins unknown table `" + name + "`" + did_you_mean(name, table_names(schema)));
        }
        read.push_back(name);
        if (!joinable || join.on.empty() || check_join_condition_shape(agg, join, diags)) continue;
        // A condition sees the source and the tables joined so far.
        ContinuousAggregate so_far = agg;
        so_far.joins.resize(k + 1);
        const RelationShape visible = from_shape(schema, so_far);
        const auto names = names_in_from(visible);
        const std::string what = "the join condition of `" + name + "` in " + owner;
        check_fragment(join.on, join.on_loc, {what, &names, true, kAggregateImmutability}, diags);
        check_from_references(join.on, join.on_loc, what, visible, diags);
    }
}

void check_group_keys(const ContinuousAggregate& agg, const RelationShape& from, Diagnostics& diags) {
    const std::string owner = "continuous aggregate `" + agg.name + "`";
    const std::string what = "`group_by` of " + owner;
    const auto names = names_in_from(from);
    for (const auto& g : agg.group_by) {
        std::optional<ColumnType> type;
        if (!g.is_column()) {
            const std::string expression_what = "group-by expression `" + g.name + "` of " + owner;
            if (check_group_key_shape(agg, g, diags) || !check_one_expression(g, expression_what, diags)) continue;
            const int before = diags.error_count();
            check_fragment(g.expression, g.expression_loc, {expression_what, &names, true, kAggregateImmutability},
                           diags);
            check_from_references(g.expression, g.expression_loc, expression_what, from, diags);
            if (diags.error_count() != before) continue;
            type = g.type ? g.type : infer_expression_type(g.expression, from);
        } else if (!g.relation.empty()) {
            check_qualified_reference(g.relation, g.name, what, g.loc, from, diags);
            if (const RelationColumn* c = from.find_qualified(g.relation, g.name)) type = c->type;
        } else if (contains(from.ambiguous, g.name)) {
            report_ambiguous(g.name, what, g.loc, from, diags);
        } else if (const RelationColumn* c = from.find(g.name)) {
            type = c->type;
        } else {
            diags.error(g.loc, "unknown column `" + g.name + "` in " + what + did_you_mean(g.name, names) + "; `" +
                                   agg.source.name + "`" + (agg.joins.empty() ? " has " : " and its joins have ") +
                                   one_of(names));
        }
        if (type && type->base == BaseType::Json) {
            diags.error(g.loc, (g.is_column() ? "column `" : "expression `") + g.name + "` in " + what + " is `" +
                                   type->sql() +
                                   "`, which PostgreSQL cannot group by (\"could not identify an equality operator "
                                   "for type " +
                                   pg_type_name(*type) + "\"); " +
                                   (g.is_column() ? "change the column to `jsonb`" : "group by a `jsonb` value"));
        }
    }
}

}  // namespace hyperschema::rules
