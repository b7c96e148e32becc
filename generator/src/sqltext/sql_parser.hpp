#pragma once

// PostgreSQL's own grammar, through libpg_query (Debian's libpg-query-dev:
// the server's parser as a library, version 15 on Debian 12 and 17 on Debian
// 13), for what the lexer cannot tell: whether a fragment parses at all.

#include <optional>
#include <string>
#include <string_view>

namespace hyperschema::sqltext {

struct SyntaxError {
    std::string message;  // the server's words: "syntax error at or near \")\""
    size_t offset = 0;    // bytes into the text checked
};

// A scalar expression, as a check, default, index key or predicate, or an
// aggregate column is pasted into a statement.
std::optional<SyntaxError> expression_syntax_error(std::string_view expression);
// A whole query, as a view body.
std::optional<SyntaxError> query_syntax_error(std::string_view query);

}  // namespace hyperschema::sqltext
