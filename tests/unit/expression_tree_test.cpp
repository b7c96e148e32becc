// PostgreSQL's parse tree made plain (sqltext/expression.hpp): what the
// rules read instead of tokens. Words inside literals, comments and quoted
// names are not calls or columns; SQL syntax that reads like a call (EXTRACT,
// AT TIME ZONE) and keywords that are calls (current_timestamp) come out as
// what the server makes of them.

#include "support/catch.hpp"

#include <string>
#include <vector>

#include "catalog/functions.hpp"
#include "model/expression_type.hpp"
#include "sqltext/expression.hpp"

using namespace hyperschema;
using Kind = sqltext::Expr::Kind;

namespace {

sqltext::Expr tree_of(const std::string& sql) {
    auto tree = sqltext::expression_tree(sql);
    INFO(sql);
    REQUIRE(tree.has_value());
    return *tree;
}

// The names of the nodes of `kind`, in the order walk() visits them.
std::vector<std::string> names(const std::string& sql, Kind kind) {
    std::vector<std::string> out;
    tree_of(sql).walk([&](const sqltext::Expr& e) {
        if (e.kind == kind) out.push_back(e.name);
    });
    return out;
}

std::vector<std::string> non_immutable(const std::string& sql) {
    std::vector<std::string> out;
    tree_of(sql).walk([&](const sqltext::Expr& e) {
        if ((e.kind == Kind::Call || e.kind == Kind::ValueFunction) && catalog::is_non_immutable(e.name))
            out.push_back(e.name);
    });
    return out;
}

}  // namespace

TEST_CASE("non-IMMUTABLE calls are found outside literals and comments", "[expression]") {
    CHECK(non_immutable("time > NOW() - INTERVAL '7 days'") == std::vector<std::string>{"now"});
    CHECK(non_immutable("ts < current_timestamp") == std::vector<std::string>{"current_timestamp"});
    CHECK(non_immutable("note = 'now()' -- now()\n /* random() */").empty());
    CHECK(non_immutable("x = $$now()$$").empty());
    CHECK(non_immutable("\"now\" > 1").empty());
    CHECK(non_immutable("abs(value) > 1").empty());
    CHECK(non_immutable("concat(a, 'x') = b") == std::vector<std::string>{"concat"});
}

TEST_CASE("columns exclude keywords, calls, casts, types and named arguments", "[expression]") {
    CHECK(names("sum(CASE WHEN metric_type = 'energy' THEN value::numeric ELSE 0 END) + t.other", Kind::Column) ==
          std::vector<std::string>{"value", "metric_type", "other"});
    CHECK(names("percentile_cont(0.95) WITHIN GROUP (ORDER BY value)", Kind::Column) ==
          std::vector<std::string>{"value"});
    CHECK(names("last(energy, \"time\")", Kind::Column) == std::vector<std::string>{"energy", "time"});
    CHECK(names("make_interval(days => n) > interval '1 day' AND current_user = inet '10.0.0.1'::text", Kind::Column) ==
          std::vector<std::string>{"n"});
    CHECK(names("extract(epoch FROM ts AT TIME ZONE 'UTC')", Kind::Column) == std::vector<std::string>{"ts"});
}

TEST_CASE("the tree keeps calls' forms and constants' kinds", "[expression]") {
    const auto count = tree_of("count(*) FILTER (WHERE ok)");
    CHECK(count.kind == Kind::Call);
    CHECK(count.star);
    CHECK(count.conditions.size() == 1);
    const auto percentile = tree_of("percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY v)");
    CHECK(percentile.within_group);
    CHECK(percentile.order.size() == 1);
    CHECK(tree_of("row_number() OVER ()").window);
    CHECK(tree_of("0").constant == sqltext::Expr::Constant::Integer);
    CHECK(tree_of("0").text == "0");  // libpg_query leaves a zero out of its tree
    CHECK(tree_of("false").text == "false");
    CHECK(tree_of("-5").text == "-5");  // libpg_query 15 leaves it out of its tree as it does zero
    CHECK(tree_of("3000000000").constant == sqltext::Expr::Constant::Decimal);  // beyond int4: the grammar's float
    CHECK(tree_of("x::numeric(10,2)[]").text == "numeric(10,2)[]");
    CHECK(tree_of("x::int4").text == "integer");
    CHECK(tree_of("interval '1' day").text == "interval");
    CHECK(tree_of("EXISTS (SELECT 1)").kind == Kind::Subquery);
    CHECK(tree_of("x NOT IN (1, 2)").negated);
    CHECK(tree_of("CASE x WHEN 1 THEN 'a' ELSE 'b' END").has_operand);
    // Not one expression: closing the parenthesis and going on.
    CHECK_FALSE(sqltext::expression_tree("1) FROM t WHERE (1").has_value());
    CHECK_FALSE(sqltext::expression_tree("a +").has_value());
    CHECK(tree_of("x + 1").offset == 2);  // the operator, bytes into the text
}

TEST_CASE("expressions are typed as the server types them", "[expression]") {
    RelationShape row;
    row.found = true;
    std::string error;
    for (auto [name, type] :
         {std::pair{"ts", "timestamptz"}, {"doc", "jsonb"}, {"n", "integer"}, {"name", "text"}, {"day", "date"}})
        row.columns.push_back({name, parse_column_type(type, {}, &error), true});
    auto type_of = [&](const std::string& sql) {
        const auto t = infer_expression_type(sql, row);
        return t ? t->sql() : std::string("(none)");
    };
    CHECK(type_of("now() + interval '1 day'") == "timestamptz");
    CHECK(type_of("ts AT TIME ZONE 'UTC'") == "timestamp");
    CHECK(type_of("current_date") == "date");
    CHECK(type_of("doc -> 'a'") == "jsonb");
    CHECK(type_of("doc ->> 'a'") == "text");
    CHECK(type_of("n BETWEEN 1 AND 2") == "boolean");
    CHECK(type_of("concat(name, n)") == "text");
    CHECK(type_of("gen_random_uuid()") == "uuid");
    CHECK(type_of("coalesce(n, 0) * 2") == "integer");
    CHECK(type_of("'text'") == "(none)");          // an untyped literal takes the type it meets
    CHECK(type_of("my_function(n)") == "(none)");  // not one the compiler knows
    CHECK(type_of("n = ANY(ARRAY[1])") == "(none)");
    // A quoted literal is read as the other side's type first: date - date.
    CHECK(type_of("day - '2020-01-01'") == "integer");
    CHECK(type_of("ts - '2020-01-01+00'") == "interval");
    CHECK(type_of("n + '1'") == "integer");
    CHECK(type_of("coalesce(n, -1)") == "integer");  // not numeric: -1 is an integer constant
    CHECK(type_of("doc || '{}'") == "(none)");       // jsonb || jsonb is the server's to type
    CHECK(type_of("name || 'x'") == "text");
}
