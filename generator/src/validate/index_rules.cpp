// Indexes: what each access method accepts, predicates, and hypertable limits.

#include <algorithm>
#include <set>

#include "catalog/column_types.hpp"
#include "catalog/functions.hpp"
#include "model/expression_type.hpp"
#include "sqltext/expression.hpp"
#include "validate/rules.hpp"

namespace hyperschema::rules {
namespace {

void check_method_limits(const Index& index, const std::string& what, Diagnostics& diags) {
    const std::string method = index_method_name(index.method);
    if (index.unique && index.method != IndexMethod::Btree) {
        diags.error(index.loc, what + " is unique, but access method `" + method +
                                   "` does not support unique indexes; only btree does");
    }
    if (index.method == IndexMethod::Hash && index.keys.size() > 1) {
        diags.error(index.loc, what + " has " + std::to_string(index.keys.size()) +
                                   " keys, but access method `hash` does not support multicolumn indexes");
    }
    if (!index.include.empty() && index.method != IndexMethod::Btree && index.method != IndexMethod::Gist) {
        diags.error(index.include.front().loc, what + " uses `include`, which access method `" + method +
                                                   "` does not support; only btree and gist do");
    }
    // INDEX_MAX_KEYS counts key and included columns.
    if (index.keys.size() + index.include.size() > 32) {
        diags.error(index.loc, what + " has " + std::to_string(index.keys.size() + index.include.size()) +
                                   " columns (keys and `include`), but PostgreSQL refuses more than 32 (\"cannot "
                                   "use more than 32 columns in an index\")");
    }
    if (index.method != IndexMethod::Btree) {
        for (const auto& key : index.keys) {
            if (key.order != SortOrder::Default || key.nulls != NullsOrder::Default) {
                diags.error(key.loc, what + ": access method `" + method +
                                         "` does not support ASC/DESC or NULLS FIRST/LAST; only btree does");
            }
        }
    }
}

// An operator class must exist for the column's type under this method.
void check_key_type(const Schema& schema, const Index& index, const KeyPart& key, const Column& column,
                    const std::string& what, Diagnostics& diags) {
    const ColumnType& t = column.type;
    const std::string method = index_method_name(index.method);
    const std::string head = what + ": data type `" + t.sql() + "` of column `" + column.name +
                             "` has no default operator class for access method `" + method + "`";
    switch (catalog::index_support(index.method, t)) {
        case catalog::Opclass::Yes:
            return;
        case catalog::Opclass::WithBtreeGist:
            if (!schema.has_extension("btree_gist"))
                diags.error(key.loc, head + "; add the `btree_gist` extension or use btree");
            return;
        case catalog::Opclass::WithBtreeGin:
            if (!schema.has_extension("btree_gin"))
                diags.error(key.loc, head +
                                         "; GIN indexes jsonb and array columns, use btree here (or add the "
                                         "`btree_gin` extension)");
            return;
        case catalog::Opclass::JsonElements: {
            const char* quote = index.method == IndexMethod::Hash
                                    ? "could not identify a hash function for type json"
                                    : "could not identify a comparison function for type json";
            const char* when = index.method == IndexMethod::Gin ? "creating the index fails" : "inserting rows fails";
            diags.error(key.loc, what + ": column `" + column.name + "` is `" + t.sql() +
                                     "`, and PostgreSQL cannot compare json values, so " + when + " (\"" + quote +
                                     "\"); use `jsonb` elements");
            return;
        }
        case catalog::Opclass::SincePg16:
            // Which server the schema meets is not known here; --dev-db asks it.
            diags.warning(key.loc, head +
                                       " before PostgreSQL 16 (it has one from 16 on); on 15 creating the index "
                                       "fails");
            return;
        case catalog::Opclass::No:
            break;
    }
    std::string fix;
    if (t.base == BaseType::Json && !t.is_array()) {
        fix = index.method == IndexMethod::Gin ? "; change the column to `jsonb` (json has no GIN support)"
                                               : "; use `jsonb`";
    } else if (index.method == IndexMethod::Gist) {
        fix = "; GiST has no operator class for arrays or jsonb, use gin";
    } else if (index.method == IndexMethod::Brin) {
        fix = "; BRIN summarizes ordered scalar types (numbers, text, timestamps, uuid, ...), use " +
              std::string(t.is_array() || t.base == BaseType::Jsonb ? "gin" : "btree");
    }
    diags.error(key.loc, head + fix);
}

// --- Functions that are only STABLE for some argument types ----------------
//
// PostgreSQL refuses non-IMMUTABLE functions in index expressions and
// predicates. now() and friends are found by name (check_fragment); these
// depend on the argument's type, which the table's columns tell:
// date_trunc(text, timestamptz) is STABLE (it reads the session's TimeZone),
// date_trunc(text, timestamp) is IMMUTABLE. Each rule was checked against
// pg_proc and with CREATE INDEX on PostgreSQL 15.

enum class Kind { Timestamptz, Timestamp, Date, Time, Interval, Text, Json, Other, Unknown };

Kind kind_of(const ColumnType& t) {
    if (t.is_array()) return Kind::Other;
    switch (catalog::traits_of(t.base).category) {
        case catalog::TypeCategory::Timestamp:
            return t.base == BaseType::Timestamptz ? Kind::Timestamptz : Kind::Timestamp;
        case catalog::TypeCategory::Date:
            return Kind::Date;
        case catalog::TypeCategory::TimeOfDay:
            return Kind::Time;
        case catalog::TypeCategory::Interval:
            return Kind::Interval;
        case catalog::TypeCategory::Text:
            return Kind::Text;
        case catalog::TypeCategory::Integer:
        case catalog::TypeCategory::Float:
        case catalog::TypeCategory::Numeric:
        case catalog::TypeCategory::Boolean:
        case catalog::TypeCategory::Json:
            return t.base == BaseType::Json ? Kind::Json : Kind::Other;
        case catalog::TypeCategory::Uuid:
        case catalog::TypeCategory::Binary:
        case catalog::TypeCategory::Network:
        case catalog::TypeCategory::MacAddress:
        case catalog::TypeCategory::Extension:
        case catalog::TypeCategory::Enum:
            return Kind::Other;
    }
    return Kind::Other;
}

const char* kind_name(Kind k) {
    switch (k) {
        case Kind::Timestamptz:
            return "timestamptz";
        case Kind::Timestamp:
            return "timestamp";
        case Kind::Date:
            return "date";
        case Kind::Time:
            return "time";
        case Kind::Interval:
            return "interval";
        case Kind::Text:
            return "text";
        case Kind::Json:
            return "json";
        default:
            return "other";
    }
}

using ExprKind = sqltext::Expr::Kind;

// The kinds of the values expressions over one of the table's rows give.
class RowKinds {
public:
    explicit RowKinds(const Table& table) : table_(table), row_(row_shape_of(table)) {}

