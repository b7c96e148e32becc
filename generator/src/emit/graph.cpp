#include "emit/graph.hpp"

#include <vector>

#include "emit/printer.hpp"
#include "model/dependencies.hpp"

namespace hyperschema::emit {
namespace {

// What is drawn, before it is written in either format.
enum class Shape { Table, Hypertable, Aggregate, View, MaterializedView };
// A foreign key, an aggregate's source, a table it joins, what a view reads.
enum class Link { References, Aggregates, Joins, Reads };

struct Node {
    std::string name;
    Shape shape;
    std::vector<std::string> lines;  // under the name: kind, partitioning, policies
};

struct Edge {
    std::string from, to, label;
    Link link;
};

struct Graph {
    std::vector<Node> nodes;
    std::vector<Edge> edges;
};

std::string join_names(const std::vector<NameRef>& refs) {
    std::string out;
    for (const auto& r : refs) out += (out.empty() ? "" : ", ") + r.name;
    return out;
}

// "compressed after 7 days", "dropped after 90 days", "reordered by idx",
// "refreshed every 30 minutes (3 hours to 1 hour ago)".
std::vector<std::string> policy_lines(const Policies& policies) {
    std::vector<std::string> out;
    for (const auto& p : policies.items) {
        switch (p.kind) {
            case PolicyKind::Refresh: {
                auto bound = [](const std::optional<Interval>& iv, const char* none) {
                    return iv ? iv->text() : std::string(none);
                };
                out.push_back("refreshed every " + (p.job.schedule ? p.job.schedule->text() : "?") + " (" +
                              bound(p.start_offset, "all") + " to " + bound(p.end_offset, "now") + " ago)");
                break;
            }
            case PolicyKind::Compression:
                out.push_back("compressed after " + (p.after ? p.after->text() : "?"));
                break;
            case PolicyKind::Retention:
                out.push_back("dropped after " + (p.after ? p.after->text() : "?"));
                break;
            case PolicyKind::Reorder:
                out.push_back("reordered by " + p.index.name);
                break;
        }
    }
    return out;
}

Node table_node(const Table& t) {
    Node n{t.name, Shape::Table, {}};
    if (!t.hypertable) return n;
    const Hypertable& h = *t.hypertable;
    n.shape = Shape::Hypertable;
    n.lines.push_back("hypertable on " + h.time_column.name + ", chunks of " +
                      (h.chunk_interval ? h.chunk_interval->text() : std::string("7 days")));
    for (const auto& d : h.dimensions)
        n.lines.push_back(d.is_hash() ? "hash " + d.column.name + " into " + std::to_string(d.partitions)
                                      : "range " + d.column.name + (d.interval ? " of " + d.interval->text() : ""));
    for (auto& line : policy_lines(h.policies)) n.lines.push_back(std::move(line));
    return n;
}

Node aggregate_node(const ContinuousAggregate& a) {
    Node n{a.name, Shape::Aggregate, {"continuous aggregate, buckets of " + a.bucket.text()}};
    if (!a.group_by.empty()) {
        std::string keys;
        for (const auto& g : a.group_by) keys += (keys.empty() ? "" : ", ") + g.name;
        n.lines.push_back("by " + keys);
    }
    if (!a.materialized_only) n.lines.push_back("real-time");
    for (auto& line : policy_lines(a.policies)) n.lines.push_back(std::move(line));
    return n;
}

Graph graph_of(const Schema& schema) {
    Graph g;
    for (const auto& t : schema.tables) {
        g.nodes.push_back(table_node(t));
        for (const auto& fk : t.foreign_keys)
            g.edges.push_back({t.name, fk.ref_table.name, join_names(fk.columns), Link::References});
    }
    for (const auto& a : schema.aggregates) {
        g.nodes.push_back(aggregate_node(a));
        g.edges.push_back({a.source.name, a.name, a.bucket.text(), Link::Aggregates});
        for (const auto& j : a.joins)
            g.edges.push_back({j.table.name, a.name, j.left ? "left join" : "join", Link::Joins});
    }
    for (const auto& v : schema.views) {
        g.nodes.push_back({v.name,
                           v.materialized ? Shape::MaterializedView : Shape::View,
                           {v.materialized ? "materialized view" : "view"}});
        for (const auto& dependency : view_dependencies(schema, v))
            g.edges.push_back({dependency, v.name, "", Link::Reads});
    }
    return g;
}

// Mermaid: ids get a prefix (`end` and other words would break a flowchart),
// labels are quoted with `"` spelled #quot;.
std::string mermaid_text(const std::string& text) {
    std::string out;
    for (char c : text) out += c == '"' ? std::string("#quot;") : std::string(1, c);
    return out;
}

std::string mermaid(const Schema& schema, const Graph& g) {
    Printer p;
    p.print("flowchart LR\n");
    auto indent = p.indent();
    p.print("%% schema $name$ (namespace $ns$)\n", {{"name", schema.name}, {"ns", schema.namespace_}});
    for (const auto& n : g.nodes) {
        std::string label = "<b>" + n.name + "</b>";
        for (const auto& line : n.lines) label += "<br/>" + line;
        static const char* const kOpen[] = {"[", "[(", "[[", "{{", "[/"};
        static const char* const kClose[] = {"]", ")]", "]]", "}}", "/]"};
        const auto shape = static_cast<size_t>(n.shape);
        p.print("n_$id$$open$\"$label$\"$close$\n",
                {{"id", n.name}, {"open", kOpen[shape]}, {"label", mermaid_text(label)}, {"close", kClose[shape]}});
    }
    for (const auto& e : g.edges) {
        static const char* const kArrow[] = {"-->", "==>", "-.->", "-.->"};
        const std::string arrow = kArrow[static_cast<size_t>(e.link)];
        p.print("n_$from$ $arrow$$label$ n_$to$\n",
                {{"from", e.from},
                 {"arrow", arrow},
                 {"label", e.label.empty() ? "" : "|\"" + mermaid_text(e.label) + "\"|"},
                 {"to", e.to}});
    }
    return p.text();
}

// DOT: ids and labels are quoted strings; `"` and `\` escaped.
std::string dot_text(const std::string& text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

std::string dot(const Schema& schema, const Graph& g) {
    Printer p;
    p.print("digraph $name$ {\n", {{"name", dot_text(schema.name)}});
    {
        auto indent = p.indent();
        p.print(
            "rankdir=LR;\nnode [fontname=\"Helvetica\", fontsize=10];\nedge [fontname=\"Helvetica\", fontsize=9];\n");
        for (const auto& n : g.nodes) {
            std::string label = n.name;
            for (const auto& line : n.lines) label += "\n" + line;
            std::string escaped = dot_text(label);
            // DOT reads \n inside a quoted label as a line break.
            for (size_t at = escaped.find('\n'); at != std::string::npos; at = escaped.find('\n', at))
                escaped.replace(at, 1, "\\n");
            static const char* const kShape[] = {"box", "cylinder", "box3d", "hexagon", "parallelogram"};
            p.print("$id$ [shape=$shape$, label=$label$];\n",
                    {{"id", dot_text(n.name)}, {"shape", kShape[static_cast<size_t>(n.shape)]}, {"label", escaped}});
        }
        for (const auto& e : g.edges) {
            static const char* const kStyle[] = {"solid", "bold", "dashed", "dotted"};
            p.print("$from$ -> $to$ [style=$style$$label$];\n",
                    {{"from", dot_text(e.from)},
                     {"to", dot_text(e.to)},
                     {"style", kStyle[static_cast<size_t>(e.link)]},
                     {"label", e.label.empty() ? "" : ", label=" + dot_text(e.label)}});
        }
    }
    p.print("}\n");
    return p.text();
}

}  // namespace

std::string schema_graph(const Schema& schema, GraphFormat format) {
    const Graph g = graph_of(schema);
    return format == GraphFormat::Mermaid ? mermaid(schema, g) : dot(schema, g);
}

}  // namespace hyperschema::emit
