// Unique names, dependency cycles, and the checks shared by every SQL fragment.

#include <algorithm>
#include <map>

#include "model/dependencies.hpp"
#include "sqltext/lexer.hpp"
#include "validate/rules.hpp"

namespace hyperschema::rules {
namespace {

// Reports a second definition of a name in one namespace, with a note at the first.
class NameTable {
public:
    NameTable(Diagnostics& diags, std::string scope) : diags_(diags), scope_(std::move(scope)) {}

    void add(const std::string& name, const std::string& kind, const SourceLocation& loc) {
        auto [it, inserted] = seen_.emplace(name, Entry{kind, loc});
        if (inserted) return;
        auto& d = diags_.error(loc, kind + " `" + name + "` has the same name as " + article(it->second.kind) + " " +
                                        scope_ + "; names must be unique");
        Diagnostics::add_note(d, it->second.loc, "`" + name + "` is first defined here as " + article(it->second.kind));
    }

private:
    struct Entry {
        std::string kind;
        SourceLocation loc;
    };
    static std::string article(const std::string& kind) {
        return (std::string("aeiou").find(kind[0]) != std::string::npos ? "an " : "a ") + kind;
    }

    Diagnostics& diags_;
    std::string scope_;
    std::map<std::string, Entry> seen_;
};

void check_table_internal_names(const Table& table, Diagnostics& diags) {
    NameTable columns(diags, "in table `" + table.name + "`");
    for (const auto& c : table.columns) columns.add(c.name, "column", c.loc);
    // PostgreSQL wants constraint names unique per table.
    NameTable constraints(diags, "in table `" + table.name + "`");
    if (table.primary_key) constraints.add(table.primary_key->name, "constraint", table.primary_key->loc);
    for (const auto& u : table.uniques) constraints.add(u.name, "constraint", u.loc);
    for (const auto& f : table.foreign_keys) constraints.add(f.name, "constraint", f.loc);
    for (const auto& c : table.checks) constraints.add(c.name, "constraint", c.loc);
}

}  // namespace

std::vector<std::string> column_names(const Table& table) {
    std::vector<std::string> out;
    for (const auto& c : table.columns) out.push_back(c.name);
    return out;
}

void check_names(const Schema& schema, Diagnostics& diags) {
    // Tables, views, aggregates, indexes and the indexes behind primary keys
    // and unique constraints share one namespace in PostgreSQL (pg_class);
    // enums share pg_type with the row types of every table and view.
    NameTable relations(diags, "in this schema");
    for (const auto& t : schema.tables) relations.add(t.name, "table", t.loc);
    for (const auto& v : schema.views) relations.add(v.name, "view", v.loc);
    for (const auto& a : schema.aggregates) relations.add(a.name, "continuous aggregate", a.loc);
    for (const auto& e : schema.enums) relations.add(e.name, "enum", e.loc);
    for (const auto& t : schema.tables) {
        for (const auto& i : t.indexes) relations.add(i.name, "index", i.loc);
        if (t.primary_key) relations.add(t.primary_key->name, "primary key index", t.primary_key->loc);
        for (const auto& u : t.uniques) relations.add(u.name, "unique constraint index", u.loc);
        check_table_internal_names(t, diags);
    }
    NameTable extensions(diags, "in this schema");
    for (const auto& e : schema.extensions) extensions.add(e.name, "extension", e.loc);
    for (const auto& e : schema.enums) {
        NameTable labels(diags, "in enum `" + e.name + "`");
        for (const auto& v : e.values) labels.add(v.name, "label", v.loc);
    }
}

void check_dependencies(const Schema& schema, Diagnostics& diags) {
    CreationOrder order = creation_order(schema);
    auto path = [](const std::vector<std::string>& names) {
        std::string out;
        for (size_t i = 0; i < names.size(); ++i) out += (i ? " -> " : "") + quoted(names[i]);
        return out;
    };
    for (const auto& cycle : order.relation_cycles) {
        const std::string& first = cycle.front();
        SourceLocation loc;
        if (const View* v = schema.find_view(first)) loc = v->loc;
        if (const ContinuousAggregate* a = schema.find_aggregate(first)) loc = a->loc;
        diags.error(loc, "dependency cycle between views and aggregates: " + path(cycle) +
                             "; one of them must stop reading the other");
    }
    // Cycles of foreign keys are legal (we add those constraints after all
    // tables exist), so they are not reported.
}

void check_fragment(const std::string& sql, const SourceLocation& loc, const FragmentRules& rules, Diagnostics& diags) {
    if (sql.empty()) return;
    std::string error;
    auto tokens = sqltext::lex(sql, &error);
    if (!tokens) {
        diags.error(loc, "in " + rules.what + ": " + error);
        return;
    }
    if (rules.require_immutable) {
        for (const auto& fn : sqltext::non_immutable_functions(*tokens)) {
            diags.error(loc, "`" + fn + "` in " + rules.what + " is not IMMUTABLE: " + rules.immutable_reason);
        }
    }
    if (!rules.columns) return;
    for (const auto& t : sqltext::bare_identifiers(*tokens)) {
        if (std::find(rules.columns->begin(), rules.columns->end(), t.text) != rules.columns->end()) continue;
        diags.error(loc, "unknown column `" + t.text + "` in " + rules.what + did_you_mean(t.text, *rules.columns) +
                             "; available: " + one_of(*rules.columns));
    }
}

}  // namespace hyperschema::rules
