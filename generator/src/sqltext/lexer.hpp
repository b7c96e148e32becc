#pragma once

// The tokens of SQL text as PostgreSQL's own scanner (scan.l, through
// libpg_query's pg_query_scan) reads them, for the steps that rewrite SQL
// text rather than judge it: renames in the diff, verify's normal form of
// expressions, pull's reading of aggregate queries, the `--` comment check.
// What a fragment means is read from its parse tree (sqltext/expression.hpp).
// String literals, quoted identifiers, dollar quotes and comments are the
// server's, so `'now()'` is no call to now().

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace hyperschema::sqltext {

enum class TokenKind { Identifier, QuotedIdentifier, Number, String, Operator, LParen, RParen, Comma, Dot, Cast };

struct Token {
    TokenKind kind;
    std::string text;  // identifiers lowercased; quoted identifiers unquoted as written
    size_t offset = 0;
    size_t size = 0;  // bytes of the text as written (quotes and escapes included)
};

// Returns nullopt (and a reason) for an unterminated string, quoted identifier,
// dollar quote or block comment. Comments produce no tokens; when
// `line_comments` is given it receives the offset of every `--` comment (a
// fragment pasted into a longer statement must not contain one: it would
// comment out the SQL written after the fragment on the same line).
std::optional<std::vector<Token>> lex(std::string_view sql, std::string* error,
                                      std::vector<size_t>* line_comments = nullptr);

// The index of the token closing the parenthesis opened at `open` (an LParen),
// or tokens.size() when it is not closed.
size_t matching_paren(const std::vector<Token>& tokens, size_t open);

// Identifiers in the fragment that stand alone as a column would: not a
// keyword, not a function name, not a type after `::`, not qualified.
std::vector<Token> bare_identifiers(const std::vector<Token>& tokens);

// Names of functions called in the fragment, lowercased.
std::vector<std::string> called_functions(const std::vector<Token>& tokens);
// The same of SQL text; none when it does not lex (its syntax is another
// rule's to report).
std::vector<std::string> called_functions(std::string_view sql);

bool is_sql_keyword(std::string_view word);

// The keyword or unquoted name `word` (lowercase).
bool is_word(const Token& t, std::string_view word);
// An identifier, quoted or not.
bool is_name(const Token& t);
// Whether `relation.column` starts at i and reads a column: not a function
// (`schema.f(...)`), a three-part name, a qualified type or collation
// (`::pg_catalog.numeric`, `AS public.mood`, `COLLATE pg_catalog."C"`) or a
// typed literal (`public.mood 'high'`).
bool column_reference_at(const std::vector<Token>& tokens, size_t i);

// Whether the SQL text names any of `names` as a word; true also when it does
// not lex, for callers that must then assume it does.
bool mentions_any(std::string_view sql, const std::set<std::string>& names);

}  // namespace hyperschema::sqltext
