#include "model/expression_type.hpp"

#include <algorithm>
#include <array>

#include "catalog/aggregate_functions.hpp"
#include "catalog/column_types.hpp"
#include "catalog/functions.hpp"
#include "sqltext/expression.hpp"

namespace hyperschema {
namespace {

// A typed value while parsing: the type when known, and whether it is an
// untyped literal ('text' or NULL), which takes the type of what it meets.
struct Typed {
    std::optional<ColumnType> type;
    bool untyped_literal = false;

    static Typed of(BaseType base, int array_dims = 0) { return {ColumnType::of(base, array_dims), false}; }
    static Typed unknown() { return {}; }
    static Typed literal() { return {std::nullopt, true}; }
};

// PostgreSQL's numeric promotion: smallint < integer < bigint < numeric <
// double precision; real stays real only with real, and meets anything else
// as double precision (float4 + int4 resolves to float8 + float8).
int numeric_rank(const ColumnType& t) {
    const auto& traits = catalog::traits_of(t.base);
    if (traits.integer_bits) return traits.integer_bits;  // 16, 32, 64
    if (traits.category == catalog::TypeCategory::Numeric) return 100;
    return t.base == BaseType::Real ? 200 : 300;  // floats
}

std::optional<ColumnType> promote(const ColumnType& a, const ColumnType& b) {
    if (!a.is_numeric_family() || !b.is_numeric_family()) return std::nullopt;
    if (a.base == BaseType::Real && b.base == BaseType::Real) return a.without_modifier();
    if (a.base == BaseType::Real || b.base == BaseType::Real) return Typed::of(BaseType::DoublePrecision).type;
    return (numeric_rank(a) >= numeric_rank(b) ? a : b).without_modifier();
}

// The common type of CASE branches and COALESCE arguments.
Typed common(const std::vector<Typed>& values) {
    std::optional<ColumnType> out;
    bool all_literal = true;
    for (const auto& v : values) {
        if (v.untyped_literal) continue;
        all_literal = false;
        if (!v.type) return Typed::unknown();
        if (!out) {
            out = v.type->without_modifier();
        } else if (auto p = promote(*out, *v.type)) {
            out = p;
        } else if (out->is_text_family() && v.type->is_text_family()) {
            out = Typed::of(BaseType::Text).type;
        } else if (!(out->without_modifier() == v.type->without_modifier())) {
            return Typed::unknown();
        }
    }
    if (all_literal) return Typed::literal();
    return {out, false};
}

bool is(const std::optional<ColumnType>& t, BaseType b) {
    return t && !t->is_array() && t->base == b;
}

// a op b for + - * / %.
Typed arithmetic(const std::string& op, const Typed& a, const Typed& b) {
    // A quoted literal is first read as the other side's type (`day -
    // '2020-01-01'` is date - date, an integer); numbers keep theirs when no
    // such operator exists, anything else is left to the server.
    if (a.untyped_literal != b.untyped_literal) {
        const Typed& other = a.untyped_literal ? b : a;
        if (!other.type) return Typed::unknown();
        if (Typed same = arithmetic(op, other, other); same.type) return same;
        return other.type->is_numeric_family() ? other : Typed::unknown();
    }
    if (!a.type || !b.type) return Typed::unknown();
    if (auto p = promote(*a.type, *b.type)) return {p, false};
    const ColumnType& x = *a.type;
    const ColumnType& y = *b.type;
    const bool timestamp = is(a.type, BaseType::Timestamptz) || is(a.type, BaseType::Timestamp);
    if (op == "-" && timestamp && x.base == y.base) return Typed::of(BaseType::Interval);
    if ((op == "+" || op == "-") && timestamp && is(b.type, BaseType::Interval)) return {x.without_modifier(), false};
    if (op == "+" && is(a.type, BaseType::Interval) &&
        (is(b.type, BaseType::Timestamptz) || is(b.type, BaseType::Timestamp)))
        return {y.without_modifier(), false};
    if (op == "-" && is(a.type, BaseType::Date) && is(b.type, BaseType::Date)) return Typed::of(BaseType::Integer);
    if ((op == "+" || op == "-") && is(a.type, BaseType::Date) && y.is_integer()) return Typed::of(BaseType::Date);
    if ((op == "+" || op == "-") && is(a.type, BaseType::Date) && is(b.type, BaseType::Interval))
        return Typed::of(BaseType::Timestamp);
    if (op == "-" && is(a.type, BaseType::Time) && is(b.type, BaseType::Time)) return Typed::of(BaseType::Interval);
    if ((op == "+" || op == "-") && is(a.type, BaseType::Interval) && is(b.type, BaseType::Interval))
        return Typed::of(BaseType::Interval);
    if ((op == "*" || op == "/") && is(a.type, BaseType::Interval) && y.is_numeric_family())
        return Typed::of(BaseType::Interval);
    if (op == "*" && x.is_numeric_family() && is(b.type, BaseType::Interval)) return Typed::of(BaseType::Interval);
    return Typed::unknown();
}

// Scalar functions an aggregate column wraps around aggregates, with the
// type rule PostgreSQL applies (checked with pg_typeof).
Typed scalar_call(const std::string& fn, const std::vector<Typed>& args) {
    if (fn == "coalesce" || fn == "greatest" || fn == "least") return common(args);
    if (fn == "nullif" && !args.empty()) return args[0];
    if (args.empty()) return Typed::unknown();
    const auto& t = args[0].type;
    const bool number = t && t->is_numeric_family();
    const bool exact = is(t, BaseType::Numeric);
    if (fn == "abs" && number) return {t->without_modifier(), false};
    if ((fn == "ceil" || fn == "ceiling" || fn == "floor" || fn == "round" || fn == "trunc") && args.size() == 1 &&
        (exact || is(t, BaseType::DoublePrecision)))
        return {t->without_modifier(), false};
    if ((fn == "round" || fn == "trunc") && args.size() == 2 && exact) return Typed::of(BaseType::Numeric);
    if ((fn == "sqrt" || fn == "exp" || fn == "ln" || fn == "cbrt") && number)
        return Typed::of(exact ? BaseType::Numeric : BaseType::DoublePrecision);
    if (fn == "date_part") return Typed::of(BaseType::DoublePrecision);
    if (fn == "length" || fn == "char_length" || fn == "octet_length") return Typed::of(BaseType::Integer);
    if (fn == "lower" || fn == "upper" || fn == "btrim" || fn == "concat") return Typed::of(BaseType::Text);
    if (fn == "time_bucket" && args.size() >= 2 && args[1].type) return {args[1].type->without_modifier(), false};
    return Typed::unknown();
}

// Types an expression tree bottom-up. Forms outside the rules above (an
// operator it does not know, a subquery, a parameter) fail the whole: the
// YAML must then say the type.
class Typer {
public:
    explicit Typer(const RelationShape& source) : source_(source) {}

