// `functions:`, `procedures:` and a table's `triggers:`.

#include <algorithm>
#include <cctype>

#include "catalog/functions.hpp"
#include "parse/parser.hpp"
#include "sqltext/literals.hpp"

namespace hyperschema::parse {
namespace {

constexpr const char* kArgumentModes[] = {"in", "out", "inout", "variadic"};

}  // namespace

void Parser::parse_functions(ParseContext& ctx, const YAML::Node& node, RoutineKind kind) {
    const bool procedure = kind == RoutineKind::Procedure;
    MapReader routines(ctx, node, procedure ? "`procedures`" : "`functions`");
    for (auto& entry : routines.entries()) {
        Function f;
        f.name = entry.key;
        f.loc = entry.key_loc;
        f.kind = kind;
        const std::string what = (procedure ? "procedure `" : "function `") + f.name + "`";
        check_identifier(ctx, f.name, f.loc, procedure ? "procedure" : "function");
        MapReader spec(ctx, entry.value, what);
        if (!spec.valid()) continue;
        if (auto args = spec.take("args")) parse_function_args(ctx, f, *args);
        if (!procedure) {
            if (auto r = spec.take_string("returns")) {
                f.returns_loc = spec.value_loc("returns");
                f.returns = routine_type(ctx, *r, f.returns_loc, what, true).value_or("");
            }
            spec.require("returns", "the type it returns, e.g. `returns: bigint` (`trigger` for a trigger function)");
        }
        if (auto l = spec.take_string("language")) {
            f.language = sqltext::lowercase(*l);
            f.language_loc = spec.value_loc("language");
        }
        spec.require("language", "`sql` or `plpgsql`");
        if (auto b = spec.take("body")) {
            f.body_loc = location_of(ctx, *b);
            // The body is kept as written (PostgreSQL stores it verbatim),
            // but without the newline a YAML block scalar ends with.
            if (auto text = read_scalar(ctx, *b, "`body` of " + what)) {
                f.body = *text;
                while (!f.body.empty() && (f.body.back() == '\n' || f.body.back() == ' ')) f.body.pop_back();
                if (sqltext::trim_space(f.body).empty())
                    ctx.diags.error(f.body_loc, "`body` of " + what + " must not be empty");
            }
        }
        spec.require("body", "the function's source, as between the dollar quotes of CREATE FUNCTION");
        if (auto v = spec.take_string("volatility")) {
            const std::string word = sqltext::lowercase(*v);
            if (procedure)
                ctx.diags.error(spec.value_loc("volatility"), "a procedure has no volatility; remove `volatility`");
            else if (word == "volatile")
                f.volatility = Volatility::Volatile;
            else if (word == "stable")
                f.volatility = Volatility::Stable;
            else if (word == "immutable")
                f.volatility = Volatility::Immutable;
            else
                ctx.diags.error(spec.value_loc("volatility"),
                                "unknown volatility `" + *v + "`; use `volatile`, `stable` or `immutable`");
        }
        if (auto s = spec.take_bool("strict")) {
            if (procedure) ctx.diags.error(spec.value_loc("strict"), "a procedure cannot be STRICT; remove `strict`");
            f.strict = *s && !procedure;
        }
        if (auto s = spec.take_bool("security_definer")) f.security_definer = *s;
        if (auto set = spec.take("set")) {
            MapReader settings(ctx, *set, "`set` of " + what);
            for (auto& s : settings.entries()) {
                auto value = read_scalar(ctx, s.value, "the value of setting `" + s.key + "`");
                if (value) f.settings.emplace_back(sqltext::lowercase(s.key), *value);
            }
        }
        if (auto c = spec.take_string("comment")) f.comment = *c;
        if (auto g = spec.take("grants"))
            f.grants = parse_grants(ctx, *g,
                                    f.is_procedure() ? catalog::GrantTarget::Procedure : catalog::GrantTarget::Function,
                                    (f.is_procedure() ? "procedure `" : "function `") + f.name + "`");
        spec.finish();
        schema_.functions.push_back(std::move(f));
    }
}

// `args: [job_id: integer, {name: config, type: jsonb, default: "'{}'"}]`
void Parser::parse_function_args(ParseContext& ctx, Function& f, const YAML::Node& node) {
    if (!node.IsSequence()) {
        ctx.diags.error(location_of(ctx, node), "`args` of `" + f.name +
                                                    "` must be a list, e.g. `args: [job_id: integer, config: "
                                                    "jsonb]`, not " +
                                                    node_kind(node));
        return;
    }
    for (const auto& item : node) {
        FunctionArgument a;
        a.loc = location_of(ctx, item);
        std::optional<std::string> type;
        SourceLocation type_loc = a.loc;
        // One key other than `type` is the short form (also `name: text`).
        if (item.IsMap() && item.size() == 1 && !item["type"]) {
            // `- job_id: integer`
            const auto pair = *item.begin();
            a.name = pair.first.Scalar();
            type = read_scalar(ctx, pair.second, "the type of argument `" + a.name + "`");
            type_loc = location_of(ctx, pair.second);
        } else if (item.IsMap()) {
            MapReader spec(ctx, item, "an argument of `" + f.name + "`");
            if (auto n = spec.take_string("name")) a.name = *n;
            if (auto t = spec.take_string("type")) {
                type = t;
                type_loc = spec.value_loc("type");
            }
            spec.require("type", "the argument's type, e.g. `type: integer`");
            if (auto m = spec.take_string("mode")) {
                const std::string mode = sqltext::lowercase(*m);
                if (std::find(std::begin(kArgumentModes), std::end(kArgumentModes), mode) == std::end(kArgumentModes))
                    ctx.diags.error(spec.value_loc("mode"),
                                    "unknown argument mode `" + *m + "`; use `in`, `out`, `inout` or `variadic`");
                else if (mode != "in")
                    for (char c : mode) a.mode += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            }
            if (auto d = spec.take("default"))
                a.default_sql = read_sql(ctx, *d, "the default of an argument").value_or("");
            spec.finish();
        } else if (item.IsScalar()) {
            // `- integer`: an unnamed argument.
            type = item.Scalar();
        } else {
            ctx.diags.error(a.loc, "an argument is `name: type` or `{name: ..., type: ...}`, not " + node_kind(item));
            continue;
        }
        if (!a.name.empty()) check_identifier(ctx, a.name, a.loc, "argument");
        if (type) a.type = routine_type(ctx, *type, type_loc, "an argument of `" + f.name + "`", false).value_or("");
        f.args.push_back(std::move(a));
    }
}

// A type of an argument or result: a column type (canonical, without its
// modifier: PostgreSQL ignores it there), one of the pseudo and catalog
// types the table in catalog/functions lists, or (results) `setof` one.
std::optional<std::string> Parser::routine_type(ParseContext& ctx, const std::string& text, const SourceLocation& loc,
                                                const std::string& what, bool result) {
    std::string written(sqltext::trim_space(text));
    std::string prefix;
    if (result && sqltext::lowercase(written).rfind("setof ", 0) == 0) {
        prefix = "setof ";
        written = std::string(sqltext::trim_space(std::string_view(written).substr(6)));
    }
    if (result && sqltext::lowercase(written).rfind("table", 0) == 0 && written.find('(') != std::string::npos) {
        ctx.diags.error(loc, "`returns: " + text +
                                 "`: write the columns as `out` arguments and `returns: setof "
                                 "record` (PostgreSQL stores RETURNS TABLE that way)");
        return std::nullopt;
    }
    if (const auto* pseudo = catalog::find_routine_type(sqltext::lowercase(written))) {
        if (!prefix.empty() && !pseudo->set_returnable) {
            ctx.diags.error(loc, "`setof " + std::string(pseudo->name) + "` is not a type a function can return");
            return std::nullopt;
        }
        if (!result && !pseudo->argument) {
            ctx.diags.error(loc, "`" + std::string(pseudo->name) + "` is only a result type, not one of " + what);
            return std::nullopt;
        }
        return prefix + std::string(pseudo->name);
    }
    std::string why;
    auto type = parse_column_type(written, enum_names_, &why);
    if (!type) {
        ctx.diags.error(loc, "unknown type `" + written + "` for " + what + ": " + why);
        return std::nullopt;
    }
    return prefix + type->without_modifier().sql();
}

void Parser::parse_triggers(ParseContext& ctx, Table& table, const YAML::Node& node) {
    MapReader triggers(ctx, node, "`triggers` of table `" + table.name + "`");
    for (auto& entry : triggers.entries()) {
        Trigger t;
        t.name = entry.key;
        t.loc = entry.key_loc;
        const std::string what = "trigger `" + t.name + "`";
        check_identifier(ctx, t.name, t.loc, "trigger");
        MapReader spec(ctx, entry.value, what);
        if (!spec.valid()) continue;
        const bool before = spec.has("before"), after = spec.has("after");
        if (before == after) {
            ctx.diags.error(t.loc, what +
                                       " needs exactly one of `before: [events]` or `after: [events]`, e.g. "
                                       "`before: [insert, update]`");
        }
        t.timing = after ? TriggerTiming::After : TriggerTiming::Before;
        const std::string timing_key = after ? "after" : "before";
        if (auto events = spec.take(timing_key)) {
            for (const auto& e : read_name_list(ctx, *events, "an event of " + what)) {
                static const std::vector<std::string> kEvents = {"insert", "update", "delete", "truncate"};
                if (std::find(kEvents.begin(), kEvents.end(), e.name) == kEvents.end()) {
                    ctx.diags.error(e.loc, "unknown trigger event `" + e.name +
                                               "`; use `insert`, `update`, `delete` or `truncate`");
                } else if (std::find(t.events.begin(), t.events.end(), e.name) != t.events.end()) {
                    ctx.diags.error(e.loc, "event `" + e.name + "` is listed twice");
                } else {
                    t.events.push_back(e.name);
                }
            }
            // PostgreSQL prints them in this order whatever the statement said.
            std::sort(t.events.begin(), t.events.end(), [&](const std::string& a, const std::string& b) {
                static const std::vector<std::string> kOrder = {"insert", "delete", "update", "truncate"};
                return std::find(kOrder.begin(), kOrder.end(), a) < std::find(kOrder.begin(), kOrder.end(), b);
            });
        }
        t.update_of = spec.take_names("update_of");
        if (auto level = spec.take_string("for_each")) {
            if (*level == "row")
                t.level = TriggerLevel::Row;
            else if (*level == "statement")
                t.level = TriggerLevel::Statement;
            else
                ctx.diags.error(spec.value_loc("for_each"), "`for_each` is `row` or `statement`, not `" + *level + "`");
        }
        if (auto w = spec.take("when")) {
            t.when = read_sql(ctx, *w, "`when` of " + what).value_or("");
            t.when_loc = location_of(ctx, *w);
        }
        if (auto fn = spec.take_string("function")) t.function = {*fn, spec.value_loc("function")};
        spec.require("function", "the trigger function it runs, e.g. `function: set_updated_at`");
        if (auto args = spec.take("args")) {
            if (!args->IsSequence()) {
                ctx.diags.error(location_of(ctx, *args), "`args` of " + what + " must be a list of strings");
            } else {
                for (const auto& a : *args)
                    if (auto text = read_scalar(ctx, a, "an argument of " + what)) t.args.push_back(*text);
            }
        }
        if (auto c = spec.take_string("comment")) t.comment = *c;
        spec.finish();
        table.triggers.push_back(std::move(t));
    }
}

}  // namespace hyperschema::parse
