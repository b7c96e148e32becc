#include "model/relations.hpp"

#include <algorithm>

#include "model/expression_type.hpp"

namespace hyperschema {
namespace {

// Aggregates nest at most this deep; deeper means a cycle, which the
// validator reports on its own.
constexpr int kMaxDepth = 32;

}  // namespace

const RelationColumn* RelationShape::find(const std::string& name) const {
    auto it = std::find_if(columns.begin(), columns.end(), [&](const RelationColumn& c) { return c.name == name; });
    return it == columns.end() ? nullptr : &*it;
}

const RelationColumn* RelationShape::find_qualified(const std::string& relation, const std::string& column) const {
    for (const auto& q : qualified)
        if (q.relation == relation && q.column.name == column) return &q.column;
    return nullptr;
}

std::vector<std::string> RelationShape::relations() const {
    std::vector<std::string> out;
    for (const auto& q : qualified)
        if (std::find(out.begin(), out.end(), q.relation) == out.end()) out.push_back(q.relation);
    return out;
}

std::vector<std::string> RelationShape::columns_of(const std::string& relation) const {
    std::vector<std::string> out;
    for (const auto& q : qualified)
        if (q.relation == relation) out.push_back(q.column.name);
    return out;
}

std::vector<std::string> RelationShape::relations_with(const std::string& column) const {
    std::vector<std::string> out;
    for (const auto& q : qualified)
        if (q.column.name == column) out.push_back(q.relation);
    return out;
}

std::vector<std::string> RelationShape::names() const {
    std::vector<std::string> out;
    for (const auto& c : columns) out.push_back(c.name);
    return out;
}

RelationShape row_shape_of(const Table& table) {
    RelationShape shape;
    for (const auto& c : table.columns) shape.columns.push_back({c.name, c.type, c.nullable});
    shape.found = true;
    return shape;
}

RelationShape shape_of(const Schema& schema, const std::string& name, int depth) {
    RelationShape shape;
    if (depth > kMaxDepth) return shape;
    if (const Table* table = schema.find_table(name); table && table->hypertable) {
        shape = row_shape_of(*table);
        shape.time_column = table->hypertable->time_column.name;
    } else if (const ContinuousAggregate* agg = schema.find_aggregate(name)) {
        shape = output_of(schema, *agg, depth + 1);
    }
    return shape;
}

RelationShape from_shape(const Schema& schema, const ContinuousAggregate& aggregate, int depth) {
    RelationShape shape = shape_of(schema, aggregate.source.name, depth);
    for (const auto& c : shape.columns) shape.qualified.push_back({aggregate.source.name, c});
    for (const auto& join : aggregate.joins) {
        const Table* table = schema.find_table(join.table.name);
        if (!table) continue;
        for (const auto& c : table->columns) {
            RelationColumn column{c.name, c.type, c.nullable || join.left};
            shape.qualified.push_back({table->name, column});
            if (std::find(shape.ambiguous.begin(), shape.ambiguous.end(), c.name) != shape.ambiguous.end()) continue;
            auto same = std::find_if(shape.columns.begin(), shape.columns.end(),
                                     [&](const RelationColumn& other) { return other.name == c.name; });
            if (same == shape.columns.end()) {
                shape.columns.push_back(column);
            } else {
                shape.columns.erase(same);
                shape.ambiguous.push_back(c.name);
            }
        }
    }
    return shape;
}

RelationShape output_of(const Schema& schema, const ContinuousAggregate& aggregate, int depth) {
    RelationShape source = from_shape(schema, aggregate, depth);
    RelationShape out;
    out.found = source.found;
    out.time_column = aggregate.bucket_column;
    const RelationColumn* time = source.find_qualified(aggregate.source.name, source.time_column);
    out.columns.push_back({aggregate.bucket_column, time ? time->type : std::nullopt, false});
    for (const auto& g : aggregate.group_by) {
        if (!g.is_column()) {
            out.columns.push_back({g.name, g.type ? g.type : infer_expression_type(g.expression, source), true});
            continue;
        }
        const RelationColumn* c = g.relation.empty() ? source.find(g.name) : source.find_qualified(g.relation, g.name);
        out.columns.push_back({g.name, c ? c->type : std::nullopt, c ? c->nullable : true});
    }
    for (const auto& c : aggregate.columns) {
        auto type = c.type ? c.type : infer_expression_type(c.expression, source);
        out.columns.push_back({c.name, type, true});
    }
    // A `column_order` the validator accepted names each column once; one it
    // refused leaves the default order.
    if (aggregate.column_order.size() == out.columns.size()) {
        std::vector<RelationColumn> ordered;
        for (const auto& name : aggregate.column_order)
            if (const RelationColumn* c = out.find(name.name)) ordered.push_back(*c);
        if (ordered.size() == out.columns.size()) out.columns = std::move(ordered);
    }
    return out;
}

}  // namespace hyperschema