    std::optional<ColumnType> whole(const sqltext::Expr& e) {
        Typed v = type(e);
        if (failed_ || v.untyped_literal) return std::nullopt;
        return v.type;
    }

    // The first aggregate call met at the outermost level of nesting.
    std::string outermost_aggregate() const { return outermost_; }

private:
    using Kind = sqltext::Expr::Kind;

    Typed fail() {
        failed_ = true;
        return Typed::unknown();
    }

    std::vector<Typed> types(const std::vector<sqltext::Expr>& list) {
        std::vector<Typed> out;
        for (const auto& e : list) out.push_back(type(e));
        return out;
    }

    Typed boolean_of(const sqltext::Expr& e) {
        types(e.args);
        return Typed::of(BaseType::Boolean);
    }

    Typed type(const sqltext::Expr& e) {
        switch (e.kind) {
            case Kind::Column: {
                const RelationColumn* c =
                    e.qualifier.empty() ? source_.find(e.name) : source_.find_qualified(e.qualifier, e.name);
                return c && c->type ? Typed{c->type, false} : Typed::unknown();
            }
            case Kind::Constant:
                return constant(e);
            case Kind::Cast: {
                types(e.args);
                std::string error;
                return {parse_column_type(e.text, {}, &error), false};
            }
            case Kind::Call:
                return call(e);
            case Kind::Operator:
                return operation(e);
            case Kind::And:
            case Kind::Or:
            case Kind::Not:
            case Kind::IsNull:
            case Kind::IsBoolean:
            case Kind::In:
            case Kind::Between:
            case Kind::Distinct:
                return boolean_of(e);
            case Kind::NullIf:
                return e.args.empty() ? fail() : types(e.args)[0];
            case Kind::Case: {
                types(e.conditions);
                Typed v = common(types(e.args));
                return v.untyped_literal ? Typed::of(BaseType::Text) : v;
            }
            case Kind::Coalesce:
            case Kind::Greatest:
            case Kind::Least:
                return common(types(e.args));
            case Kind::Array: {
                Typed element = common(types(e.args));
                if (!element.type) return Typed::unknown();
                element.type->array_dims = 1;
                return element;
            }
            case Kind::ValueFunction:
                return value_function(e.name);
            case Kind::Collate:
                return e.args.empty() ? fail() : type(e.args[0]);
            case Kind::AnyAll:
            case Kind::Row:
            case Kind::Subquery:
            case Kind::Subscript:
            case Kind::Other:
                break;
        }
        return fail();
    }

