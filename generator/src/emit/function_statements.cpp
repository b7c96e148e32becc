// CREATE FUNCTION / PROCEDURE and CREATE TRIGGER, as the migrations and the
// full script write them.

#include <algorithm>
#include <cctype>

#include "emit/identifiers.hpp"
#include "emit/sql_statements.hpp"

namespace hyperschema::emit {
namespace {

// A dollar quote the body does not contain: $body$, $body1$, ...
std::string dollar_tag(const std::string& body) {
    std::string tag = "$body$";
    for (int n = 1; body.find(tag) != std::string::npos; ++n) tag = "$body" + std::to_string(n) + "$";
    return tag;
}

const char* volatility_sql(Volatility v) {
    switch (v) {
        case Volatility::Stable:
            return "STABLE";
        case Volatility::Immutable:
            return "IMMUTABLE";
        case Volatility::Volatile:
            break;
    }
    return "VOLATILE";
}

const char* routine_word(const Function& f) {
    return f.is_procedure() ? "PROCEDURE" : "FUNCTION";
}

bool is_plain_word(const std::string& s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '$')) return false;
    return true;
}

std::string trim(const std::string& s) {
    size_t a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t");
    return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

}  // namespace

// `public, pg_temp` stays a list of names; `64MB` becomes '64MB' (a word
// that is no identifier or number would not parse).
std::vector<std::string> setting_elements(const std::string& value) {
    std::vector<std::string> out;
    size_t start = 0;
    for (size_t comma = value.find(',');; comma = value.find(',', start)) {
        out.push_back(trim(value.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

std::string setting_value_sql(const std::string& name, const std::string& value) {
    // Only a list setting keeps its elements apart; another value is one
    // literal, so that its case survives ('UTC', not utc).
    if (name != "search_path") return quote_literal(value);
    std::vector<std::string> parts;
    for (const auto& e : setting_elements(value)) {
        const bool quoted = e.size() >= 2 && (e.front() == '"' || e.front() == '\'') && e.back() == e.front();
        const bool identifier = is_plain_word(e) && !std::isdigit(static_cast<unsigned char>(e[0]));
        const bool number = !e.empty() && std::all_of(e.begin(), e.end(), [](char c) {
            return std::isdigit(static_cast<unsigned char>(c)) || c == '.';
        });
        parts.push_back(quoted || identifier || number ? e : quote_literal(e));
    }
    return join(parts, ", ");
}

std::string function_arguments(const Function& f) {
    std::vector<std::string> parts;
    for (const auto& a : f.args) {
        std::string part = a.mode.empty() ? "" : a.mode + " ";
        if (!a.name.empty()) part += quote_ident(a.name) + " ";
        part += a.type;
        if (!a.default_sql.empty()) part += " DEFAULT " + a.default_sql;
        parts.push_back(part);
    }
    return join(parts, ", ");
}

std::string function_signature(const Schema& schema, const Function& f) {
    return qualified(schema.namespace_, f.name) + f.identity_types();
}

// CREATE OR REPLACE: the same statement creates it and, when its signature
// and result stay, changes it in place (keeping what depends on it).
std::string create_function(const Schema& schema, const Function& f) {
    const std::string tag = dollar_tag(f.body);
    std::string out = std::string("CREATE OR REPLACE ") + routine_word(f) + " " + qualified(schema.namespace_, f.name) +
                      "(" + function_arguments(f) + ")\n";
    if (!f.is_procedure()) out += "RETURNS " + f.returns + "\n";
    out += "LANGUAGE " + f.language;
    if (!f.is_procedure()) {
        out += " " + std::string(volatility_sql(f.volatility));
        if (f.strict) out += " STRICT";
    }
    if (f.security_definer) out += " SECURITY DEFINER";
    out += "\n";
    for (const auto& [name, value] : f.settings) out += "SET " + name + " TO " + setting_value_sql(name, value) + "\n";
    out += "AS " + tag + f.body + tag + ";\n";
    if (!f.comment.empty()) out += comment_on_function(schema, f, f.comment);
    return out;
}

std::string comment_on_function(const Schema& schema, const Function& f, const std::string& text) {
    return std::string("COMMENT ON ") + routine_word(f) + " " + function_signature(schema, f) + " IS " +
           (text.empty() ? "NULL" : quote_literal(text)) + ";\n";
}

std::string drop_function(const Schema& schema, const Function& f) {
    return std::string("DROP ") + routine_word(f) + " " + function_signature(schema, f) + ";\n";
}

// The trigger as pg_get_triggerdef() prints it, from the timing on:
// "BEFORE INSERT OR UPDATE OF a ON ns.t FOR EACH ROW WHEN (...) EXECUTE FUNCTION f('x')".
std::string trigger_definition(const Schema& schema, const Table& table, const Trigger& t, bool qualify_function) {
    std::vector<std::string> events;
    for (const auto& e : t.events) {
        std::string word;
        for (char c : e) word += static_cast<char>(c - 'a' + 'A');
        if (e == "update" && !t.update_of.empty()) word += " OF " + column_list(t.update_of);
        events.push_back(word);
    }
    std::string out = std::string(t.timing == TriggerTiming::Before ? "BEFORE " : "AFTER ") + join(events, " OR ") +
                      " ON " + qualified(schema.namespace_, table.name) + " FOR EACH " +
                      (t.level == TriggerLevel::Row ? "ROW" : "STATEMENT");
    if (!t.when.empty()) out += " WHEN (" + t.when + ")";
    std::vector<std::string> args;
    for (const auto& a : t.args) args.push_back(quote_literal(a));
    // Only the schema's own functions are qualified: a built-in one
    // (suppress_redundant_updates_trigger) lives in pg_catalog.
    const bool own = !schema.find_functions(t.function.name).empty();
    const std::string function =
        qualify_function && own ? qualified(schema.namespace_, t.function.name) : quote_ident(t.function.name);
    return out + " EXECUTE FUNCTION " + function + "(" + join(args, ", ") + ")";
}

std::string create_trigger(const Schema& schema, const Table& table, const Trigger& t) {
    std::string out =
        "CREATE TRIGGER " + quote_ident(t.name) + " " + trigger_definition(schema, table, t, true) + ";\n";
    if (!t.comment.empty()) out += comment_on_trigger(schema, table, t, t.comment);
    return out;
}

std::string comment_on_trigger(const Schema& schema, const Table& table, const Trigger& t, const std::string& text) {
    return "COMMENT ON TRIGGER " + quote_ident(t.name) + " ON " + qualified(schema.namespace_, table.name) + " IS " +
           (text.empty() ? "NULL" : quote_literal(text)) + ";\n";
}

std::string drop_trigger(const Schema& schema, const Table& table, const Trigger& t) {
    return "DROP TRIGGER " + quote_ident(t.name) + " ON " + qualified(schema.namespace_, table.name) + ";\n";
}

}  // namespace hyperschema::emit
