// Unique names, dependency cycles, and the checks shared by every SQL fragment.

#include <algorithm>
#include <map>
#include <optional>

#include "catalog/functions.hpp"
#include "model/dependencies.hpp"
#include "sqltext/expression.hpp"
#include "sqltext/lexer.hpp"
#include "validate/rules.hpp"

namespace hyperschema::rules {
namespace {

// Reports a second definition of a name in one namespace, with a note at the first.
class NameTable {
public:
    NameTable(Diagnostics& diags, std::string scope) : diags_(diags), scope_(std::move(scope)) {}

    // False when the name was taken (and reported).
    bool add(const std::string& name, const std::string& kind, const SourceLocation& loc) {
        auto [it, inserted] = seen_.emplace(name, Entry{kind, loc});
        if (inserted) return true;
        auto& d = diags_.error(loc, kind + " `" + name + "` has the same name as " + article(it->second.kind) + " " +
                                        scope_ + "; names must be unique");
        Diagnostics::add_note(d, it->second.loc, "`" + name + "` is first defined here as " + article(it->second.kind));
        return false;
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
    for (const auto& c : table.columns) {
        columns.add(c.name, "column", c.loc);
        check_not_system_column(c.name, "column `" + table.name + "." + c.name + "`", c.loc, diags);
    }
    // PostgreSQL wants constraint names unique per table.
    NameTable constraints(diags, "in table `" + table.name + "`");
    if (table.primary_key) constraints.add(table.primary_key->name, "constraint", table.primary_key->loc);
    for (const auto& u : table.uniques) constraints.add(u.name, "constraint", u.loc);
    for (const auto& f : table.foreign_keys) constraints.add(f.name, "constraint", f.loc);
    for (const auto& c : table.checks) constraints.add(c.name, "constraint", c.loc);
    for (const auto& x : table.exclusions) constraints.add(x.name, "constraint", x.loc);
}

// PostgreSQL's makeObjectName(): name1_name2_label, the longer of the two
// names shortened a byte at a time until the whole fits in 63 bytes.
std::string object_name(const std::string& name1, const std::string& name2, const std::string& label) {
    const size_t available = 63 - 1 - (label.size() + 1);
    size_t n1 = name1.size(), n2 = name2.size();
    while (n1 + n2 > available) {
        if (n1 > n2) {
            --n1;
        } else {
            --n2;
        }
    }
    return name1.substr(0, n1) + "_" + name2.substr(0, n2) + "_" + label;
}

// create_hypertable() with create_default_indexes adds an index on the time
// column (time DESC) named <table>_<time column>_idx, unless an index on the
// time column alone exists already (a primary key or unique constraint on
// it; the schema's own indexes are created later).
std::optional<std::string> default_time_index(const Table& table) {
    if (!table.hypertable || !table.hypertable->create_default_indexes) return std::nullopt;
    const std::string& time = table.hypertable->time_column.name;
    if (time.empty()) return std::nullopt;
    auto only_time = [&](const std::vector<NameRef>& columns) {
        return columns.size() == 1 && columns.front().name == time;
    };
    if (table.primary_key && only_time(table.primary_key->columns)) return std::nullopt;
    for (const auto& u : table.uniques) {
        if (only_time(u.columns)) return std::nullopt;
    }
    return object_name(table.name, time, "idx");
}

void check_default_index_names(const Schema& schema, Diagnostics& diags) {
    for (const auto& table : schema.tables) {
        auto reserved = default_time_index(table);
        if (!reserved) continue;
        auto report = [&](const std::string& kind, const SourceLocation& loc) {
            diags.error(loc, kind + " `" + *reserved +
                                 "` has the name of the index TimescaleDB creates on the time "
                                 "column of hypertable `" +
                                 table.name + "` (`create_default_indexes`), so creating it fails (\"relation \"" +
                                 *reserved + "\" already exists\"); rename it, or set `create_default_indexes: false`");
        };
        for (const auto& t : schema.tables) {
            // A table created after the hypertable collides; one created
            // before makes TimescaleDB skip its index. Both are refused: the
            // order of tables is not the user's to think about.
            if (t.name == *reserved) report("table", t.loc);
            for (const auto& i : t.indexes) {
                if (i.name == *reserved) report("index", i.loc);
            }
        }
        for (const auto& v : schema.views) {
            if (v.name == *reserved) report("view", v.loc);
        }
        for (const auto& a : schema.aggregates) {
            if (a.name == *reserved) report("continuous aggregate", a.loc);
        }
    }
}

}  // namespace

std::vector<std::string> column_names(const Table& table) {
    std::vector<std::string> out;
    for (const auto& c : table.columns) out.push_back(c.name);
    return out;
}

std::vector<std::string> table_names(const Schema& schema) {
    std::vector<std::string> out;
    for (const auto& t : schema.tables) out.push_back(t.name);
    return out;
}

std::vector<std::string> names_of(const std::vector<NameRef>& refs) {
    std::vector<std::string> out;
    for (const auto& r : refs) out.push_back(r.name);
    return out;
}

std::vector<std::string> relation_names(const Schema& schema) {
    std::vector<std::string> out;
    for (const auto& t : schema.tables) out.push_back(t.name);
    for (const auto& v : schema.views) out.push_back(v.name);
    for (const auto& a : schema.aggregates) out.push_back(a.name);
    return out;
}

std::vector<RelationColumn> relation_columns(const Table& table) {
    std::vector<RelationColumn> out;
    for (const auto& c : table.columns) out.push_back({c.name, c.type, c.nullable});
    return out;
}

Interval whole_days(const Interval& interval) {
    const int64_t micros = interval.approx_micros();
    const int64_t days = std::max<int64_t>(1, (micros + Interval::kMicrosPerDay - 1) / Interval::kMicrosPerDay);
    return Interval{0, days, 0};
}

void check_not_system_column(const std::string& name, const std::string& what, const SourceLocation& loc,
                             Diagnostics& diags) {
    static const std::vector<std::string> kSystemColumns{"tableoid", "xmin", "cmin", "xmax", "cmax", "ctid"};
    if (std::find(kSystemColumns.begin(), kSystemColumns.end(), name) == kSystemColumns.end()) return;
    diags.error(loc, what + " is refused by PostgreSQL (\"column name \"" + name +
                         "\" conflicts with a system column name\"): every table has a hidden system column `" + name +
                         "`; rename it");
}

std::string pg_type_name(const ColumnType& type) {
    return type.message_name();
}

void check_names(const Schema& schema, Diagnostics& diags) {
    // Tables, views, aggregates, sequences, indexes and the indexes behind
    // primary keys and unique constraints share one namespace (pg_class).
    // Enums share another (pg_type) with the row types of tables and views
    // (aggregates are views); indexes have no row type, so an index may be
    // named like an enum. A relation clash is reported once, by pg_class.
    NameTable relations(diags, "in this schema");
    NameTable types(diags, "in this schema");
    auto add_relation_with_row_type = [&](const std::string& name, const std::string& kind, const SourceLocation& loc) {
        if (relations.add(name, kind, loc)) types.add(name, kind, loc);
    };
    for (const auto& t : schema.tables) add_relation_with_row_type(t.name, "table", t.loc);
    for (const auto& v : schema.views) add_relation_with_row_type(v.name, "view", v.loc);
    for (const auto& a : schema.aggregates) add_relation_with_row_type(a.name, "continuous aggregate", a.loc);
    for (const auto& e : schema.enums) types.add(e.name, "enum", e.loc);
    for (const auto& d : schema.domains) types.add(d.name, "domain", d.loc);
    for (const auto& s : schema.sequences) relations.add(s.name, "sequence", s.loc);
    for (const auto& t : schema.tables) {
        for (const auto& i : t.indexes) relations.add(i.name, "index", i.loc);
        if (t.primary_key) relations.add(t.primary_key->name, "primary key index", t.primary_key->loc);
        for (const auto& u : t.uniques) relations.add(u.name, "unique constraint index", u.loc);
        for (const auto& x : t.exclusions) relations.add(x.name, "exclusion constraint index", x.loc);
        check_table_internal_names(t, diags);
    }
    for (const auto& v : schema.views)
        for (const auto& i : v.indexes) relations.add(i.name, "index", i.loc);
    check_default_index_names(schema, diags);
    NameTable raw_sql(diags, "among the `sql` objects");
    for (const auto& r : schema.raw_sql) raw_sql.add(r.name, "sql object", r.loc);
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

bool non_immutable_call(const sqltext::Expr& node) {
    return (node.is_builtin_call() || node.kind == sqltext::Expr::Kind::ValueFunction) &&
           catalog::is_non_immutable(node.name);
}

void check_fragment(const std::string& sql, const SourceLocation& loc, const FragmentRules& rules, Diagnostics& diags) {
    if (sql.empty()) return;
    std::string error;
    std::vector<size_t> line_comments;
    auto tokens = sqltext::lex(sql, &error, &line_comments);
    if (!tokens) {
        diags.error(loc, "in " + rules.what + ": " + error);
        return;
    }
    if (!line_comments.empty() && !rules.allow_line_comments) {
        diags.error(loc, "a `--` comment inside " + rules.what +
                             " would comment out the SQL written after it (the fragment is pasted into a longer "
                             "statement); use a YAML comment (`#`) instead");
    }
    // What the fragment calls and reads, from PostgreSQL's parse of it (none
    // when it does not parse: check_fragment_syntax reports that).
    const auto tree = sqltext::expression_tree(sql);
    if (!tree) return;
    if (rules.require_immutable) {
        tree->walk([&](const sqltext::Expr& e) {
            if (non_immutable_call(e))
                diags.error(loc, "`" + e.name + "` in " + rules.what + " is not IMMUTABLE: " + rules.immutable_reason);
        });
    }
    if (!rules.columns) return;
    tree->walk([&](const sqltext::Expr& e) {
        if (e.kind != sqltext::Expr::Kind::Column || !e.qualifier.empty()) return;
        if (std::find(rules.columns->begin(), rules.columns->end(), e.name) != rules.columns->end()) return;
        diags.error(loc, "unknown column `" + e.name + "` in " + rules.what + did_you_mean(e.name, *rules.columns) +
                             "; available: " + one_of(*rules.columns));
    });
}

}  // namespace hyperschema::rules