    // The kind of `e`; `column` receives the first column met as an operand
    // (for the messages).
    Kind of(const sqltext::Expr& e, const Column** column = nullptr) const {
        if (e.kind == ExprKind::Column && e.qualifier.empty()) {
            const Column* c = table_.find_column(e.name);
            if (!c) return Kind::Unknown;
            if (column && !*column) *column = c;
            return kind_of(c->type);
        }
        if (column && !*column && e.kind == ExprKind::Cast && !e.args.empty() && e.args[0].kind == ExprKind::Column)
            *column = table_.find_column(e.args[0].name);
        const auto type = infer_expression_type(e, row_);
        return type ? kind_of(*type) : Kind::Unknown;
    }

private:
    const Table& table_;
    const RelationShape row_;
};

// A cast's target type.
Kind cast_kind(const sqltext::Expr& cast) {
    std::string error;
    const auto type = parse_column_type(cast.text, {}, &error);
    if (type) return kind_of(*type);
    return cast.text == "name" ? Kind::Text : Kind::Other;
}

std::string column_text(const Column* c) {
    return c ? " column `" + c->name + "`" : " value";
}

// Why a cast from one kind to another is STABLE, or "".
std::string cast_problem(Kind from, Kind to) {
    const bool to_text = to == Kind::Text;
    if (from == Kind::Timestamptz && (to == Kind::Date || to == Kind::Timestamp || to == Kind::Time))
        return "it depends on the session's TimeZone";
    if ((from == Kind::Timestamp || from == Kind::Date) && to == Kind::Timestamptz)
        return "it depends on the session's TimeZone";
    if (to_text && (from == Kind::Timestamptz || from == Kind::Timestamp || from == Kind::Date))
        return "its text follows the DateStyle setting";
    if (to_text && from == Kind::Interval) return "its text follows the IntervalStyle setting";
    if (from == Kind::Text && (to == Kind::Date || to == Kind::Timestamp || to == Kind::Timestamptz ||
                               to == Kind::Time || to == Kind::Interval))
        return "reading text as a date or time follows the DateStyle and TimeZone settings (date_in, "
               "timestamp_in and interval_in are STABLE); store the value in a column of that type";
    return "";
}

std::string cast_fix(Kind from, Kind to, const Column* column) {
    if (from == Kind::Timestamptz && column && to != Kind::Text)
        return "; cast `(" + column->name + " AT TIME ZONE 'UTC')` instead";
    return "";
}

// Whether `e` calls now() or another function that is never IMMUTABLE
// (reported by name already, by check_fragment).
bool calls_non_immutable(const sqltext::Expr& e) {
    bool found = false;
    e.walk([&](const sqltext::Expr& node) { found = found || non_immutable_call(node); });
    return found;
}

// Every use of such a function, cast or operator in the expression, as a message prefix.
std::vector<std::string> stable_uses(const sqltext::Expr& tree, const Table& table) {
    const RowKinds kinds(table);
    std::vector<std::string> out;
    tree.walk([&](const sqltext::Expr& e) {
        if (calls_non_immutable(e)) return;  // `now()::date`: now() is the one to report
        const Column* column = nullptr;
        const auto& args = e.args;
        if (e.is_builtin_call()) {
            const std::string& fn = e.name;
            if (fn == "to_char") {
                out.push_back(
                    "`to_char` is STABLE for every type (its output follows locale and DateStyle "
                    "settings); index the value itself");
            } else if (fn == "to_timestamp" && args.size() == 2) {
                out.push_back(
                    "`to_timestamp(text, text)` is STABLE (it reads the session's TimeZone); only "
                    "`to_timestamp(double precision)` is IMMUTABLE");
            } else if (fn == "age" && args.size() == 1) {
                out.push_back(
                    "`age` with one argument counts from today's date, so it changes every day; index "
                    "the column and compute the age in queries");
            } else if ((fn == "date_trunc" || fn == "date_part") && args.size() >= 2 &&
                       kinds.of(args[1], &column) == Kind::Timestamptz) {
                out.push_back("`" + fn + "` of timestamptz" + column_text(column) +
                              " depends on the session's TimeZone; apply it to `" +
                              (column ? column->name : std::string("...")) +
                              " AT TIME ZONE 'UTC'` (a timestamp, for which it is IMMUTABLE)");
            } else if (fn == "date" && args.size() == 1 && kinds.of(args[0], &column) == Kind::Timestamptz) {
                out.push_back("`date` of timestamptz" + column_text(column) +
                              " depends on the session's TimeZone; use `(" +
                              (column ? column->name : std::string("...")) + " AT TIME ZONE 'UTC')::date`");
            } else if (fn == "extract" && args.size() == 2 && kinds.of(args[1], &column) == Kind::Timestamptz) {
                out.push_back("`extract` from timestamptz" + column_text(column) +
                              " depends on the session's TimeZone; extract from `" +
                              (column ? column->name : std::string("...")) +
                              " AT TIME ZONE 'UTC'` (a timestamp, for which it is IMMUTABLE)");
            }
        }
        if (e.kind == ExprKind::Operator && args.size() == 2 && (e.name == "+" || e.name == "-")) {
            const Kind left = kinds.of(args[0], &column);
            const Kind right = kinds.of(args[1], &column);
            if ((left == Kind::Timestamptz && right == Kind::Interval) ||
                (left == Kind::Interval && right == Kind::Timestamptz && e.name == "+")) {
                out.push_back("timestamptz " + e.name + " interval" + column_text(column) +
                              " is STABLE: a day is not always 24 hours in the session's TimeZone; use `(" +
                              (column ? column->name : std::string("...")) + " AT TIME ZONE 'UTC') " + e.name +
                              " interval ...` (a timestamp, for which it is IMMUTABLE)");
            }
        }
        if (e.kind == ExprKind::Cast && !args.empty()) {
            const Kind from = kinds.of(args[0], &column);
            const Kind to = cast_kind(e);
            const std::string why = cast_problem(from, to);
            if (!why.empty())
                out.push_back(std::string("the cast of ") + kind_name(from) + column_text(column) + " to `" +
                              kind_name(to) + "` is STABLE: " + why + cast_fix(from, to, column));
        }
    });
    return out;
}

bool comparison(const sqltext::Expr& e) {
    static const std::set<std::string, std::less<>> kComparisons{"=", "<>", "!=", "<", ">", "<=", ">="};
    return e.kind == ExprKind::Operator && e.args.size() == 2 && kComparisons.count(e.name);
}

}  // namespace

void check_json_comparisons(const Table& table, const std::string& sql, const SourceLocation& loc,
                            const std::string& what, Diagnostics& diags) {
    const auto tree = sqltext::expression_tree(sql);
    if (!tree) return;  // reported by check_fragment_syntax
    const RowKinds kinds(table);
    tree->walk([&](const sqltext::Expr& e) {
        if (!comparison(e)) return;
        const Column* column = nullptr;
        const Kind left = kinds.of(e.args[0], &column);
        const Kind right = kinds.of(e.args[1], &column);
        if (left != Kind::Json && right != Kind::Json) return;
        diags.error(loc, "in " + what + ", `" + e.name + "` compares json" + column_text(column) +
                             ", but PostgreSQL has no comparison operators for json (\"operator does not exist: "
                             "json " +
                             e.name + " ...\"); use jsonb, or compare `" +
                             (column ? column->name : std::string("...")) + "::jsonb` or `->>` text");
    });
}

void check_immutable_expression(const Table& table, const std::string& sql, const SourceLocation& loc,
                                const std::string& what, const std::string& reason, const std::string& server_message,
                                Diagnostics& diags) {
    const auto names = column_names(table);
    check_fragment(sql, loc, {what, &names, true, reason}, diags);
    if (sql.empty()) return;
    const auto tree = sqltext::expression_tree(sql);
    if (!tree) return;  // reported by check_fragment_syntax
    for (const auto& use : stable_uses(*tree, table))
        diags.error(loc, "in " + what + ", PostgreSQL refuses a function that is not IMMUTABLE (\"" + server_message +
                             "\"): " + use);
}

namespace {

// json has no b-tree or hash operator class, for an expression as for a column.
void check_json_key_expression(const Table& table, const Index& index, const KeyPart& key, const std::string& what,
                               Diagnostics& diags) {
    if (index.method != IndexMethod::Btree && index.method != IndexMethod::Hash) return;
    const auto tree = sqltext::expression_tree(key.expression);
    if (!tree || RowKinds(table).of(*tree) != Kind::Json) return;
    diags.error(key.loc, "the expression `" + key.expression + "` of " + what + " is json, which has no " +
                             index_method_name(index.method) +
                             " operator class (\"data type json has no default "
                             "operator class for access method \"" +
                             index_method_name(index.method) + "\"\"); index `->>` text, or use jsonb");
}

void check_hypertable_index(const Table& table, const Index& index, const std::string& what, Diagnostics& diags) {
    if (index.concurrently) {
        diags.error(index.loc, what +
                                   " is marked `concurrently`, but TimescaleDB refuses CREATE INDEX CONCURRENTLY "
                                   "on hypertables; remove `concurrently` (TimescaleDB builds hypertable indexes "
                                   "chunk by chunk)");
    }
    if (!index.unique) return;
    for (const NameRef* p : table.hypertable->partitioning()) {
        const std::string& column = p->name;
        bool covered =
            std::any_of(index.keys.begin(), index.keys.end(), [&](const KeyPart& k) { return k.column == column; });
        if (!covered) {
            diags.error(index.loc, what + " is unique on a hypertable but does not include column `" + column +
                                       "`, which TimescaleDB partitions by; add it to the index");
        }
    }
}

}  // namespace

namespace {

// An index's keys, included columns and predicate; an exclusion constraint's
// index is checked the same way.
void check_index(const Schema& schema, const Table& table, const Index& index, const std::string& what,
                 Diagnostics& diags) {
    const auto names = column_names(table);
    check_method_limits(index, what, diags);
    for (const auto& key : index.keys) {
        if (key.is_expression()) {
            check_immutable_expression(table, key.expression, key.loc, "an expression of " + what,
                                       "PostgreSQL requires functions in index expressions to be IMMUTABLE",
                                       "functions in index expression must be marked IMMUTABLE", diags);
            check_json_comparisons(table, key.expression, key.loc, "an expression of " + what, diags);
            check_json_key_expression(table, index, key, what, diags);
            continue;
        }
        const Column* column = table.find_column(key.column);
        if (!column) {
            diags.error(key.loc, "unknown column `" + key.column + "` in " + what + " of table `" + table.name + "`" +
                                     did_you_mean(key.column, names));
            continue;
        }
        check_key_type(schema, index, key, *column, what, diags);
    }
    for (const auto& inc : index.include) {
        if (!table.find_column(inc.name)) {
            diags.error(inc.loc,
                        "unknown column `" + inc.name + "` in `include` of " + what + did_you_mean(inc.name, names));
        }
    }
    check_immutable_expression(
        table, index.where, index.where_loc, "the `where` predicate of " + what,
        "PostgreSQL requires functions in index predicates to be IMMUTABLE (a partial index cannot move with the "
        "clock); filter on a fixed value, or drop `where` and filter in queries",
        "functions in index predicate must be marked IMMUTABLE", diags);
    if (!index.where.empty())
        check_json_comparisons(table, index.where, index.where_loc, "the `where` predicate of " + what, diags);
    if (table.hypertable) check_hypertable_index(table, index, what, diags);
}

// The index an exclusion constraint builds: its elements are the keys.
Index index_of(const Table& table, const ExclusionConstraint& x) {
    Index index;
    index.name = x.name;
    index.table = table.name;
    index.method = x.method;
    for (const auto& e : x.elements) index.keys.push_back(e.key);
    index.include = x.include;
    index.where = x.where;
    index.where_loc = x.where_loc;
    index.loc = x.loc;
    return index;
}

void check_exclusion(const Schema& schema, const Table& table, const ExclusionConstraint& x, Diagnostics& diags) {
    const std::string what = "exclusion constraint `" + x.name + "`";
    if (x.method == IndexMethod::Gin || x.method == IndexMethod::Brin) {
        diags.error(x.loc, what + " uses `" + index_method_name(x.method) +
                               "`, which does not support exclusion constraints (\"access method does not support "
                               "exclusion constraints\"); use gist (or btree or hash for `=` alone)");
        return;
    }
    if (x.elements.empty()) return;  // reported by the parser
    Index index = index_of(table, x);
    check_index(schema, table, index, what, diags);
    // On a hypertable it must hold every partitioning column, as a unique index does.
    index.unique = true;
    if (table.hypertable) check_hypertable_index(table, index, what, diags);
}

}  // namespace

void check_indexes(const Schema& schema, const Table& table, Diagnostics& diags) {
    for (const auto& index : table.indexes) check_index(schema, table, index, "index `" + index.name + "`", diags);
    for (const auto& x : table.exclusions) check_exclusion(schema, table, x, diags);
}

}  // namespace hyperschema::rules
