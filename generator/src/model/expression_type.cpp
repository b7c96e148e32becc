#include "model/expression_type.hpp"

#include <algorithm>
#include <array>

#include "catalog/aggregate_functions.hpp"
#include "catalog/column_types.hpp"
#include "sqltext/lexer.hpp"

namespace hyperschema {
namespace {

using sqltext::Token;
using sqltext::TokenKind;

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
    if (a.untyped_literal && b.type) return b;
    if (b.untyped_literal && a.type) return a;
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

class Typer {
public:
    Typer(const std::vector<Token>& tokens, const RelationShape& source) : t_(tokens), source_(source) {}

    std::optional<ColumnType> whole() {
        Typed v = expression();
        if (failed_ || i_ != t_.size() || v.untyped_literal) return std::nullopt;
        return v.type;
    }

    // The first aggregate call met at the outermost level of nesting.
    std::string outermost_aggregate() const { return outermost_; }

private:
    bool word(size_t at, std::string_view w) const {
        return at < t_.size() && t_[at].kind == TokenKind::Identifier && t_[at].text == w;
    }
    bool word(std::string_view w) const { return word(i_, w); }
    bool op(std::string_view o) const {
        return i_ < t_.size() && t_[i_].kind == TokenKind::Operator && t_[i_].text == o;
    }
    bool kind(TokenKind k) const { return i_ < t_.size() && t_[i_].kind == k; }
    bool expect(TokenKind k) {
        if (!kind(k)) {
            failed_ = true;
            return false;
        }
        ++i_;
        return true;
    }
    Typed fail() {
        failed_ = true;
        return Typed::unknown();
    }

    Typed expression() { return disjunction(); }

    Typed disjunction() {
        Typed a = conjunction();
        while (word("or")) {
            ++i_;
            conjunction();
            a = Typed::of(BaseType::Boolean);
        }
        return a;
    }

    Typed conjunction() {
        Typed a = negation();
        while (word("and")) {
            ++i_;
            negation();
            a = Typed::of(BaseType::Boolean);
        }
        return a;
    }

    Typed negation() {
        if (word("not")) {
            ++i_;
            negation();
            return Typed::of(BaseType::Boolean);
        }
        return comparison();
    }

    Typed comparison() {
        Typed a = additive();
        static constexpr std::array<std::string_view, 7> kCompare{"=", "<>", "!=", "<", ">", "<=", ">="};
        while (!failed_ && i_ < t_.size()) {
            if (kind(TokenKind::Operator) &&
                std::find(kCompare.begin(), kCompare.end(), t_[i_].text) != kCompare.end()) {
                ++i_;
                additive();
            } else if (word("is")) {
                ++i_;
                if (word("not")) ++i_;
                if (word("distinct") && word(i_ + 1, "from")) {
                    i_ += 2;
                    additive();
                } else if (word("null") || word("true") || word("false")) {
                    ++i_;
                } else {
                    return fail();
                }
            } else if (word("like") || word("ilike") || word("between")) {
                ++i_;
                additive();
                if (word("and")) return fail();  // BETWEEN x AND y: not typed here
            } else if (word("in") && i_ + 1 < t_.size() && t_[i_ + 1].kind == TokenKind::LParen) {
                i_ = sqltext::matching_paren(t_, i_ + 1) + 1;
            } else {
                break;
            }
            a = Typed::of(BaseType::Boolean);
        }
        return a;
    }

    Typed additive() {
        Typed a = multiplicative();
        while (op("+") || op("-") || op("||")) {
            const std::string o = t_[i_++].text;
            Typed b = multiplicative();
            if (o == "||") {
                a = (a.type && a.type->is_array()) ? a : (b.type && b.type->is_array()) ? b : Typed::of(BaseType::Text);
            } else {
                a = arithmetic(o, a, b);
            }
        }
        return a;
    }

    Typed multiplicative() {
        Typed a = unary();
        while (op("*") || op("/") || op("%")) {
            const std::string o = t_[i_++].text;
            a = arithmetic(o, a, unary());
        }
        return a;
    }

    Typed unary() {
        if (op("-") || op("+")) {
            ++i_;
            return unary();
        }
        Typed v = primary();
        while (kind(TokenKind::Cast)) {
            ++i_;
            v = {type_name(), false};
        }
        return v;
    }