    static Typed constant(const sqltext::Expr& e) {
        using C = sqltext::Expr::Constant;
        switch (e.constant) {
            case C::Integer:
            case C::Decimal:
                return number(e.text);
            case C::String:
            case C::Null:
                return Typed::literal();
            case C::Boolean:
                return Typed::of(BaseType::Boolean);
            case C::Bits:
            case C::None:
                break;
        }
        return Typed::unknown();
    }

    // A number as PostgreSQL types it: integer, bigint when it does not fit,
    // numeric beyond that or with a point or an exponent.
    static Typed number(std::string text) {
        if (!text.empty() && text[0] == '-') text.erase(0, 1);  // -1 is folded into the constant
        const bool whole = std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (!whole) return Typed::of(BaseType::Numeric);
        if (text.size() < 10 || (text.size() == 10 && text <= "2147483647")) return Typed::of(BaseType::Integer);
        if (text.size() < 19 || (text.size() == 19 && text <= "9223372036854775807"))
            return Typed::of(BaseType::Bigint);
        return Typed::of(BaseType::Numeric);
    }

    // current_timestamp and its kin; the role names are of type `name`, which
    // the DSL has no column type for.
    static Typed value_function(const std::string& name) {
        if (name == "current_timestamp") return Typed::of(BaseType::Timestamptz);
        if (name == "localtimestamp") return Typed::of(BaseType::Timestamp);
        if (name == "current_date") return Typed::of(BaseType::Date);
        if (name == "current_time") return Typed::of(BaseType::Timetz);
        if (name == "localtime") return Typed::of(BaseType::Time);
        return Typed::unknown();
    }

    Typed operation(const sqltext::Expr& e) {
        static constexpr std::array<std::string_view, 11> kBoolean{
            "=", "<>", "!=", "<", ">", "<=", ">=", "~~", "~~*", "!~~", "!~~*"};
        std::vector<Typed> args = types(e.args);
        if (std::find(kBoolean.begin(), kBoolean.end(), e.name) != kBoolean.end()) return Typed::of(BaseType::Boolean);
        if (args.size() == 1 && (e.name == "-" || e.name == "+")) return args[0];
        if (args.size() != 2) return fail();
        if (e.name == "||") {
            const Typed& a = args[0];
            const Typed& b = args[1];
            if (a.type && a.type->is_array()) return a;
            if (b.type && b.type->is_array()) return b;
            // Text concatenation; jsonb || jsonb, bit || bit and the like are the server's to type.
            const auto text = [](const Typed& t) { return t.untyped_literal || (t.type && t.type->is_text_family()); };
            return text(a) && text(b) && (a.type || b.type) ? Typed::of(BaseType::Text) : Typed::unknown();
        }
        if (e.name == "+" || e.name == "-" || e.name == "*" || e.name == "/" || e.name == "%")
            return arithmetic(e.name, args[0], args[1]);
        // json's and jsonb's field operators: -> and #> keep the type, ->> and #>> give text.
        const bool json = is(args[0].type, BaseType::Json) || is(args[0].type, BaseType::Jsonb);
        if (json && (e.name == "->" || e.name == "#>")) return args[0];
        if (json && (e.name == "->>" || e.name == "#>>")) return Typed::of(BaseType::Text);
        return fail();
    }

