#include "model/dependencies.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "sqltext/sql_parser.hpp"

namespace hyperschema {
namespace {

// Kahn's algorithm that always takes the earliest ready node, so the result
// is the YAML order wherever dependencies allow it. deps[i] are indices that
// must come before i. Returns the order; nodes left in cycles come last.
std::vector<size_t> stable_topological_order(const std::vector<std::set<size_t>>& deps, std::vector<size_t>* leftover) {
    const size_t n = deps.size();
    std::vector<size_t> order;
    std::vector<bool> done(n, false);
    while (order.size() < n) {
        bool progressed = false;
        for (size_t i = 0; i < n; ++i) {
            if (done[i]) continue;
            bool ready = std::all_of(deps[i].begin(), deps[i].end(), [&](size_t d) { return done[d] || d == i; });
            if (!ready) continue;
            done[i] = true;
            order.push_back(i);
            progressed = true;
            break;
        }
        if (!progressed) break;
    }
    for (size_t i = 0; i < n; ++i) {
        if (!done[i]) {
            leftover->push_back(i);
            order.push_back(i);
        }
    }
    return order;
}

// Follows dependencies among the leftover nodes to name one cycle.
std::vector<std::string> describe_cycle(const std::vector<std::set<size_t>>& deps, const std::vector<size_t>& leftover,
                                        const std::function<std::string(size_t)>& name_of) {
    std::set<size_t> in_cycle(leftover.begin(), leftover.end());
    std::vector<size_t> path{leftover.front()};
    std::set<size_t> seen{leftover.front()};
    while (true) {
        size_t next = SIZE_MAX;
        for (size_t d : deps[path.back()]) {
            if (in_cycle.count(d) && d != path.back()) {
                next = d;
                break;
            }
        }
        if (next == SIZE_MAX) break;
        if (seen.count(next)) {
            auto start = std::find(path.begin(), path.end(), next);
            std::vector<std::string> names;
            for (auto it = start; it != path.end(); ++it) names.push_back(name_of(*it));
            names.push_back(name_of(next));
            return names;
        }
        seen.insert(next);
        path.push_back(next);
    }
    return {name_of(leftover.front())};
}

}  // namespace

std::vector<std::string> view_dependencies(const Schema& schema, const View& view) {
    std::vector<std::string> out;
    for (const auto& d : view.depends_on) out.push_back(d.name);
    // The relations its query reads, from PostgreSQL's parse of it (names WITH
    // defines are the query's own).
    const auto tree = sqltext::parse_query(view.sql).tree;
    for (const auto& relation : tree.relations) {
        const std::string& name = relation.name;
        if (std::find(tree.common_tables.begin(), tree.common_tables.end(), name) != tree.common_tables.end()) continue;
        bool known = schema.find_table(name) || schema.find_view(name) || schema.find_aggregate(name);
        if (known && std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
    }
    return out;
}

CreationOrder creation_order(const Schema& schema) {
    CreationOrder result;

    std::map<std::string, size_t> table_index;
    for (size_t i = 0; i < schema.tables.size(); ++i) table_index.emplace(schema.tables[i].name, i);
    std::vector<std::set<size_t>> table_deps(schema.tables.size());
    for (size_t i = 0; i < schema.tables.size(); ++i) {
        for (const auto& fk : schema.tables[i].foreign_keys) {
            auto it = table_index.find(fk.ref_table.name);
            if (it != table_index.end() && it->second != i) table_deps[i].insert(it->second);
        }
    }
    std::vector<size_t> leftover;
    for (size_t i : stable_topological_order(table_deps, &leftover)) result.tables.push_back(&schema.tables[i]);
    if (!leftover.empty()) {
        result.table_cycles.push_back(
            describe_cycle(table_deps, leftover, [&](size_t i) { return schema.tables[i].name; }));
    }

    // Views first, then aggregates, as long as dependencies allow.
    std::vector<DerivedRelation> nodes;
    for (const auto& v : schema.views) nodes.push_back({&v, nullptr});
    for (const auto& a : schema.aggregates) nodes.push_back({nullptr, &a});
    std::map<std::string, size_t> node_index;
    for (size_t i = 0; i < nodes.size(); ++i) node_index.emplace(nodes[i].name(), i);
    std::vector<std::set<size_t>> deps(nodes.size());
    for (size_t i = 0; i < nodes.size(); ++i) {
        std::vector<std::string> names = nodes[i].view ? view_dependencies(schema, *nodes[i].view)
                                                       : std::vector<std::string>{nodes[i].aggregate->source.name};
        for (const auto& name : names) {
            auto it = node_index.find(name);
            if (it != node_index.end()) deps[i].insert(it->second);
        }
    }
    leftover.clear();
    for (size_t i : stable_topological_order(deps, &leftover)) result.relations.push_back(nodes[i]);
    if (!leftover.empty()) {
        result.relation_cycles.push_back(describe_cycle(deps, leftover, [&](size_t i) { return nodes[i].name(); }));
    }
    return result;
}

}  // namespace hyperschema
