// Functions, procedures and triggers: what PostgreSQL refuses when they are
// created, and what a trigger needs of its function.

#include <algorithm>
#include <set>

#include "catalog/functions.hpp"
#include "emit/sql_statements.hpp"
#include "sqltext/expression.hpp"
#include "sqltext/sql_parser.hpp"
#include "validate/rules.hpp"

namespace hyperschema::rules {
namespace {

// Languages PostgreSQL has without an extension.
const std::vector<std::string> kBuiltinLanguages = {"sql", "plpgsql"};

std::string what(const Function& f) {
    return std::string(f.is_procedure() ? "procedure `" : "function `") + f.name + "`";
}

void check_language(const Schema& schema, const Function& f, Diagnostics& diags) {
    if (std::find(kBuiltinLanguages.begin(), kBuiltinLanguages.end(), f.language) != kBuiltinLanguages.end()) return;
    if (f.language == "c" || f.language == "internal") {
        diags.error(f.language_loc, "language `" + f.language + "` of " + what(f) +
                                        " runs code from a shared library, which only an extension should "
                                        "install; use `sql` or `plpgsql`, or the extension that provides it");
    } else if (!schema.has_extension(f.language)) {
        diags.error(f.language_loc, "language `" + f.language + "` of " + what(f) + " is not built into PostgreSQL (" +
                                        one_of(kBuiltinLanguages) +
                                        " are); add the extension that installs it to `extensions:`, e.g. `" +
                                        f.language + "`");
    }
}

// The body through the server's grammar: SQL statements for `sql`, PL/pgSQL's
// own grammar for `plpgsql`.
void check_body(const Function& f, Diagnostics& diags) {
    if (f.body.empty()) return;
    std::optional<sqltext::SyntaxError> error;
    if (f.language == "sql") {
        error = sqltext::parse_query(f.body).error;
    } else if (f.language == "plpgsql") {
        // The real arguments and result: PL/pgSQL resolves assignments to
        // them (and NEW in a trigger function) while it parses.
        const std::string args = "(" + emit::function_arguments(f) + ")";
        const std::string head =
            (f.is_procedure() ? "CREATE PROCEDURE f" + args
                              : "CREATE FUNCTION f" + args + " RETURNS " + (f.returns.empty() ? "void" : f.returns)) +
            " LANGUAGE plpgsql AS $hyperschema_body$";
        error = sqltext::check_plpgsql(head + f.body + "$hyperschema_body$", head.size(), f.body.size());
    }
    if (!error) return;
    // libpg_query cannot look up a row type, so an assignment to a field of a
    // row or record variable (`r.value := 0`) reads to it as an unknown
    // variable; the server accepts it. An unknown plain name it refuses too.
    const std::string unknown = " is not a known variable";
    if (error->message.size() > unknown.size() &&
        error->message.compare(error->message.size() - unknown.size(), unknown.size(), unknown) == 0 &&
        error->message.find('.') != std::string::npos)
        return;
    // PL/pgSQL's errors carry no position.
    const std::string at =
        error->offset > 0 ? " (character " + std::to_string(error->offset + 1) + " of the body)" : "";
    diags.error(f.body_loc, "PostgreSQL cannot parse the body of " + what(f) + ": " + error->message + at);
}

void check_signature(const Function& f, Diagnostics& diags) {
    bool seen_default = false;
    std::set<std::string> names;
    for (const auto& a : f.args) {
        if (!a.name.empty() && !names.insert(a.name).second)
            diags.error(a.loc, "argument `" + a.name + "` of " + what(f) + " is declared twice");
        if (!a.default_sql.empty()) {
            seen_default = true;
        } else if (seen_default && a.mode != "OUT") {
            diags.error(a.loc, "argument `" + a.name + "` of " + what(f) +
                                   " has no default but follows one that has: PostgreSQL refuses that (\"input "
                                   "parameters after one with a default value must also have defaults\"); give it a "
                                   "default or move it before them");
        }
        if (a.mode == "VARIADIC" && a.type.find("[]") == std::string::npos && a.type != "anyarray" &&
            a.type != "anycompatiblearray")
            diags.error(a.loc, "a `variadic` argument must be an array, e.g. `" + a.type + "[]`");
    }
    if (f.returns == "trigger") {
        if (!f.args.empty())
            diags.error(f.args.front().loc,
                        "a trigger function takes no declared arguments (the trigger's `args` "
                        "reach it as TG_ARGV); remove `args` from " +
                            what(f));
        if (f.language == "sql")
            diags.error(f.language_loc, "SQL functions cannot return type trigger; write " + what(f) + " in `plpgsql`");
    }
}

void check_function_names(const Schema& schema, Diagnostics& diags) {
    for (size_t i = 0; i < schema.functions.size(); ++i) {
        for (size_t j = 0; j < i; ++j) {
            const Function &a = schema.functions[i], &b = schema.functions[j];
            if (a.name != b.name || a.identity_types() != b.identity_types()) continue;
            auto& d = diags.error(a.loc, std::string(a.is_procedure() ? "procedure `" : "function `") + a.name +
                                             a.identity_types() + "` is declared twice (as " +
                                             (b.is_procedure() ? "a procedure" : "a function") +
                                             " too): PostgreSQL tells routines apart by name and argument types; "
                                             "rename one");
            Diagnostics::add_note(d, b.loc, "first declared here");
        }
    }
}

// A function the escape hatch (`sql:`) says it creates.
bool provided_function(const Schema& schema, const std::string& name) {
    for (const auto& r : schema.raw_sql)
        for (const auto& o : r.provides)
            if (o.kind == RawSqlObject::Kind::Function && o.name == name) return true;
    return false;
}

// The trigger function: one the schema declares (returning trigger), or one
// PostgreSQL has built in (suppress_redundant_updates_trigger, ...).
void check_trigger_function(const Schema& schema, const Trigger& t, Diagnostics& diags) {
    const auto declared = schema.find_functions(t.function.name);
    if (declared.empty()) {
        if (catalog::is_known_function(t.function.name) || provided_function(schema, t.function.name)) return;
        std::vector<std::string> names;
        for (const auto& f : schema.functions)
            if (f.returns == "trigger") names.push_back(f.name);
        const bool other_extensions = std::any_of(schema.extensions.begin(), schema.extensions.end(),
                                                  [](const Extension& e) { return e.name != "timescaledb"; });
        if (other_extensions) {
            diags.note(t.function.loc, "trigger `" + t.name + "` runs `" + t.function.name +
                                           "`, which the schema does not declare: the server will look for it "
                                           "(an extension may provide it)");
            return;
        }
        diags.error(t.function.loc, "trigger `" + t.name + "` runs `" + t.function.name + "`, which is not declared" +
                                        did_you_mean(t.function.name, names) +
                                        "; declare it under `functions:` with `returns: trigger`");
        return;
    }
    const bool fits = std::any_of(declared.begin(), declared.end(), [](const Function* f) {
        return !f->is_procedure() && f->returns == "trigger" && f->args.empty();
    });
    if (!fits)
        diags.error(t.function.loc, "trigger `" + t.name + "` runs `" + t.function.name +
                                        "`, which does not return `trigger` (PostgreSQL: \"function " +
                                        t.function.name +
                                        " must return type trigger\"); declare it with `returns: "
                                        "trigger` and no arguments");
}

bool fires_on(const Trigger& t, const std::string& event) {
    return std::find(t.events.begin(), t.events.end(), event) != t.events.end();
}

// `NEW.x` and `OLD.x` in a WHEN condition: the row ("new", "old") and the
// column (empty for `NEW.*`).
struct RowReference {
    std::string row, column;
};

std::vector<RowReference> row_references(const sqltext::Expr& tree) {
    std::vector<RowReference> out;
    tree.walk([&](const sqltext::Expr& e) {
        const bool column = e.kind == sqltext::Expr::Kind::Column;
        const bool star = e.kind == sqltext::Expr::Kind::Other && e.name == "A_Star";
        if ((column || star) && (e.qualifier == "new" || e.qualifier == "old"))
            out.push_back({e.qualifier, column ? e.name : ""});
    });
    return out;
}

void check_trigger_when(const Table& table, const Trigger& t, Diagnostics& diags) {
    if (t.when.empty()) return;
    const auto tree = sqltext::expression_tree(t.when);
    if (!tree) return;  // the syntax check reports it
    const auto references = row_references(*tree);
    auto reads = [&](const std::string& row) {
        return std::any_of(references.begin(), references.end(), [&](const RowReference& r) { return r.row == row; });
    };
    const std::string where = "the `when` of trigger `" + t.name + "`";
    if (t.level == TriggerLevel::Statement && !references.empty()) {
        diags.error(t.when_loc, where +
                                    " reads NEW or OLD, which a statement trigger does not have (\"statement "
                                    "trigger's WHEN condition cannot reference column values\"); use "
                                    "`for_each: row`");
        return;
    }
    // PostgreSQL refuses OLD whenever the trigger fires on INSERT (among other
    // events or alone), and NEW whenever it fires on DELETE.
    if (reads("old") && fires_on(t, "insert"))
        diags.error(t.when_loc, where +
                                    " reads OLD, which an INSERT trigger does not have (\"INSERT trigger's WHEN "
                                    "condition cannot reference OLD values\"); use NEW, or a trigger of its own for "
                                    "INSERT");
    if (reads("new") && fires_on(t, "delete"))
        diags.error(t.when_loc, where +
                                    " reads NEW, which a DELETE trigger does not have (\"DELETE trigger's WHEN "
                                    "condition cannot reference NEW values\"); use OLD, or a trigger of its own "
                                    "for DELETE");
    // System columns (xmin, ctid, ...) are columns of every row too.
    std::vector<std::string> columns = column_names(table);
    for (const char* system : {"xmin", "xmax", "cmin", "cmax", "ctid", "tableoid"}) columns.push_back(system);
    for (const auto& r : references) {
        if (r.column.empty() || std::find(columns.begin(), columns.end(), r.column) != columns.end()) continue;
        diags.error(t.when_loc, where + " reads `" + r.row + "." + r.column + "`, but table `" + table.name +
                                    "` has no column `" + r.column + "`" + did_you_mean(r.column, columns));
    }
}

void check_trigger(const Schema& schema, const Table& table, const Trigger& t, Diagnostics& diags) {
    check_trigger_function(schema, t, diags);
    if (fires_on(t, "truncate") && t.level == TriggerLevel::Row)
        diags.error(t.loc, "trigger `" + t.name +
                               "` fires on TRUNCATE for each row, which PostgreSQL does not support (TRUNCATE has "
                               "no rows); add `for_each: statement` or leave out `truncate`");
    for (const auto& c : t.update_of) {
        if (!fires_on(t, "update")) {
            diags.error(c.loc, "`update_of` of trigger `" + t.name + "` needs `update` among its events");
            break;
        }
        if (!table.find_column(c.name))
            diags.error(c.loc, "unknown column `" + c.name + "` in `update_of` of trigger `" + t.name + "`" +
                                   did_you_mean(c.name, column_names(table)));
    }
    check_trigger_when(table, t, diags);
}

// PostgreSQL inlines a simple SQL function into the expression that calls
// it, and then judges the body's own volatility, not the declared one: a
// `stable` SQL function whose body is immutable is accepted in an index.
// Only a function that is certainly not inlined is judged by its declaration.
bool may_be_inlined(const Function& f) {
    return f.language == "sql" && !f.security_definer && f.settings.empty() && f.returns.rfind("setof ", 0) != 0;
}

// A function the schema declares, called where PostgreSQL or TimescaleDB
// demands IMMUTABLE: index keys and predicates, continuous aggregates.
void check_immutable_calls(const Schema& schema, const std::string& sql, const SourceLocation& loc,
                           const std::string& where, const std::string& reason, Diagnostics& diags) {
    std::vector<std::string> called;  // from PostgreSQL's parse of the expression
    for (const auto& call : sqltext::parse_expression(sql).tree.calls)
        if (call.schema != "pg_catalog" && std::find(called.begin(), called.end(), call.name) == called.end())
            called.push_back(call.name);
    for (const auto& name : called) {
        const auto overloads = schema.find_functions(name);
        // With overloads, the server picks one by the arguments: only when
        // none of them may be used here is the call certainly refused.
        const bool allowed = std::any_of(overloads.begin(), overloads.end(), [](const Function* f) {
            return f->is_procedure() || f->volatility == Volatility::Immutable || may_be_inlined(*f);
        });
        if (overloads.empty() || allowed) continue;
        const Function* f = overloads.front();
        diags.error(loc, "`" + name + "` in " + where + " is declared `volatility: " +
                             (f->volatility == Volatility::Stable ? "stable" : "volatile") + "`; " + reason +
                             " (mark it `volatility: immutable` if its result depends on its arguments alone)");
    }
}

// Names a raw SQL object's `depends_on` may use: the schema's relations,
// functions and enums.
bool known_object(const Schema& schema, const std::string& name) {
    return schema.find_table(name) || schema.find_view(name) || schema.find_aggregate(name) || schema.find_enum(name) ||
           !schema.find_functions(name).empty();
}

void check_raw_sql(const Schema& schema, const RawSql& r, Diagnostics& diags) {
    const std::string what = "`sql` object `" + r.name + "`";
    for (const auto& [text, label] : {std::pair{&r.up, "up"}, std::pair{&r.down, "down"}}) {
        if (auto error = sqltext::parse_query(*text).error)
            diags.error(r.up_loc, "PostgreSQL cannot parse `" + std::string(label) + "` of " + what + ": " +
                                      error->message + " (character " + std::to_string(error->offset + 1) + ")");
    }
    for (const auto& d : r.depends_on) {
        if (!known_object(schema, d.name))
            diags.error(d.loc, what + " depends on `" + d.name +
                                   "`, which the schema does not declare (a table, view, aggregate, function or "
                                   "enum)" +
                                   did_you_mean(d.name, relation_names(schema)));
    }
    for (const auto& o : r.provides) {
        const bool relation = o.kind == RawSqlObject::Kind::Table || o.kind == RawSqlObject::Kind::View ||
                              o.kind == RawSqlObject::Kind::MaterializedView;
        if (relation && (schema.find_table(o.name) || schema.find_view(o.name) || schema.find_aggregate(o.name)))
            diags.error(o.loc, what + " declares `" + o.name +
                                   "`, which the schema already declares; an object is written in the DSL or in "
                                   "`sql`, not both");
    }
}

}  // namespace

void check_functions(const Schema& schema, Diagnostics& diags) {
    for (const auto& r : schema.raw_sql) check_raw_sql(schema, r, diags);
    check_function_names(schema, diags);
    for (const auto& f : schema.functions) {
        if (!f.language.empty()) check_language(schema, f, diags);
        check_signature(f, diags);
        check_body(f, diags);
    }
    for (const auto& t : schema.tables) {
        for (const auto& trigger : t.triggers) check_trigger(schema, t, trigger, diags);
        for (const auto& i : t.indexes) {
            const std::string reason = "PostgreSQL requires functions in an index to be IMMUTABLE";
            check_immutable_calls(schema, i.where, i.where_loc, "the `where` of index `" + i.name + "`", reason, diags);
            for (const auto& k : i.keys)
                check_immutable_calls(schema, k.expression, k.loc, "index `" + i.name + "`", reason, diags);
        }
    }
    for (const auto& a : schema.aggregates) {
        const std::string reason = "TimescaleDB allows only IMMUTABLE functions in a continuous aggregate";
        for (const auto& c : a.columns)
            check_immutable_calls(schema, c.expression, c.expression_loc, "continuous aggregate `" + a.name + "`",
                                  reason, diags);
        check_immutable_calls(schema, a.where, a.where_loc, "the `where` of continuous aggregate `" + a.name + "`",
                              reason, diags);
    }
}

}  // namespace hyperschema::rules
