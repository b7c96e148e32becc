// SQL expressions the server reads in a context that limits them: a column's
// `default_sql`, a check, an aggregate's `where`. Read from PostgreSQL's own
// parse tree (sqltext/expression.hpp) and typed by model/expression_type: what
// is reported is certain (a subquery, an aggregate call, a column in a
// default, a check that is no condition, a comparison no operator exists
// for); what needs the server's catalog is left to it (and to --dev-db).

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>

#include "catalog/aggregate_functions.hpp"
#include "catalog/column_types.hpp"
#include "catalog/functions.hpp"
#include "model/expression_type.hpp"
#include "sqltext/expression.hpp"
#include "sqltext/lexer.hpp"
#include "sqltext/sql_parser.hpp"
#include "validate/rules.hpp"

namespace hyperschema::rules {
namespace {

// What a context refuses of a fragment's shape, in the server's words, and
// what to do instead; one row per context.
struct ShapeLimits {
    const char* subquery;   // after "holds a subquery, which "
    const char* aggregate;  // after "calls aggregate `x`, which "
};

constexpr ShapeLimits kDefaultLimits{
    "PostgreSQL refuses (\"cannot use subquery in DEFAULT expression\"); compute the value in the application "
    "or in a trigger",
    "PostgreSQL refuses (\"aggregate functions are not allowed in DEFAULT expressions\")"};
constexpr ShapeLimits kCheckLimits{
    "PostgreSQL refuses (\"cannot use subquery in check constraint\"); a check sees one row only; use a foreign "
    "key or a trigger",
    "PostgreSQL refuses (\"aggregate functions are not allowed in check constraints\"); a check sees one row only"};
constexpr ShapeLimits kAggregateWhereLimits{
    "TimescaleDB refuses in a continuous aggregate (\"CTEs and subqueries are not supported by continuous "
    "aggregates\"); join the table with `joins:` instead",
    "PostgreSQL refuses (\"aggregate functions are not allowed in WHERE\"); `where` filters source rows before "
    "they are grouped"};
constexpr ShapeLimits kGroupKeyLimits{
    "TimescaleDB refuses in a continuous aggregate (\"CTEs and subqueries are not supported by continuous "
    "aggregates\"); join the table with `joins:` instead",
    "PostgreSQL refuses (\"aggregate functions are not allowed in GROUP BY\"); group by the expression over the "
    "source's columns"};
constexpr ShapeLimits kJoinConditionLimits{
    "TimescaleDB refuses in a continuous aggregate (\"CTEs and subqueries are not supported by continuous "
    "aggregates\"); join the table itself with another entry of `joins:`",
    "PostgreSQL refuses (\"aggregate functions are not allowed in JOIN conditions\")"};

constexpr ShapeLimits kGeneratedLimits{
    "PostgreSQL refuses (\"cannot use subquery in column generation expression\"); a generated column sees its "
    "own row only; use a trigger",
    "PostgreSQL refuses (\"aggregate functions are not allowed in column generation expressions\")"};

using Kind = sqltext::Expr::Kind;

// Whether the fragment holds a subquery, and its first aggregate call.
struct Shape {
    bool subquery = false;
    std::string aggregate;
};

// Reports a subquery or an aggregate call the context refuses; true if it did.
bool report_shape(const Shape& shape, const SourceLocation& loc, const std::string& what, const ShapeLimits& limits,
                  Diagnostics& diags) {
    if (shape.subquery) diags.error(loc, what + " holds a subquery, which " + limits.subquery);
    if (!shape.aggregate.empty())
        diags.error(loc, what + " calls aggregate `" + shape.aggregate + "`, which " + limits.aggregate);
    return shape.subquery || !shape.aggregate.empty();
}

Shape shape_of(const sqltext::Expr& tree) {
    Shape s;
    tree.walk([&](const sqltext::Expr& e) {
        if (e.kind == Kind::Subquery) s.subquery = true;
        if (s.aggregate.empty() && e.is_builtin_call() && catalog::find_aggregate_function(e.name))
            s.aggregate = e.name;
    });
    return s;
}

// A subquery or aggregate call the context refuses, in the fragment; true if reported.
bool report_fragment_shape(const std::string& sql, const SourceLocation& loc, const std::string& what,
                           const ShapeLimits& limits, Diagnostics& diags) {
    const auto tree = sqltext::expression_tree(sql);  // none: a syntax error, reported by check_fragment_syntax
    return tree && report_shape(shape_of(*tree), loc, what, limits, diags);
}

// Whether a value of type `from` may be stored in a column of type `to`
// (an implicit or assignment cast: timestamptz -> date is one, timestamptz ->
// integer is not; every type goes to text). Only the categories below are
// judged: json, network, extension types and the like have casts of their own
// (json -> jsonb, cidr -> inet, geometry -> geography), left to the server.
bool assignable(BaseType from, const ColumnType& to) {
    using catalog::TypeCategory;
    const auto judged = [](TypeCategory c) {
        return c == TypeCategory::Integer || c == TypeCategory::Float || c == TypeCategory::Numeric ||
               c == TypeCategory::Text || c == TypeCategory::Boolean || c == TypeCategory::Timestamp ||
               c == TypeCategory::Date || c == TypeCategory::TimeOfDay || c == TypeCategory::Interval ||
               c == TypeCategory::Uuid || c == TypeCategory::Binary;
    };
    const auto category = catalog::traits_of(to.base).category;
    if (to.is_array() || !judged(category) || !judged(catalog::traits_of(from).category)) return true;
    if (from == to.base || to.is_text_family()) return true;
    switch (from) {
        case BaseType::Timestamptz:
        case BaseType::Timestamp:
        case BaseType::Date:
            return category == TypeCategory::Timestamp || category == TypeCategory::Date ||
                   (from != BaseType::Date && category == TypeCategory::TimeOfDay);
        case BaseType::Time:
        case BaseType::Timetz:
            return category == TypeCategory::TimeOfDay || to.base == BaseType::Interval;
        case BaseType::Interval:
            return category == TypeCategory::TimeOfDay;  // interval -> time is an assignment cast
        case BaseType::Smallint:
        case BaseType::Integer:
        case BaseType::Bigint:
        case BaseType::Real:
        case BaseType::DoublePrecision:
        case BaseType::Numeric:
            return to.is_numeric_family();
        default:
            return false;
    }
}

void check_default_call(const Schema& schema, const Table& table, const Column& column, const sqltext::Expr& tree,
                        Diagnostics& diags) {
    const ColumnDefault& d = column.default_value;
    const std::string what = "the `default_sql` of column `" + table.name + "." + column.name + "`";
    tree.walk([&](const sqltext::Expr& e) {
        if (!e.is_builtin_call() && e.kind != Kind::ValueFunction) return;
        const catalog::FunctionTraits* fn = catalog::find_function(e.name);
        if (!fn || fn->extension.empty() || schema.has_extension(fn->extension)) return;
        diags.error(d.loc, "`" + std::string(fn->name) + "` in " + what + " comes from extension `" +
                               std::string(fn->extension) + "`, which this schema does not create (\"function " +
                               std::string(fn->name) + "() does not exist\"); add `extensions: [" +
                               std::string(fn->extension) + "]`" +
                               (fn->result == BaseType::Uuid ? ", or use the built-in `gen_random_uuid()`" : ""));
    });
    // The expression's type, where it is certain, must be one the column takes.
    const auto type = infer_expression_type(tree, RelationShape{});
    if (!type || type->is_array() || column.type.is_array() || assignable(type->base, column.type)) return;
    diags.error(d.loc, what + " is `" + d.text + "`, of type `" + type->sql() + "`, but the column is `" +
                           column.type.sql() +
                           "` and PostgreSQL has no assignment cast between them (\"column ... is of type " +
                           column.type.sql() + " but default expression is of type " + type->sql() +
                           "\"); change the column's type or the expression");
}

// What makes a value of `type` a condition, for the fix of a check that is none.
std::string condition_example(const ColumnType& type) {
    if (type.is_numeric_family()) return " > 0";
    if (type.is_text_family()) return " <> ''";
    return " IS NOT NULL";
}

// The check's type when it is certainly not boolean (`amount + 1`, `lower(name)`).
std::optional<ColumnType> non_boolean_type(const sqltext::Expr& tree, const Table& table) {
    const auto type = infer_expression_type(tree, row_shape_of(table));
    if (!type || (type->base == BaseType::Boolean && !type->is_array())) return std::nullopt;
    return type;
}

// The kinds of value PostgreSQL compares with each other without a cast
// (numbers with numbers, dates with timestamps, ...); two values of
// different groups have no comparison operator.
int comparison_group(const ColumnType& t) {
    using catalog::TypeCategory;
    switch (catalog::traits_of(t.base).category) {
        case TypeCategory::Integer:
        case TypeCategory::Float:
        case TypeCategory::Numeric:
            return 1;
        case TypeCategory::Text:
            return 2;
        case TypeCategory::Boolean:
            return 3;
        case TypeCategory::Timestamp:
        case TypeCategory::Date:
            return 4;
        case TypeCategory::TimeOfDay:
            return 5;
        case TypeCategory::Interval:
            return 6;
        case TypeCategory::Uuid:
            return 7;
        default:
            return 0;  // json, binary, network, geometry, enums: left to the server
    }
}

// The first comparison whose two sides have types no operator compares
// (`name > 5`, `flag = 1`, `created_at > 0`).
struct Mismatch {
    const sqltext::Expr* comparison = nullptr;
    ColumnType left, right;
    const Column* text_column = nullptr;  // `text_column > 5`: the case with its own fix
};

std::optional<Mismatch> mismatched_comparison(const sqltext::Expr& tree, const Table& table) {
    static const std::set<std::string, std::less<>> kComparisons{"=", "<>", "!=", "<", ">", "<=", ">="};
    const RelationShape row = row_shape_of(table);
    std::optional<Mismatch> found;
    tree.walk([&](const sqltext::Expr& e) {
        if (found || e.kind != Kind::Operator || e.args.size() != 2 || !kComparisons.count(e.name)) return;
        const auto left = infer_expression_type(e.args[0], row);
        const auto right = infer_expression_type(e.args[1], row);
        if (!left || !right || left->is_array() || right->is_array()) return;
        const int a = comparison_group(*left), b = comparison_group(*right);
        if (a == 0 || b == 0 || a == b) return;
        Mismatch m{&e, *left, *right};
        for (const auto& side : e.args)
            if (side.kind == Kind::Column && (a == 2 || b == 2))
                if (const Column* c = table.find_column(side.name); c && c->type.is_text_family()) m.text_column = c;
        found = m;
    });
    return found;
}

}  // namespace

void check_default_expression(const Schema& schema, const Table& table, const Column& column, Diagnostics& diags) {
    const ColumnDefault& d = column.default_value;
    const auto tree = sqltext::expression_tree(d.text);
    if (!tree) return;  // a syntax error, reported by check_fragment_syntax
    const std::string what = "the `default_sql` of column `" + table.name + "." + column.name + "`";
    if (report_shape(shape_of(*tree), d.loc, what, kDefaultLimits, diags)) return;
    // The parse tree knows a column from `current_user`, `inet '10.0.0.1'` or
    // a named argument.
    std::string read;
    tree->walk([&](const sqltext::Expr& e) {
        if (read.empty() && e.kind == Kind::Column) read = e.name;
    });
    if (!read.empty()) {
        diags.error(d.loc, what + " reads `" + read +
                               "`, but a default cannot refer to columns (\"cannot use column reference in DEFAULT "
                               "expression\"); use a generated column, or quote the text if `" +
                               read + "` was meant as a value");
        return;
    }
    check_default_call(schema, table, column, *tree, diags);
}

void check_check_expression(const Table& table, const CheckConstraint& check, Diagnostics& diags) {
    const auto tree = sqltext::expression_tree(check.expression);
    if (!tree) return;  // a syntax error, reported by check_fragment_syntax
    const std::string what = "check `" + check.name + "` of table `" + table.name + "`";
    if (report_shape(shape_of(*tree), check.loc, what, kCheckLimits, diags)) return;
    if (const auto type = non_boolean_type(*tree, table)) {
        diags.error(check.loc, what + " is `" + check.expression + "`, of type `" + type->sql() +
                                   "`, which is not a condition (\"argument of CHECK must be type boolean, not type " +
                                   type->sql() + "\"); compare it, e.g. `" + check.expression +
                                   condition_example(*type) + "`");
        return;
    }
    const auto mismatch = mismatched_comparison(*tree, table);
    if (!mismatch) return;
    const std::string& op = mismatch->comparison->name;
    if (const Column* c = mismatch->text_column;
        c && (comparison_group(mismatch->left) == 1 || comparison_group(mismatch->right) == 1)) {
        diags.error(check.loc, what + " compares text column `" + c->name + "` of type `" + c->type.sql() +
                                   "` with a number (\"operator does not exist: text " + op +
                                   " integer\"); quote the value or cast the column, e.g. `" + c->name + "::integer`");
        return;
    }
    diags.error(check.loc, what + " compares a value of type `" + mismatch->left.sql() + "` with one of type `" +
                               mismatch->right.sql() + "` (\"operator does not exist: " + mismatch->left.sql() + " " +
                               op + " " + mismatch->right.sql() + "\"); cast one side to the other's type");
}

bool check_domain_check_shape(const Domain& domain, const CheckConstraint& check, Diagnostics& diags) {
    return report_fragment_shape(check.expression, check.loc,
                                 "check `" + check.name + "` of domain `" + domain.name + "`", kCheckLimits, diags);
}

bool check_generated_expression(const Table& table, const Column& column, Diagnostics& diags) {
    return report_fragment_shape(column.generated, column.generated_loc,
                                 "the expression of generated column `" + table.name + "." + column.name + "`",
                                 kGeneratedLimits, diags);
}

void check_aggregate_where(const ContinuousAggregate& aggregate, Diagnostics& diags) {
    report_fragment_shape(aggregate.where, aggregate.where_loc,
                          "the `where` of continuous aggregate `" + aggregate.name + "`", kAggregateWhereLimits, diags);
}

bool check_group_key_shape(const ContinuousAggregate& aggregate, const GroupKey& key, Diagnostics& diags) {
    return report_fragment_shape(
        key.expression, key.expression_loc,
        "group-by expression `" + key.name + "` of continuous aggregate `" + aggregate.name + "`", kGroupKeyLimits,
        diags);
}

bool check_join_condition_shape(const ContinuousAggregate& aggregate, const AggregateJoin& join, Diagnostics& diags) {
    return report_fragment_shape(
        join.on, join.on_loc,
        "the join condition of `" + join.table.name + "` in continuous aggregate `" + aggregate.name + "`",
        kJoinConditionLimits, diags);
}

// The zone as the tz database under `dir` spells it, each part of the name
// matched regardless of case (`europe/berlin` -> `Europe/Berlin`), or "".
std::string zone_spelling(const std::filesystem::path& dir, const std::string& zone) {
    std::filesystem::path at = dir;
    std::string spelled;
    size_t start = 0;
    for (;;) {
        const size_t slash = zone.find('/', start);
        const std::string part = zone.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
        std::error_code ec;
        bool found = false;
        for (const auto& entry : std::filesystem::directory_iterator(at, ec)) {
            const std::string name = entry.path().filename().string();
            if (name.size() == part.size() && std::equal(name.begin(), name.end(), part.begin(), [](char a, char b) {
                    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
                })) {
                at = entry.path();
                spelled += (spelled.empty() ? "" : "/") + name;
                found = true;
                break;
            }
        }
        if (!found) return "";
        if (slash == std::string::npos) return std::filesystem::is_regular_file(at, ec) ? spelled : "";
        start = slash + 1;
    }
}

void check_time_zone(const std::string& zone, const SourceLocation& loc, const std::string& what, Diagnostics& diags) {
    // Area/Location names come from the tz database, which Debian's
    // PostgreSQL reads from the system (/usr/share/zoneinfo); abbreviations
    // and POSIX forms (UTC, EST5EDT, UTC+3) are left to the server.
    const std::filesystem::path zoneinfo = "/usr/share/zoneinfo";
    if (zone.find('/') == std::string::npos || !std::filesystem::is_directory(zoneinfo)) return;
    const std::string spelled = zone_spelling(zoneinfo, zone);
    if (spelled == zone) return;
    if (!spelled.empty()) {
        // PostgreSQL itself reads zone names in any case; TimescaleDB's
        // continuous aggregates do not ("invalid timezone name").
        diags.error(loc, "time zone `" + zone + "` of " + what + " is spelled `" + spelled +
                             "` in the tz database, and TimescaleDB refuses any other case (\"invalid timezone "
                             "name\"); write `" +
                             spelled + "`");
        return;
    }
    diags.error(loc, "time zone `" + zone + "` of " + what +
                         " is not in the tz database (\"time zone ... not recognized\"); use a name such as "
                         "`Europe/Berlin` or `America/New_York`");
}

void check_view_relations(const Schema& schema, const View& view, Diagnostics& diags) {
    const auto parsed = sqltext::parse_query(view.sql);
    if (parsed.error) return;  // reported by check_fragment_syntax
    const sqltext::FragmentTree& tree = parsed.tree;
    for (const auto& relation : tree.relations) {
        const std::string& name = relation.name;
        // Another schema's relation, a name WITH defines, or PostgreSQL's own
        // (pg_stat_activity, found in pg_catalog): the server's to know.
        if (!relation.schema.empty() || name.rfind("pg_", 0) == 0) continue;
        if (std::find(tree.common_tables.begin(), tree.common_tables.end(), name) != tree.common_tables.end()) continue;
        if (schema.find_table(name) || schema.find_view(name) || schema.find_aggregate(name)) continue;
        diags.error(view.sql_loc, "view `" + view.name + "` reads `" + name +
                                      "`, which is not a table, view or continuous aggregate of this schema "
                                      "(\"relation does not exist\")" +
                                      did_you_mean(name, relation_names(schema)) +
                                      "; declare it, or qualify it with its PostgreSQL schema if it lives elsewhere");
    }
}

}  // namespace hyperschema::rules

