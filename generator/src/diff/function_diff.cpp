// Functions, procedures and triggers. A function is identified by its name
// and input argument types, as PostgreSQL does: CREATE OR REPLACE changes it
// in place when its result and argument names stay; otherwise it is dropped
// and created again, with the triggers that run it.

#include <algorithm>

#include "diff/object_diff.hpp"
#include "emit/sql_statements.hpp"
#include "sqltext/lexer.hpp"

namespace hyperschema::diff {
namespace {

std::string key_of(const Function& f) {
    return f.name + f.identity_types();
}

const Function* find_same(const Schema& schema, const Function& f) {
    for (const auto& g : schema.functions)
        if (g.kind == f.kind && key_of(g) == key_of(f)) return &g;
    return nullptr;
}

bool same_definition(const Function& a, const Function& b) {
    if (a.args.size() != b.args.size()) return false;
    for (size_t i = 0; i < a.args.size(); ++i) {
        const auto &x = a.args[i], &y = b.args[i];
        if (x.name != y.name || x.mode != y.mode || x.type != y.type || x.default_sql != y.default_sql) return false;
    }
    return a.returns == b.returns && a.language == b.language && a.body == b.body && a.volatility == b.volatility &&
           a.strict == b.strict && a.security_definer == b.security_definer && a.settings == b.settings;
}

// What CREATE OR REPLACE refuses: another result type ("cannot change return
// type of existing function"), renamed or re-moded arguments, a default taken
// away ("cannot remove parameter defaults from existing function").
bool replaceable(const Function& old, const Function& now) {
    // OUT arguments are not part of the key but are of the result.
    if (old.returns != now.returns || old.args.size() != now.args.size()) return false;
    for (size_t i = 0; i < old.args.size(); ++i) {
        const auto &o = old.args[i], &n = now.args[i];
        if (o.name != n.name || o.mode != n.mode || o.type != n.type) return false;
        if (!o.default_sql.empty() && n.default_sql.empty()) return false;
    }
    return true;
}

std::string what(const Function& f) {
    return std::string(f.is_procedure() ? "procedure " : "function ") + f.name + f.identity_types();
}

// SQL functions are checked against the tables they read when created;
// those may be created later in the same migration (pg_dump does the same).
std::string create_sql(const Schema& schema, const Function& f) {
    std::string sql = emit::create_function(schema, f);
    if (f.language == "sql") sql = "SET LOCAL check_function_bodies = off;\n" + sql;
    return sql;
}

// Whether anything but a trigger calls the function: a default, check, index,
// view or aggregate (PostgreSQL records those dependencies and refuses DROP).
std::string called_from(const Schema& schema, const std::string& name) {
    auto calls = [&](const std::string& sql) {
        if (sql.empty()) return false;
        std::string error;
        auto tokens = sqltext::lex(sql, &error);
        if (!tokens) return true;  // what does not lex may call it
        const auto called = sqltext::called_functions(*tokens);
        return std::find(called.begin(), called.end(), name) != called.end();
    };
    for (const auto& t : schema.tables) {
        for (const auto& c : t.columns)
            if (c.default_value.kind == ColumnDefault::Kind::Expression && calls(c.default_value.text))
                return "the default of " + t.name + "." + c.name;
        for (const auto& c : t.checks)
            if (calls(c.expression)) return "check " + c.name + " of " + t.name;
        for (const auto& i : t.indexes) {
            if (calls(i.where)) return "index " + i.name;
            for (const auto& k : i.keys)
                if (calls(k.expression)) return "index " + i.name;
        }
    }
    for (const auto& v : schema.views)
        if (calls(v.sql)) return "view " + v.name;
    for (const auto& a : schema.aggregates) {
        if (calls(a.where)) return "continuous aggregate " + a.name;
        for (const auto& c : a.columns)
            if (calls(c.expression)) return "continuous aggregate " + a.name;
    }
    return "";
}

}  // namespace

// An enum the function's arguments or result use, which this migration
// rebuilds (a label removed or reordered).
std::string rebuilt_enum_used(const Schema& from, const Schema& to, const Function& f) {
    auto base = [](std::string type) {
        if (type.rfind("setof ", 0) == 0) type = type.substr(6);
        while (type.size() > 2 && type.compare(type.size() - 2, 2, "[]") == 0) type.resize(type.size() - 2);
        return type;
    };
    std::vector<std::string> types{base(f.returns)};
    for (const auto& a : f.args) types.push_back(base(a.type));
    for (const auto& t : types) {
        const Enum *old = from.find_enum(t), *now = to.find_enum(t);
        if (old && now && enum_rebuilt(*old, *now)) return t;
    }
    return "";
}

std::set<std::string> diff_functions(const Schema& from, const Schema& to, Output& out) {
    std::set<std::string> recreated;
    for (const auto& f : to.functions) {
        // The rebuild renames the old type away and drops it at the end,
        // which the server refuses while a function's signature uses it.
        if (const std::string e = rebuilt_enum_used(from, to, f); !e.empty() && find_same(from, f))
            out.unsupported_change(f.loc, "enum `" + e + "` loses or reorders labels, which rebuilds the type, but " +
                                              what(f) +
                                              " uses it in its signature and would keep the old type alive; "
                                              "change its argument or result to text in one migration, then the "
                                              "enum in the next");
    }
    for (const auto& f : to.functions) {
        const Function* old = find_same(from, f);
        if (!old) {
            out.add(Stage::CreateFunctions, "+ " + what(f), create_sql(to, f), Phase::Transaction, f.loc);
            continue;
        }
        if (!same_definition(*old, f)) {
            if (replaceable(*old, f)) {
                // CREATE OR REPLACE keeps the old comment.
                std::string sql = create_sql(to, f);
                if (f.comment.empty() && !old->comment.empty()) sql += emit::comment_on_function(to, f, "");
                out.add(Stage::CreateFunctions, "~ " + what(f) + " (replaced in place)", sql, Phase::Transaction,
                        f.loc);
                continue;
            }
            const std::string user = called_from(from, f.name);
            if (!user.empty()) {
                out.unsupported_change(f.loc, what(f) +
                                                  " changes its result or argument names, so it must be "
                                                  "dropped and created again, but " +
                                                  user +
                                                  " calls it; add the new version under another name, move the "
                                                  "callers to it, then drop the old one");
                continue;
            }
            recreated.insert(f.name);
            out.add(Stage::CreateFunctions, "~ " + what(f) + " (dropped and created again: result or arguments change)",
                    emit::drop_function(from, *old) + create_sql(to, f), Phase::Transaction, f.loc);
            continue;
        }
        if (old->comment != f.comment)
            out.add(Stage::CreateFunctions, "~ comment on " + what(f), emit::comment_on_function(to, f, f.comment));
    }
    for (const auto& f : from.functions) {
        if (find_same(to, f)) continue;
        // A caller left in the new schema keeps the server from dropping it
        // (when it now resolves to another overload, PostgreSQL still ties it
        // to this one).
        if (const std::string user = called_from(to, f.name); !user.empty() && called_from(from, f.name) == user) {
            out.unsupported_change(f.loc, what(f) + " is dropped, but " + user +
                                              " called it and still calls a function of that name; PostgreSQL "
                                              "keeps it tied to this one: drop and re-create the caller in one "
                                              "migration, then drop the function in the next");
            continue;
        }
        out.add(Stage::DropFunctions, "- " + what(f), emit::drop_function(from, f));
    }
    return recreated;
}

void diff_triggers(const Schema& from, const Table* old_table, const Schema& to, const Table& table,
                   const TriggerRebuilds& rebuilds, Output& out) {
    auto find = [](const Table* t, const std::string& name) -> const Trigger* {
        if (!t) return nullptr;
        for (const auto& tr : t->triggers)
            if (tr.name == name) return &tr;
        return nullptr;
    };
    const bool reshaped = rebuilds.reshaped_tables.count(table.name) > 0;
    // Both spelled on the new table, so that a renamed table is no change.
    auto calls_rebuilt_function = [&](const Trigger& t) {
        const auto called = sqltext::called_functions(t.when);
        return rebuilds.functions.count(t.function.name) > 0 ||
               std::any_of(called.begin(), called.end(),
                           [&](const std::string& f) { return rebuilds.functions.count(f); });
    };
    auto rebuilt = [&](const Trigger& old, const Trigger& now) {
        return emit::trigger_definition(to, table, old, true) != emit::trigger_definition(to, table, now, true) ||
               calls_rebuilt_function(now) || (reshaped && (!now.when.empty() || !now.update_of.empty()));
    };
    if (old_table) {
        for (const auto& o : old_table->triggers) {
            const Trigger* n = find(&table, o.name);
            if (!n || rebuilt(o, *n))
                // Before any rename: the table has its old name still.
                out.add(Stage::DropTriggers, "- trigger " + o.name + " on " + old_table->name,
                        emit::drop_trigger(from, *old_table, o));
        }
    }
    for (const auto& t : table.triggers) {
        const Trigger* o = find(old_table, t.name);
        if (!o || rebuilt(*o, t)) {
            out.add(Stage::CreateTriggers, "+ trigger " + t.name + " on " + table.name,
                    emit::create_trigger(to, table, t), Phase::Transaction, t.loc);
        } else if (o->comment != t.comment) {
            out.add(Stage::CreateTriggers, "~ comment on trigger " + t.name + " on " + table.name,
                    emit::comment_on_trigger(to, table, t, t.comment));
        }
    }
}

namespace {

const RawSql* find_raw_sql(const Schema& schema, const std::string& name) {
    for (const auto& r : schema.raw_sql)
        if (r.name == name) return &r;
    return nullptr;
}

bool same_raw_sql(const RawSql& a, const RawSql& b) {
    return a.up == b.up && a.down == b.down && a.when == b.when;
}

// An object that goes away is undone where its `when` puts it (a `first` one
// after the tables that may use it are gone); one that is done again is
// undone at the start, before it is done again.
void undo_raw_sql(const RawSql& r, bool redone, const std::string& why, Output& out) {
    out.add(r.when == RawSql::When::First && !redone ? Stage::DropRawSqlFirst : Stage::DropRawSqlLast,
            "- sql " + r.name + why, r.down + "\n");
}

void do_raw_sql(const RawSql& r, const std::string& why, Output& out) {
    out.add(r.when == RawSql::When::First ? Stage::CreateRawSqlFirst : Stage::CreateRawSqlLast, "+ sql " + r.name + why,
            r.up + "\n", Phase::Transaction, r.loc);
}

}  // namespace

void diff_raw_sql(const Schema& from, const Schema& to, const std::set<std::string>& recreated, Output& out) {
    // Undone in reverse declaration order, done in declaration order.
    for (auto it = from.raw_sql.rbegin(); it != from.raw_sql.rend(); ++it) {
        const RawSql* now = find_raw_sql(to, it->name);
        if (!now) {
            undo_raw_sql(*it, false, "", out);
        } else if (!same_raw_sql(*it, *now)) {
            undo_raw_sql(*it, true, " (changed)", out);
        } else if (std::any_of(now->depends_on.begin(), now->depends_on.end(),
                               [&](const NameRef& d) { return recreated.count(d.name) > 0; })) {
            undo_raw_sql(*it, true, " (what it depends on is created again)", out);
        }
    }
    for (const auto& r : to.raw_sql) {
        const RawSql* old = find_raw_sql(from, r.name);
        if (!old) {
            do_raw_sql(r, "", out);
        } else if (!same_raw_sql(*old, r)) {
            do_raw_sql(r, " (changed)", out);
        } else if (std::any_of(r.depends_on.begin(), r.depends_on.end(),
                               [&](const NameRef& d) { return recreated.count(d.name) > 0; })) {
            do_raw_sql(r, " (what it depends on is created again)", out);
        }
    }
}

}  // namespace hyperschema::diff
