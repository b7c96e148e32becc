#include "sqltext/sql_parser.hpp"

#include <pg_query.h>

#include <algorithm>

namespace hyperschema::sqltext {
namespace {

// The parse, with the error's position moved back by the `prefix` that made
// the text a statement.
std::optional<SyntaxError> parse(const std::string& statement, size_t prefix, size_t text_size) {
    PgQueryParseResult result = pg_query_parse(statement.c_str());
    std::optional<SyntaxError> error;
    if (result.error) {
        const size_t at = result.error->cursorpos > 0 ? static_cast<size_t>(result.error->cursorpos - 1) : 0;
        error = SyntaxError{result.error->message, std::min(at > prefix ? at - prefix : 0, text_size)};
    }
    pg_query_free_parse_result(result);
    return error;
}

}  // namespace

std::optional<SyntaxError> expression_syntax_error(std::string_view expression) {
    // Parenthesised and on a line of its own, so that neither a trailing
    // comment nor an operator at either end can join the words around it.
    const std::string prefix = "SELECT (\n";
    return parse(prefix + std::string(expression) + "\n)", prefix.size(), expression.size());
}

std::optional<SyntaxError> query_syntax_error(std::string_view query) {
    return parse(std::string(query), 0, query.size());
}

}  // namespace hyperschema::sqltext