namespace hyperschema::rules {
namespace {

struct Fragment {
    const std::string* sql;
    SourceLocation loc;
    bool query = false;  // a view body: a whole statement
};

std::vector<Fragment> fragments_of(const Schema& schema) {
    std::vector<Fragment> out;
    for (const auto& t : schema.tables) {
        for (const auto& c : t.columns) {
            if (c.default_value.kind == ColumnDefault::Kind::Expression)
                out.push_back({&c.default_value.text, c.default_value.loc});
            if (!c.generated.empty()) out.push_back({&c.generated, c.generated_loc});
        }
        for (const auto& check : t.checks) out.push_back({&check.expression, check.loc});
        for (const auto& index : t.indexes) {
            for (const auto& key : index.keys) {
                if (key.is_expression()) out.push_back({&key.expression, key.loc});
            }
            if (!index.where.empty()) out.push_back({&index.where, index.where_loc});
        }
        for (const auto& trigger : t.triggers)
            if (!trigger.when.empty()) out.push_back({&trigger.when, trigger.when_loc});
    }
    for (const auto& d : schema.domains) {
        if (!d.default_sql.empty()) out.push_back({&d.default_sql, d.loc});
        for (const auto& c : d.checks) out.push_back({&c.expression, c.loc});
    }
    for (const auto& f : schema.functions) {
        for (const auto& a : f.args)
            if (!a.default_sql.empty()) out.push_back({&a.default_sql, a.loc});
    }
    for (const auto& a : schema.aggregates) {
        for (const auto& c : a.columns) out.push_back({&c.expression, c.expression_loc});
        if (!a.where.empty()) out.push_back({&a.where, a.where_loc});
    }
    for (const auto& v : schema.views) out.push_back({&v.sql, v.sql_loc, true});
    return out;
}

bool known_call(const Schema& schema, const std::string& name) {
    return !schema.find_functions(name).empty() || catalog::is_known_function(name) ||
           catalog::find_aggregate_function(name) || catalog::find_type(name) ||
           (schema.uses_timescaledb() && catalog::is_timescaledb_function(name));
}

}  // namespace

void check_fragment_syntax(const Schema& schema, Diagnostics& diags) {
    for (const auto& fragment : fragments_of(schema)) {
        const auto syntax =
            (fragment.query ? sqltext::parse_query(*fragment.sql) : sqltext::parse_expression(*fragment.sql)).error;
        if (!syntax) continue;
        const bool reported = std::any_of(diags.all().begin(), diags.all().end(), [&](const Diagnostic& d) {
            return d.severity == Severity::Error && d.loc.file == fragment.loc.file &&
                   d.loc.line == fragment.loc.line && d.loc.column == fragment.loc.column;
        });
        if (reported) continue;
        diags.error(fragment.loc, "PostgreSQL cannot parse `" + *fragment.sql + "`: " + syntax->message +
                                      " (character " + std::to_string(syntax->offset + 1) + ")");
    }
}

void note_unknown_functions(const Schema& schema, Diagnostics& diags) {
    std::vector<std::pair<std::string, SourceLocation>> unknown;
    for (const auto& fragment : fragments_of(schema)) {
        const auto parsed =
            fragment.query ? sqltext::parse_query(*fragment.sql) : sqltext::parse_expression(*fragment.sql);
        for (const auto& call : parsed.tree.calls) {
            // Qualified names are the schema's own or the server's (`pg_catalog.extract`).
            if (!call.schema.empty() || known_call(schema, call.name)) continue;
            if (std::none_of(unknown.begin(), unknown.end(), [&](const auto& u) { return u.first == call.name; }))
                unknown.emplace_back(call.name, fragment.loc);
        }
    }
    if (unknown.empty()) return;
    std::string list;
    for (const auto& [name, loc] : unknown) {
        list += (list.empty() ? "" : ", ") + hyperschema::quoted(name) + " (" + std::to_string(loc.line) + ":" +
                std::to_string(loc.column) + ")";
    }
    std::string extensions;
    for (const auto& e : schema.extensions) {
        if (e.name != "timescaledb") extensions += (extensions.empty() ? "" : ", ") + hyperschema::quoted(e.name);
    }
    diags.note(unknown.front().second,
               "the server will resolve function" + std::string(unknown.size() > 1 ? "s" : "") +
                   " the compiler does not know: " + list +
                   (extensions.empty() ? "" : " (the schema's extensions " + extensions + " may provide them)") +
                   "; `hyperschema validate --dev-db` checks them against a server");
}

}  // namespace hyperschema::rules