    // A type after `::` or AS: double precision, numeric(10,2), timestamp with time zone, text[].
    std::optional<ColumnType> type_name() {
        if (!kind(TokenKind::Identifier)) {
            failed_ = true;
            return std::nullopt;
        }
        std::string text = t_[i_++].text;
        static constexpr std::array<std::string_view, 6> kContinuations{"precision", "varying", "with",
                                                                        "without",   "time",    "zone"};
        while (kind(TokenKind::Identifier) &&
               std::find(kContinuations.begin(), kContinuations.end(), t_[i_].text) != kContinuations.end())
            text += " " + t_[i_++].text;
        if (kind(TokenKind::LParen)) {
            const size_t close = sqltext::matching_paren(t_, i_);
            text += "(";
            for (size_t k = i_ + 1; k < close; ++k) text += t_[k].text;
            text += ")";
            i_ = close + 1;
            while (kind(TokenKind::Identifier) &&
                   std::find(kContinuations.begin(), kContinuations.end(), t_[i_].text) != kContinuations.end())
                text += " " + t_[i_++].text;
        }
        while (op("[") || op("[]")) {
            const bool pair = op("[]");
            ++i_;
            if (!pair && !op("]")) {
                failed_ = true;
                return std::nullopt;
            }
            if (!pair) ++i_;
            text += "[]";
        }
        std::string error;
        return parse_column_type(text, {}, &error);
    }

    Typed primary() {
        if (i_ >= t_.size()) return fail();
        const Token& tok = t_[i_];
        switch (tok.kind) {
            case TokenKind::Number:
                ++i_;
                return number(tok.text);
            case TokenKind::String:
                ++i_;
                return Typed::literal();
            case TokenKind::LParen: {
                ++i_;
                Typed v = expression();
                expect(TokenKind::RParen);
                return v;
            }
            case TokenKind::QuotedIdentifier:
                if (i_ + 1 < t_.size() && t_[i_ + 1].kind == TokenKind::Dot) return qualified_column();
                ++i_;
                return column(tok.text);
            case TokenKind::Identifier:
                return identifier();
            case TokenKind::Operator:
            case TokenKind::RParen:
            case TokenKind::Comma:
            case TokenKind::Dot:
            case TokenKind::Cast:
                break;
        }
        return fail();
    }

    Typed number(const std::string& text) {
        const bool whole = std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (!whole) return Typed::of(BaseType::Numeric);
        if (text.size() < 10 || (text.size() == 10 && text <= "2147483647")) return Typed::of(BaseType::Integer);
        if (text.size() < 19 || (text.size() == 19 && text <= "9223372036854775807"))
            return Typed::of(BaseType::Bigint);
        return Typed::of(BaseType::Numeric);
    }

    Typed column(const std::string& name) {
        const RelationColumn* c = source_.find(name);
        if (!c || !c->type) return Typed::unknown();
        return {c->type, false};
    }

    // relation.column: a column of the source or of a joined table.
    Typed qualified_column() {
        if (i_ + 2 >= t_.size() ||
            (t_[i_ + 2].kind != TokenKind::Identifier && t_[i_ + 2].kind != TokenKind::QuotedIdentifier))
            return fail();
        const RelationColumn* c = source_.find_qualified(t_[i_].text, t_[i_ + 2].text);
        i_ += 3;
        if (!c || !c->type) return Typed::unknown();
        return {c->type, false};
    }

    Typed identifier() {
        const std::string name = t_[i_].text;
        const bool call = i_ + 1 < t_.size() && t_[i_ + 1].kind == TokenKind::LParen;
        if (name == "true" || name == "false") {
            ++i_;
            return Typed::of(BaseType::Boolean);
        }
        if (name == "null") {
            ++i_;
            return Typed::literal();
        }
        if (name == "case") return case_expression();
        if (name == "array" && i_ + 1 < t_.size() && t_[i_ + 1].kind == TokenKind::Operator && t_[i_ + 1].text == "[")
            return array_constructor();
        if (name == "cast" && call) return cast();
        if (name == "extract" && call) {
            i_ = sqltext::matching_paren(t_, i_ + 1) + 1;
            return Typed::of(BaseType::Numeric);
        }
        if (call) return function_call(name);
        if (i_ + 1 < t_.size() && t_[i_ + 1].kind == TokenKind::Dot) return qualified_column();
        ++i_;
        return column(name);
    }

