#include "sqltext/sql_parser.hpp"

#include <pg_query.h>

#include <nlohmann/json.hpp>

#include <algorithm>

#if defined(__SANITIZE_ADDRESS__)
// libpg_query 17.6 (Debian 13) leaks one byte per PL/pgSQL body that fails to
// parse: pg_query_parse_plpgsql drops the stderr buffer of its raw parse,
// however the result is freed (checked with a ten-line program). A sanitized
// build would fail on it; nothing of ours is allocated under that function.
extern "C" const char* __lsan_default_suppressions() {
    return "leak:pg_query_raw_parse\n";
}
#endif

namespace hyperschema::sqltext {
namespace {

// The names in a node list such as ColumnRef.fields: [{"String": {"sval": "t"}}, ...].
std::vector<std::string> names_of(const nlohmann::json& fields) {
    std::vector<std::string> out;
    for (const auto& f : fields) {
        if (f.contains("String")) out.push_back(f["String"].value("sval", ""));
    }
    return out;
}

// Walks every node of libpg_query's JSON tree (its layout is the same for
// PostgreSQL 15 and 17 in the nodes read here).
void collect(const nlohmann::json& node, FragmentTree& tree) {
    if (node.is_array()) {
        for (const auto& child : node) collect(child, tree);
        return;
    }
    if (!node.is_object()) return;
    for (const auto& [key, value] : node.items()) {
        if (key == "ColumnRef" && value.contains("fields")) {
            auto names = names_of(value["fields"]);
            if (!names.empty()) tree.column_refs.push_back(names.back());
        } else if (key == "RangeVar") {
            tree.relations.push_back({value.value("schemaname", ""), value.value("relname", "")});
        } else if (key == "FuncCall" && value.contains("funcname")) {
            auto names = names_of(value["funcname"]);
            if (!names.empty()) tree.calls.push_back({names.size() > 1 ? names[names.size() - 2] : "", names.back()});
        } else if (key == "CommonTableExpr") {
            tree.common_tables.push_back(value.value("ctename", ""));
        } else if (key == "SubLink") {
            tree.subquery = true;
        }
        collect(value, tree);
    }
}

// The outermost SELECT's target list: how many, and whether one has AS.
void count_targets(const nlohmann::json& tree, FragmentTree& out) {
    if (!tree.is_object() || !tree.contains("stmts") || tree["stmts"].empty()) return;
    const auto& first = tree["stmts"][0];
    if (!first.contains("stmt") || !first["stmt"].contains("SelectStmt")) return;
    const auto& select = first["stmt"]["SelectStmt"];
    if (!select.contains("targetList")) return;
    for (const auto& target : select["targetList"]) {
        ++out.targets;
        out.named_target = out.named_target || (target.contains("ResTarget") && target["ResTarget"].contains("name"));
    }
}

// The parse of `statement`, the text checked with `prefix` bytes before it
// (which made it a statement): an error's position is moved back by those.
ParsedFragment parse(const std::string& statement, size_t prefix, size_t text_size) {
    PgQueryParseResult result = pg_query_parse(statement.c_str());
    ParsedFragment parsed;
    if (result.error) {
        const size_t at = result.error->cursorpos > 0 ? static_cast<size_t>(result.error->cursorpos - 1) : 0;
        parsed.error = SyntaxError{result.error->message, std::min(at > prefix ? at - prefix : 0, text_size)};
    } else if (result.parse_tree) {
        const auto tree = nlohmann::json::parse(result.parse_tree, nullptr, false);
        collect(tree, parsed.tree);
        count_targets(tree, parsed.tree);
    }
    pg_query_free_parse_result(result);
    return parsed;
}

}  // namespace

ParsedFragment parse_expression(std::string_view expression) {
    // Parenthesised and on a line of its own, so that neither a trailing
    // comment nor an operator at either end can join the words around it.
    const std::string prefix = "SELECT (\n";
    return parse(prefix + std::string(expression) + "\n)", prefix.size(), expression.size());
}

ParsedFragment parse_query(std::string_view query) {
    return parse(std::string(query), 0, query.size());
}

std::optional<SyntaxError> check_plpgsql(std::string_view create_function, size_t body_offset, size_t body_size) {
    PgQueryPlpgsqlParseResult result = pg_query_parse_plpgsql(std::string(create_function).c_str());
    std::optional<SyntaxError> error;
    if (result.error) {
        const size_t at = result.error->cursorpos > 0 ? static_cast<size_t>(result.error->cursorpos - 1) : 0;
        error = SyntaxError{result.error->message, std::min(at > body_offset ? at - body_offset : 0, body_size)};
    }
    pg_query_free_plpgsql_parse_result(result);
    return error;
}

}  // namespace hyperschema::sqltext
