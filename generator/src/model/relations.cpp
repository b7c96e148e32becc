#include "model/relations.hpp"

#include <algorithm>

#include "sqltext/lexer.hpp"

namespace hyperschema {
namespace {

// Aggregates nest at most this deep; deeper means a cycle, which the
// validator reports on its own.
constexpr int kMaxDepth = 32;

ColumnType of(BaseType base) {
    ColumnType t;
    t.base = base;
    return t;
}

std::optional<ColumnType> result_type(const std::string& fn, const ColumnType& arg) {
    const bool floating = arg.base == BaseType::Real || arg.base == BaseType::DoublePrecision;
    if (fn == "count") return of(BaseType::Bigint);
    if (fn == "min" || fn == "max" || fn == "first" || fn == "last") return arg;
    if (!arg.is_numeric_family()) return std::nullopt;
    if (fn == "avg") return floating ? of(BaseType::DoublePrecision) : of(BaseType::Numeric);
    if (fn == "sum") {
        if (arg.base == BaseType::Smallint || arg.base == BaseType::Integer) return of(BaseType::Bigint);
        if (arg.base == BaseType::Bigint) return of(BaseType::Numeric);
        return floating ? of(arg.base) : of(BaseType::Numeric);
    }
    static const std::vector<std::string> kStatistics{"stddev",   "stddev_samp", "stddev_pop",
                                                      "variance", "var_samp",    "var_pop"};
    if (std::find(kStatistics.begin(), kStatistics.end(), fn) != kStatistics.end()) {
        return floating ? of(BaseType::DoublePrecision) : of(BaseType::Numeric);
    }
    return std::nullopt;
}

}  // namespace

const RelationColumn* RelationShape::find(const std::string& name) const {
    auto it = std::find_if(columns.begin(), columns.end(), [&](const RelationColumn& c) { return c.name == name; });
    return it == columns.end() ? nullptr : &*it;
}

std::vector<std::string> RelationShape::names() const {
    std::vector<std::string> out;
    for (const auto& c : columns) out.push_back(c.name);
    return out;
}

RelationShape shape_of(const Schema& schema, const std::string& name, int depth) {
    RelationShape shape;
    if (depth > kMaxDepth) return shape;
    if (const Table* table = schema.find_table(name); table && table->hypertable) {
        for (const auto& c : table->columns) shape.columns.push_back({c.name, c.type, c.nullable});
        shape.time_column = table->hypertable->time_column.name;
        shape.found = true;
    } else if (const ContinuousAggregate* agg = schema.find_aggregate(name)) {
        shape = output_of(schema, *agg, depth + 1);
    }
    return shape;
}

RelationShape output_of(const Schema& schema, const ContinuousAggregate& aggregate, int depth) {
    RelationShape source = shape_of(schema, aggregate.source.name, depth);
    RelationShape out;
    out.found = source.found;
    out.time_column = aggregate.bucket_column;
    const RelationColumn* time = source.find(source.time_column);
    out.columns.push_back({aggregate.bucket_column, time ? time->type : std::nullopt, false});
    for (const auto& g : aggregate.group_by) {
        const RelationColumn* c = source.find(g.name);
        out.columns.push_back({g.name, c ? c->type : std::nullopt, c ? c->nullable : true});
    }
    for (const auto& c : aggregate.columns) {
        auto type = c.type ? c.type : infer_aggregate_type(c.expression, source);
        out.columns.push_back({c.name, type, true});
    }
    return out;
}

std::optional<ColumnType> infer_aggregate_type(const std::string& expression, const RelationShape& source) {
    std::string error;
    auto tokens = sqltext::lex(expression, &error);
    if (!tokens) return std::nullopt;
    const auto& t = *tokens;
    using sqltext::TokenKind;
    // percentile_cont(f) WITHIN GROUP (ORDER BY x) is double precision for a numeric x.
    if (!t.empty() && t[0].text == "percentile_cont") return of(BaseType::DoublePrecision);
    // fn(column) or fn(column, time) or count(*)
    if (t.size() < 4 || t[0].kind != TokenKind::Identifier || t[1].kind != TokenKind::LParen ||
        t.back().kind != TokenKind::RParen)
        return std::nullopt;
    if (t[0].text == "count") return of(BaseType::Bigint);
    if (t[2].kind != TokenKind::Identifier && t[2].kind != TokenKind::QuotedIdentifier) return std::nullopt;
    bool single_argument = t.size() == 4;
    bool first_last = (t[0].text == "first" || t[0].text == "last") && t.size() == 6 && t[3].kind == TokenKind::Comma;
    if (!single_argument && !first_last) return std::nullopt;
    const RelationColumn* column = source.find(t[2].text);
    if (!column || !column->type) return std::nullopt;
    return result_type(t[0].text, *column->type);
}

}  // namespace hyperschema