    Typed case_expression() {
        ++i_;                             // CASE
        if (!word("when")) expression();  // the simple form: CASE x WHEN ...
        std::vector<Typed> results;
        while (word("when")) {
            ++i_;
            expression();
            if (!word("then")) return fail();
            ++i_;
            results.push_back(expression());
        }
        if (word("else")) {
            ++i_;
            results.push_back(expression());
        }
        if (!word("end")) return fail();
        ++i_;
        Typed v = common(results);
        return v.untyped_literal ? Typed::of(BaseType::Text) : v;
    }

    // ARRAY[a, b, ...]: an array of the elements' common type.
    Typed array_constructor() {
        i_ += 2;  // ARRAY [
        std::vector<Typed> elements;
        while (!op("]") && !failed_ && i_ < t_.size()) {
            elements.push_back(expression());
            if (kind(TokenKind::Comma))
                ++i_;
            else if (!op("]"))
                return fail();
        }
        if (!op("]")) return fail();
        ++i_;
        Typed element = common(elements);
        if (!element.type) return Typed::unknown();
        element.type->array_dims = 1;
        return element;
    }

    Typed cast() {
        i_ += 2;  // CAST (
        expression();
        if (!word("as")) return fail();
        ++i_;
        auto type = type_name();
        expect(TokenKind::RParen);
        return {type, false};
    }

    Typed function_call(const std::string& name) {
        const catalog::AggregateFunction* aggregate = catalog::find_aggregate_function(name);
        if (aggregate && outermost_.empty()) outermost_ = name;
        i_ += 2;  // name (
        if (word("distinct") || word("all")) ++i_;
        std::vector<Typed> args;
        if (op("*")) {
            ++i_;
        } else {
            while (!kind(TokenKind::RParen) && !failed_ && i_ < t_.size()) {
                args.push_back(expression());
                if (word("order") && word(i_ + 1, "by")) skip_order_by();
                if (kind(TokenKind::Comma))
                    ++i_;
                else if (!kind(TokenKind::RParen))
                    return fail();
            }
        }
        if (!expect(TokenKind::RParen)) return Typed::unknown();
        std::optional<Typed> key;
        if (word("within") && word(i_ + 1, "group")) {
            i_ += 2;
            if (!expect(TokenKind::LParen) || !word("order") || !word(i_ + 1, "by")) return fail();
            i_ += 2;
            key = expression();
            while (word("asc") || word("desc") || word("nulls") || word("first") || word("last")) ++i_;
            if (!expect(TokenKind::RParen)) return Typed::unknown();
        }
        if (word("filter") && i_ + 1 < t_.size() && t_[i_ + 1].kind == TokenKind::LParen)
            i_ = sqltext::matching_paren(t_, i_ + 1) + 1;
        if (!aggregate) return scalar_call(name, args);
        return aggregate_result(*aggregate, args, key);
    }

    void skip_order_by() {
        i_ += 2;
        while (i_ < t_.size() && !kind(TokenKind::RParen)) {
            if (kind(TokenKind::LParen)) i_ = sqltext::matching_paren(t_, i_);
            ++i_;
        }
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

    const std::vector<Token>& t_;
    const RelationShape& source_;
    size_t i_ = 0;
    bool failed_ = false;
    std::string outermost_;
};

}  // namespace

std::optional<ColumnType> infer_expression_type(const std::string& expression, const RelationShape& source) {
    std::string error;
    auto tokens = sqltext::lex(expression, &error);
    if (!tokens || tokens->empty()) return std::nullopt;
    return Typer(*tokens, source).whole();
}

std::string outermost_aggregate(const std::string& expression) {
    std::string error;
    auto tokens = sqltext::lex(expression, &error);
    if (!tokens || tokens->empty()) return "";
    RelationShape none;
    Typer typer(*tokens, none);
    typer.whole();
    return typer.outermost_aggregate();
}

}  // namespace hyperschema
