#include "pull/aggregate_query.hpp"

#include <algorithm>

#include "sqltext/lexer.hpp"

namespace hyperschema::pull {
namespace {

using sqltext::Token;
using sqltext::TokenKind;

using sqltext::is_name;
using sqltext::is_word;

std::string trim(std::string s) {
    const size_t start = s.find_first_not_of(" \n\t");
    if (start == std::string::npos) return "";
    s = s.substr(start);
    s.erase(s.find_last_not_of(" \n\t") + 1);
    return s;
}

// The query's tokens from `first` to `last` (exclusive) as text.
struct Slicer {
    const std::string& sql;
    const std::vector<Token>& tokens;

    std::string text(size_t first, size_t last) const {
        if (first >= last) return "";
        const size_t end = last < tokens.size() ? tokens[last].offset : sql.size();
        return trim(sql.substr(tokens[first].offset, end - tokens[first].offset));
    }
};

// Token ranges split at the commas outside parentheses.
std::vector<std::pair<size_t, size_t>> split_commas(const std::vector<Token>& tokens, size_t first, size_t last) {
    std::vector<std::pair<size_t, size_t>> items;
    int depth = 0;
    size_t start = first;
    for (size_t i = first; i < last; ++i) {
        // Parentheses, and ARRAY[...]'s brackets.
        if (tokens[i].kind == TokenKind::LParen || (tokens[i].kind == TokenKind::Operator && tokens[i].text[0] == '['))
            ++depth;
        if (tokens[i].kind == TokenKind::RParen || (tokens[i].kind == TokenKind::Operator && tokens[i].text[0] == ']'))
            --depth;
        if (depth == 0 && tokens[i].kind == TokenKind::Comma) {
            items.emplace_back(start, i);
            start = i + 1;
        }
    }
    if (start < last) items.emplace_back(start, last);
    return items;
}

// Where each top-level clause starts (its keyword's token), by keyword.
struct Clauses {
    size_t select = 0, from = 0, where = 0, group = 0, end = 0;
    std::string other;  // a clause the DSL has no place for
};

Clauses find_clauses(const std::vector<Token>& tokens) {
    Clauses c;
    c.end = tokens.size();
    c.from = c.where = c.group = c.end;
    int depth = 0;
    for (size_t i = 0; i < tokens.size(); ++i) {
        const Token& t = tokens[i];
        if (t.kind == TokenKind::LParen) ++depth;
        if (t.kind == TokenKind::RParen) --depth;
        if (depth != 0 || t.kind != TokenKind::Identifier) continue;
        if (t.text == "from" && c.from == c.end) c.from = i;
        if (t.text == "where" && c.where == c.end) c.where = i;
        // GROUP BY, not an ordered-set aggregate's WITHIN GROUP (ORDER BY ...).
        if (t.text == "group" && c.group == c.end && i + 1 < tokens.size() && is_word(tokens[i + 1], "by")) c.group = i;
        for (const char* word : {"having", "limit", "window", "union", "offset"})
            if (t.text == word && c.other.empty()) c.other = word;
    }
    // SELECT DISTINCT (not `x IS DISTINCT FROM y`).
    if (c.other.empty() && tokens.size() > 1 && is_word(tokens[1], "distinct")) c.other = "distinct";
    return c;
}

// ORDER BY after GROUP BY (a top-level `order` followed by `by`).
bool has_order_by(const std::vector<Token>& tokens, size_t from) {
    int depth = 0;
    for (size_t i = from; i + 1 < tokens.size(); ++i) {
        if (tokens[i].kind == TokenKind::LParen) ++depth;
        if (tokens[i].kind == TokenKind::RParen) --depth;
        if (depth == 0 && is_word(tokens[i], "order") && is_word(tokens[i + 1], "by")) return true;
    }
    return false;
}

// `relation.column` spans the range.
bool is_qualified_column(const std::vector<Token>& tokens, size_t first, size_t last) {
    return last == first + 3 && is_name(tokens[first]) && tokens[first + 1].kind == TokenKind::Dot &&
           is_name(tokens[first + 2]);
}

// An output column: its expression's tokens and its name.
struct Item {
    size_t first, last;  // the expression
    std::string name;
};

std::optional<Item> read_item(const std::vector<Token>& tokens, std::pair<size_t, size_t> range) {
    const auto [first, last] = range;
    if (last >= first + 3 && is_word(tokens[last - 2], "as") && is_name(tokens[last - 1]))
        return Item{first, last - 2, tokens[last - 1].text};
    if (last == first + 1 && is_name(tokens[first])) return Item{first, last, tokens[first].text};
    if (is_qualified_column(tokens, first, last)) return Item{first, last, tokens[first + 2].text};
    return std::nullopt;
}

bool is_bucket_call(const std::vector<Token>& tokens, const Item& item) {
    return item.last > item.first + 1 && is_word(tokens[item.first], "time_bucket") &&
           tokens[item.first + 1].kind == TokenKind::LParen &&
           sqltext::matching_paren(tokens, item.first + 1) == item.last - 1;
}

std::string without_parentheses(std::string s) {
    while (s.size() > 2 && s.front() == '(' && s.back() == ')') {
        std::string error;
        auto tokens = sqltext::lex(s, &error);
        if (!tokens || sqltext::matching_paren(*tokens, 0) != tokens->size() - 1) break;
        s = trim(s.substr(1, s.size() - 2));
    }
    return s;
}

// The FROM clause of an aggregate that joins tables, as the server prints
// it: `FROM ((readings r JOIN devices d ON ((...))) LEFT JOIN sites s ON
// ((...)))`. The aliases map to the tables' names.
struct FromClause {
    std::vector<AggregateQuery::Join> joins;
    std::vector<std::pair<std::string, std::string>> aliases;  // alias, table
};

std::optional<FromClause> read_joins(const Slicer& slice, size_t first, size_t last, const std::string& source,
                                     std::string* problem) {
    const std::vector<Token>& t = slice.tokens;
    FromClause out;
    size_t i = first;
    auto skip = [&](TokenKind kind) {
        while (i < last && t[i].kind == kind) ++i;
    };
    auto relation = [&]() -> std::string {
        if (i >= last || !is_name(t[i])) return "";
        const std::string name = t[i++].text;
        if (i < last && is_name(t[i]) && !is_word(t[i], "join") && !is_word(t[i], "left") && !is_word(t[i], "on")) {
            if (t[i].text != name) out.aliases.emplace_back(t[i].text, name);
            ++i;
        }
        return name;
    };
    skip(TokenKind::LParen);
    if (relation() != source) {
        *problem = "its FROM clause does not start with its source";
        return std::nullopt;
    }
    skip(TokenKind::RParen);
    while (i < last) {
        AggregateQuery::Join join;
        if (is_word(t[i], "left")) {
            join.left = true;
            ++i;
        }
        if (i >= last || !is_word(t[i], "join")) {
            *problem = "it reads more than its source and INNER or LEFT joins of tables (`" + t[i].text + "`)";
            return std::nullopt;
        }
        ++i;
        join.table = relation();
        if (join.table.empty() || i + 1 >= last || !is_word(t[i], "on")) {
            *problem = "a join is not of a table ON a condition";
            return std::nullopt;
        }
        // The condition runs to the next join, or to the parenthesis that
        // closes this join (pg_get_viewdef without `pretty` nests them).
        const size_t start = ++i;
        for (int depth = 0; i < last; ++i) {
            if (t[i].kind == TokenKind::LParen) ++depth;
            if (t[i].kind == TokenKind::RParen && --depth < 0) break;
            const bool next_join =
                is_word(t[i], "join") || (is_word(t[i], "left") && i + 1 < last && is_word(t[i + 1], "join"));
            if (depth == 0 && next_join) break;
        }
        join.on = without_parentheses(slice.text(start, i));
        out.joins.push_back(std::move(join));
        skip(TokenKind::RParen);
    }
    return out;
}

// The SQL with every `alias.` qualifier written `table.`, in one pass (a
// table may be another table's alias: `devices sites JOIN sites devices`);
// an empty `table` drops the qualifier with its dot.
std::string requalified(const std::string& sql, const std::vector<std::pair<std::string, std::string>>& aliases) {
    std::string error;
    auto tokens = sqltext::lex(sql, &error);
    if (!tokens) return sql;
    std::string out;
    size_t copied = 0;
    for (size_t i = 0; i + 2 < tokens->size(); ++i) {
        const Token& t = (*tokens)[i];
        auto alias = std::find_if(aliases.begin(), aliases.end(), [&](const auto& a) { return a.first == t.text; });
        if (is_name(t) && alias != aliases.end() && (*tokens)[i + 1].kind == TokenKind::Dot &&
            is_name((*tokens)[i + 2]) && (i == 0 || (*tokens)[i - 1].kind != TokenKind::Dot)) {
            out += sql.substr(copied, t.offset - copied) + alias->second;
            copied = (*tokens)[alias->second.empty() ? i + 2 : i + 1].offset;
        }
    }
    return out + sql.substr(copied);
}

}  // namespace

std::string without_qualifier(const std::string& sql, const std::string& qualifier) {
    return requalified(sql, {{qualifier, ""}});
}

// The name the query qualifies its source's columns with: an alias
// (`FROM readings r`, printed by PostgreSQL 16 and later too), or the source.
// "" when FROM reads more than one relation.
std::string qualifier_of(const std::vector<Token>& tokens, const Clauses& c, const std::string& source) {
    const size_t end = std::min(c.where, c.group);
    if (c.from + 1 >= end || !is_name(tokens[c.from + 1]) || tokens[c.from + 1].text != source) return "";
    if (end == c.from + 2) return source;
    if (end == c.from + 3 && is_name(tokens[c.from + 2]) && !is_word(tokens[c.from + 2], "join"))
        return tokens[c.from + 2].text;
    if (end == c.from + 4 && is_word(tokens[c.from + 2], "as") && is_name(tokens[c.from + 3]))
        return tokens[c.from + 3].text;
    return "";
}

namespace {

// A GROUP BY key and the output column it is: a column output as it is
// (`device_id`, `devices.site_id`), or an expression output under a name.
std::optional<AggregateQuery::GroupKey> read_group_key(const std::vector<Token>& tokens, const Slicer& slice,
                                                       const std::vector<Item>& items, size_t first, size_t last,
                                                       const std::string& key, std::string* problem) {
    const bool column = (last == first + 1 && is_name(tokens[first])) || is_qualified_column(tokens, first, last);
    for (const auto& item : items) {
        if (without_parentheses(slice.text(item.first, item.last)) != key) continue;
        if (!column) return AggregateQuery::GroupKey{item.name, "", key};
        if (tokens[last - 1].text != item.name) {
            *problem = "a group-by column is renamed in its output (" + item.name + ")";
            return std::nullopt;
        }
        const std::string relation = last == first + 3 ? tokens[first].text + "." : "";
        return AggregateQuery::GroupKey{item.name, relation + item.name, ""};
    }
    *problem =
        "it groups by " + std::string(column ? "a column" : "an expression") + " it does not output (" + key + ")";
    return std::nullopt;
}

}  // namespace

std::optional<AggregateQuery> split_aggregate_query(const std::string& query, const std::string& source,
                                                    std::string* problem) {
    std::string error;
    auto original = sqltext::lex(query, &error);
    if (!original || original->empty() || !is_word(original->front(), "select")) {
        *problem = "its query does not read as a SELECT";
        return std::nullopt;
    }
    const Clauses original_clauses = find_clauses(*original);
    const std::string qualifier = qualifier_of(*original, original_clauses, source);
    std::string sql = qualifier.empty() ? query : without_qualifier(query, qualifier);
    std::vector<AggregateQuery::Join> joins;
    if (qualifier.empty()) {  // joins: columns stay qualified, by the tables' names
        const size_t end = std::min(original_clauses.where, original_clauses.group);
        auto from = read_joins(Slicer{query, *original}, original_clauses.from + 1, end, source, problem);
        if (!from) return std::nullopt;
        sql = requalified(sql, from->aliases);
        auto tokens = sqltext::lex(sql, &error);
        if (!tokens) {
            *problem = "its query does not read as a SELECT";
            return std::nullopt;
        }
        const Clauses c = find_clauses(*tokens);
        from = read_joins(Slicer{sql, *tokens}, c.from + 1, std::min(c.where, c.group), source, problem);
        if (!from) return std::nullopt;
        joins = from->joins;
    } else if (qualifier != source) {  // FROM readings r: the DSL writes no alias
        auto tokens = sqltext::lex(sql, &error);
        const Clauses c = find_clauses(*tokens);
        const size_t end = std::min(c.where, c.group);
        const Token& name = (*tokens)[c.from + 1];
        const size_t alias_from = name.offset + name.text.size() + (name.kind == TokenKind::QuotedIdentifier ? 2 : 0);
        const size_t alias_to = end < tokens->size() ? (*tokens)[end].offset : sql.size();
        sql = sql.substr(0, alias_from) + (end < tokens->size() ? "\n" : "") + sql.substr(alias_to);
    }
    auto lexed = sqltext::lex(sql, &error);
    if (!lexed) {
        *problem = "its query does not read as a SELECT";
        return std::nullopt;
    }
    const std::vector<Token>& tokens = *lexed;
    const Slicer slice{sql, tokens};
    Clauses c = find_clauses(tokens);
    if (c.other.empty() && has_order_by(tokens, c.group)) c.other = "ORDER BY";
    if (!c.other.empty()) {
        *problem = "its query has " + c.other + ", which the DSL's aggregates do not";
        return std::nullopt;
    }
    AggregateQuery out;
    out.joins = std::move(joins);
    std::vector<Item> items;
    for (auto range : split_commas(tokens, 1, c.from)) {
        auto item = read_item(tokens, range);
        if (!item) {
            *problem = "an output column has no name of its own";
            return std::nullopt;
        }
        items.push_back(*item);
        out.output.push_back(item->name);
    }
    if (c.where < c.end) out.where = slice.text(c.where + 1, c.group);
    std::string bucket_sql;
    for (const auto& item : items)
        if (is_bucket_call(tokens, item)) {
            out.bucket_column = item.name;
            bucket_sql = slice.text(item.first, item.last);
        }
    if (out.bucket_column.empty() || c.group + 1 >= c.end || !is_word(tokens[c.group + 1], "by")) {
        *problem = "it has no time_bucket() column it groups by";
        return std::nullopt;
    }
    for (auto [first, last] : split_commas(tokens, c.group + 2, c.end)) {
        const std::string key = without_parentheses(slice.text(first, last));
        if (key == bucket_sql) continue;
        auto group_key = read_group_key(tokens, slice, items, first, last, key, problem);
        if (!group_key) return std::nullopt;
        out.group_by.push_back(std::move(*group_key));
    }
    for (const auto& item : items) {
        if (item.name == out.bucket_column) continue;
        const bool grouped = std::any_of(out.group_by.begin(), out.group_by.end(),
                                         [&](const AggregateQuery::GroupKey& g) { return g.name == item.name; });
        if (!grouped) out.columns.emplace_back(item.name, slice.text(item.first, item.last));
    }
    return out;
}

}  // namespace hyperschema::pull
