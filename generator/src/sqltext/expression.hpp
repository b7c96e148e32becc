#pragma once

// A scalar SQL expression as PostgreSQL's own grammar reads it (libpg_query's
// parse tree, made plain): what the rules and the type inference walk instead
// of a token stream. Names are not resolved here: a Column is a name the
// expression reads, a Call a function by the name written.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hyperschema::sqltext {

struct Expr {
    enum class Kind {
        Column,         // name, qualifier (its relation, or "")
        Constant,       // constant, text
        Cast,           // args[0] as type_text
        Call,           // name, qualifier (its schema); args; star, distinct, order, filter, within_group, window
        Operator,       // name ("+", "=", "~~" for LIKE); args: one (prefix) or two
        And,            // args
        Or,             // args
        Not,            // args[0]
        IsNull,         // args[0]; negated: IS NOT NULL
        IsBoolean,      // args[0] IS [NOT] TRUE/FALSE/UNKNOWN
        In,             // args[0] IN (args[1..]); negated: NOT IN
        Between,        // args[0] BETWEEN args[1] AND args[2]
        Distinct,       // args[0] IS [NOT] DISTINCT FROM args[1]
        AnyAll,         // args[0] name ANY/ALL (args[1])
        NullIf,         // NULLIF(args[0], args[1])
        Case,           // conditions: the WHENs (with an operand: args compared to it); args: the THENs, then ELSE
        Coalesce,       // args
        Greatest,       // args
        Least,          // args
        Array,          // ARRAY[args]
        Row,            // ROW(args) or (a, b)
        Subquery,       // a subquery (EXISTS, IN (SELECT ...), scalar)
        ValueFunction,  // name: current_timestamp, current_date, localtime, current_user, ...
        Collate,        // args[0]
        Subscript,      // args[0][...] or (args[0]).field
        Other,          // name: the grammar's node (a parameter, a JSON constructor, ...)
    };
    enum class Constant { None, Integer, Decimal, String, Boolean, Null, Bits };

    Kind kind = Kind::Other;
    std::string name;
    std::string qualifier;
    std::vector<Expr> args;
    std::vector<Expr> conditions;  // CASE: its WHENs; a call's FILTER
    std::vector<Expr> order;       // a call's ORDER BY or WITHIN GROUP keys
    Constant constant = Constant::None;
    std::string text;       // a constant's value ("1.5", "abc", "true"); a cast's type ("numeric(10,2)[]")
    bool star = false;      // count(*)
    bool distinct = false;  // sum(DISTINCT x)
    bool within_group = false;
    bool window = false;       // f(...) OVER (...)
    bool has_operand = false;  // CASE x WHEN ...: conditions[0] is x
    bool has_else = false;     // CASE ... ELSE: args.back() is its value
    bool negated = false;
    size_t offset = 0;  // bytes into the expression's text

    // A call of the server's own function, or of one the search path finds:
    // no other schema named (`pg_catalog` is what SQL syntax such as EXTRACT
    // is qualified with).
    bool is_builtin_call() const { return kind == Kind::Call && (qualifier.empty() || qualifier == "pg_catalog"); }

    // Calls `visit` on this node and every node under it, conditions and
    // order keys included (not inside subqueries, which are other queries).
    template <typename Visit>
    void walk(Visit&& visit) const {
        visit(*this);
        for (const auto* list : {&args, &conditions, &order})
            for (const auto& child : *list) child.walk(visit);
    }
};

// The expression, or nullopt when it does not parse as one (its syntax error
// is check_fragment_syntax's to report, from parse_expression()).
std::optional<Expr> expression_tree(std::string_view expression);

}  // namespace hyperschema::sqltext
