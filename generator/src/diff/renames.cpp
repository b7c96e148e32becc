#include "diff/renames.hpp"

#include <algorithm>

#include "emit/identifiers.hpp"
#include "sqltext/lexer.hpp"

namespace hyperschema::diff {
namespace {

// The new state declares where things came from; for a down migration the
// old state (`from`) is the one that says it.
const std::optional<NameRef>& declared(const Table& t) {
    return t.renamed_from;
}
const std::optional<NameRef>& declared(const Column& c) {
    return c.renamed_from;
}
const std::optional<NameRef>& declared(const ContinuousAggregate& a) {
    return a.renamed_from;
}

}  // namespace

Renames::Renames(const Schema& from, const Schema& to, Direction direction) : from_(from), to_(to) {
    const Schema& newer = direction == Direction::Up ? to : from;
    const Schema& older = direction == Direction::Up ? from : to;
    std::map<std::string, std::string> newer_to_older;  // table names
    for (const auto& t : newer.tables) {
        std::string old_name = t.name;
        // A rename applies only while the old name exists and the new one does not.
        if (declared(t) && !older.find_table(t.name) && older.find_table(declared(t)->name))
            old_name = declared(t)->name;
        if (older.find_table(old_name)) newer_to_older[t.name] = old_name;
    }
    // Aggregates: by name only (their columns are renamed by rebuilding).
    for (const auto& a : newer.aggregates) {
        std::string old_name = a.name;
        if (declared(a) && !older.find_aggregate(a.name) && older.find_aggregate(declared(a)->name))
            old_name = declared(a)->name;
        if (!older.find_aggregate(old_name)) continue;
        const std::string& to_name = direction == Direction::Up ? a.name : old_name;
        const std::string& from_name = direction == Direction::Up ? old_name : a.name;
        table_to_from_[to_name] = from_name;
        table_from_to_[from_name] = to_name;
    }
    for (const auto& [n, o] : newer_to_older) {
        const std::string& to_name = direction == Direction::Up ? n : o;
        const std::string& from_name = direction == Direction::Up ? o : n;
        table_to_from_[to_name] = from_name;
        table_from_to_[from_name] = to_name;
        const Table* newer_table = newer.find_table(n);
        const Table* older_table = older.find_table(o);
        for (const auto& c : newer_table->columns) {
            std::string old_column = c.name;
            if (declared(c) && !older_table->find_column(c.name) && older_table->find_column(declared(c)->name))
                old_column = declared(c)->name;
            if (!older_table->find_column(old_column)) continue;
            const std::string& to_column = direction == Direction::Up ? c.name : old_column;
            const std::string& from_column = direction == Direction::Up ? old_column : c.name;
            column_to_from_[{to_name, to_column}] = from_column;
            column_from_to_[{from_name, from_column}] = to_column;
        }
    }
}

std::string Renames::table_in_to(const std::string& from_name) const {
    auto it = table_from_to_.find(from_name);
    return it == table_from_to_.end() ? "" : it->second;
}

std::string Renames::table_in_from(const std::string& to_name) const {
    auto it = table_to_from_.find(to_name);
    return it == table_to_from_.end() ? "" : it->second;
}

std::string Renames::column_in_to(const std::string& from_table, const std::string& from_column) const {
    auto it = column_from_to_.find({from_table, from_column});
    return it == column_from_to_.end() ? "" : it->second;
}

std::string Renames::column_in_from(const std::string& to_table, const std::string& to_column) const {
    auto it = column_to_from_.find({to_table, to_column});
    return it == column_to_from_.end() ? "" : it->second;
}

bool Renames::table_renamed(const std::string& to_name) const {
    std::string old = table_in_from(to_name);
    return !old.empty() && old != to_name;
}

}  // namespace hyperschema::diff

namespace hyperschema::diff {

std::string Renames::sql_in_to(const std::string& sql, const std::vector<std::string>& read) const {
    using sqltext::TokenKind;
    std::string error;
    const auto tokens = sqltext::lex(sql, &error);
    if (!tokens) return sql;
    const auto& t = *tokens;
    // Replacements by offset: [offset, offset + size) -> new name.
    std::vector<std::pair<const sqltext::Token*, std::string>> edits;
    auto renamed_column = [&](const std::string& table, const std::string& column) {
        const std::string now = column_in_to(table, column);
        return now.empty() || now == column ? std::string() : now;
    };
    for (size_t i = 0; i < t.size(); ++i) {
        if (!sqltext::is_name(t[i])) continue;
        const bool after_dot = i > 0 && t[i - 1].kind == TokenKind::Dot;
        const bool before_dot = i + 2 < t.size() && t[i + 1].kind == TokenKind::Dot && sqltext::is_name(t[i + 2]);
        const bool call = i + 1 < t.size() && t[i + 1].kind == TokenKind::LParen;
        const bool type = i > 0 && (t[i - 1].kind == TokenKind::Cast || sqltext::is_word(t[i - 1], "as"));
        if (after_dot || call || type) continue;
        if (before_dot && !(i + 3 < t.size() && t[i + 3].kind == TokenKind::Dot)) {
            // relation.column
            const std::string& relation = t[i].text;
            if (std::find(read.begin(), read.end(), relation) == read.end()) continue;
            if (std::string now = table_in_to(relation); !now.empty() && now != relation) edits.push_back({&t[i], now});
            if (std::string now = renamed_column(relation, t[i + 2].text); !now.empty())
                edits.push_back({&t[i + 2], now});
            ++i;
            continue;
        }
        if (t[i].kind == TokenKind::Identifier && sqltext::is_sql_keyword(t[i].text)) continue;
        for (const auto& table : read) {
            const Table* old = from_.find_table(table);
            if (!old || !old->find_column(t[i].text)) continue;
            if (std::string now = renamed_column(table, t[i].text); !now.empty()) edits.push_back({&t[i], now});
            break;
        }
    }
    if (edits.empty()) return sql;
    std::string out;
    size_t at = 0;
    for (const auto& [token, name] : edits) {
        out += sql.substr(at, token->offset - at) + emit::quote_ident(name);
        at = token->offset + token->size;
    }
    return out + sql.substr(at);
}

}  // namespace hyperschema::diff