    Typed call(const sqltext::Expr& e) {
        if (!e.qualifier.empty() && e.qualifier != "pg_catalog") {
            types(e.args);
            return Typed::unknown();  // a function of the schema's own
        }
        const catalog::AggregateFunction* aggregate = catalog::find_aggregate_function(e.name);
        if (aggregate && outermost_.empty()) outermost_ = e.name;
        if (e.name == "extract" || e.name == "date_part") {
            types(e.args);
            return Typed::of(e.name == "extract" ? BaseType::Numeric : BaseType::DoublePrecision);
        }
        std::vector<Typed> args = types(e.args);
        std::vector<Typed> keys = types(e.order);
        types(e.conditions);
        if (e.name == "timezone" && args.size() == 2) {  // x AT TIME ZONE zone
            if (is(args[1].type, BaseType::Timestamptz)) return Typed::of(BaseType::Timestamp);
            if (is(args[1].type, BaseType::Timestamp)) return Typed::of(BaseType::Timestamptz);
            return Typed::unknown();
        }
        if (!aggregate) {
            const Typed scalar = scalar_call(e.name, args);
            if (scalar.type || scalar.untyped_literal) return scalar;
            // A function of catalog/functions whose result does not depend on its arguments.
            const catalog::FunctionTraits* f = catalog::find_function(e.name);
            return f && f->result ? Typed::of(*f->result) : scalar;
        }
        std::optional<Typed> key;
        if (e.within_group && !keys.empty()) key = keys[0];
        return aggregate_result(*aggregate, e.star ? std::vector<Typed>{} : args, key);
    }

    Typed aggregate_result(const catalog::AggregateFunction& f, const std::vector<Typed>& args,
                           const std::optional<Typed>& key) {
        // count(*) and the functions whose result does not depend on the
        // argument still need one to ask the rule with.
        std::optional<ColumnType> argument;
        if (f.requires_within_group()) {
            if (key) argument = key->type;
        } else if (!args.empty()) {
            argument = args[0].type;
        } else if (f.name == "count") {
            argument = Typed::of(BaseType::Bigint).type;
        }
        if (!argument) return Typed::unknown();
        argument->domain.clear();  // an aggregate over a domain's values returns its base type
        auto result = f.result(*argument);
        if (!result) return Typed::unknown();
        // percentile_cont(ARRAY[...]) WITHIN GROUP (...): one result per fraction.
        if (f.array_of_fractions && !args.empty() && args[0].type && args[0].type->is_array()) result->array_dims = 1;
        return {result, false};
    }

    const RelationShape& source_;
    bool failed_ = false;
    std::string outermost_;
};

}  // namespace

std::optional<ColumnType> infer_expression_type(const sqltext::Expr& expression, const RelationShape& source) {
    return Typer(source).whole(expression);
}

std::optional<ColumnType> infer_expression_type(const std::string& expression, const RelationShape& source) {
    auto tree = sqltext::expression_tree(expression);
    if (!tree) return std::nullopt;
    return infer_expression_type(*tree, source);
}

std::string outermost_aggregate(const std::string& expression) {
    auto tree = sqltext::expression_tree(expression);
    if (!tree) return "";
    RelationShape none;
    Typer typer(none);
    typer.whole(*tree);
    return typer.outermost_aggregate();
}

}  // namespace hyperschema
