#pragma once

// PostgreSQL's own grammar, through libpg_query (Debian's libpg-query-dev:
// the server's parser as a library, version 15 on Debian 12 and 17 on Debian
// 13), for what the lexer cannot tell: whether a fragment parses at all.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hyperschema::sqltext {

struct SyntaxError {
    std::string message;  // the server's words: "syntax error at or near \")\""
    size_t offset = 0;    // bytes into the text checked
};

// What the parse tree of a fragment names, for the rules that must not guess
// from tokens: column references (`x`, `t.x`: the last name), relations read
// (RangeVar: a table, view or CTE name, with its schema when qualified), the
// names WITH defines, the functions called, and whether there is a subquery
// (SubLink).
struct FragmentTree {
    struct Relation {
        std::string schema;  // empty when unqualified
        std::string name;
    };
    std::vector<std::string> column_refs;
    std::vector<Relation> relations;
    std::vector<Relation> calls;  // a function by its name as written (`pg_catalog` for SQL syntax: EXTRACT)
    // The outermost SELECT's output columns, and whether one is named (AS).
    size_t targets = 0;
    bool named_target = false;
    std::vector<std::string> common_tables;
    bool subquery = false;
};

// A fragment through the grammar: the syntax error, or (without one) its tree.
struct ParsedFragment {
    std::optional<SyntaxError> error;
    FragmentTree tree;
};

// A scalar expression, as a check, default, index key or predicate, or an
// aggregate column is pasted into a statement.
ParsedFragment parse_expression(std::string_view expression);
// A whole query, as a view body.
ParsedFragment parse_query(std::string_view query);
// A CREATE FUNCTION ... LANGUAGE plpgsql statement through PL/pgSQL's own
// grammar; the error's offset is counted from `body_offset`, where the body
// starts in the statement.
std::optional<SyntaxError> check_plpgsql(std::string_view create_function, size_t body_offset, size_t body_size);

}  // namespace hyperschema::sqltext
