#include "sqltext/lexer.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace hyperschema::sqltext {
namespace {

bool ident_start(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || (c & 0x80);
}
bool ident_char(char c) {
    return ident_start(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '$';
}

char lower(char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

// Words that appear in expressions and are never column references. Type names
// are here too because they appear after AS in CAST(x AS numeric).
constexpr std::string_view kKeywords[] = {
    "all",     "and",       "any",         "array",     "as",        "asc",      "at",        "between",   "bigint",
    "boolean", "both",      "by",          "bytea",     "case",      "cast",     "char",      "character", "collate",
    "cross",   "current",   "date",        "day",       "decimal",   "default",  "desc",      "distinct",  "double",
    "else",    "end",       "escape",      "except",    "exists",    "false",    "filter",    "first",     "following",
    "for",     "from",      "full",        "group",     "having",    "hour",     "ilike",     "in",        "inner",
    "int",     "integer",   "intersect",   "interval",  "is",        "isnull",   "join",      "json",      "jsonb",
    "last",    "lateral",   "left",        "like",      "limit",     "minute",   "month",     "natural",   "not",
    "notnull", "null",      "nulls",       "numeric",   "offset",    "on",       "only",      "or",        "order",
    "outer",   "over",      "partition",   "preceding", "precision", "range",    "real",      "right",     "row",
    "rows",    "second",    "select",      "similar",   "smallint",  "some",     "symmetric", "text",      "then",
    "time",    "timestamp", "timestamptz", "to",        "true",      "unbounded"};

constexpr std::string_view kMoreKeywords[] = {"union", "using",   "uuid",    "varchar", "varying",    "when",
                                              "where", "window",  "with",    "within",  "without",    "year",
                                              "zone",  "extract", "placing", "unknown", "normalized", "nfc",
                                              "nfd",   "nfkc",    "nfkd",    "leading", "trailing"};

// Functions and SQL value keywords that are not IMMUTABLE in PostgreSQL.
// SQL value keywords that act as functions without parentheses.
constexpr std::string_view kParenlessFunctions[] = {"current_timestamp", "current_date",   "current_time",
                                                    "localtime",         "localtimestamp", "current_user"};

template <size_t N>
bool contains(const std::string_view (&words)[N], std::string_view w) {
    return std::find(std::begin(words), std::end(words), w) != std::end(words);
}

class Lexer {
public:
    Lexer(std::string_view sql, std::vector<size_t>* line_comments) : sql_(sql), line_comments_(line_comments) {}

    std::optional<std::vector<Token>> run(std::string* error) {
        while (pos_ < sql_.size()) {
            if (!step(error)) return std::nullopt;
        }
        return tokens_;
    }

private:
    bool step(std::string* error) {
        char c = sql_[pos_];
        if (std::isspace(static_cast<unsigned char>(c))) {
            ++pos_;
            return true;
        }
        if (starts("--")) return skip_line_comment();
        if (starts("/*")) return skip_block_comment(error);
        if (c == '\'' || ((c == 'e' || c == 'E') && peek(1) == '\'')) return read_string(error);
        if (c == '"') return read_quoted_identifier(error);
        if (c == '$' && dollar_tag()) return read_dollar_string(error);
        if (ident_start(c)) return read_identifier();
        if (std::isdigit(static_cast<unsigned char>(c)) ||
            (c == '.' && std::isdigit(static_cast<unsigned char>(peek(1)))))
            return read_number();
        return read_punctuation();
    }

    char peek(size_t ahead) const { return pos_ + ahead < sql_.size() ? sql_[pos_ + ahead] : '\0'; }
    bool starts(std::string_view s) const { return sql_.substr(pos_, s.size()) == s; }

    void push(TokenKind kind, std::string text, size_t offset) { tokens_.push_back({kind, std::move(text), offset}); }

    bool skip_line_comment() {
        if (line_comments_) line_comments_->push_back(pos_);
        while (pos_ < sql_.size() && sql_[pos_] != '\n') ++pos_;
        return true;
    }

    bool skip_block_comment(std::string* error) {
        // PostgreSQL block comments nest.
        size_t start = pos_;
        int depth = 0;
        while (pos_ < sql_.size()) {
            if (starts("/*")) {
                ++depth;
                pos_ += 2;
            } else if (starts("*/")) {
                pos_ += 2;
                if (--depth == 0) return true;
            } else {
                ++pos_;
            }
        }
        *error = "unterminated /* comment starting at offset " + std::to_string(start);
        return false;
    }

    bool read_string(std::string* error) {
        size_t start = pos_;
        bool escapes = sql_[pos_] != '\'';
        if (escapes) ++pos_;
        ++pos_;
        std::string value;
        while (pos_ < sql_.size()) {
            char c = sql_[pos_];
            if (escapes && c == '\\' && pos_ + 1 < sql_.size()) {
                value += sql_[pos_ + 1];
                pos_ += 2;
                continue;
            }
            if (c == '\'') {
                if (peek(1) == '\'') {
                    value += '\'';
                    pos_ += 2;
                    continue;
                }
                ++pos_;
                push(TokenKind::String, value, start);
                return true;
            }
            value += c;
            ++pos_;
        }
        *error = "unterminated string literal starting at offset " + std::to_string(start);
        return false;
    }

    bool read_quoted_identifier(std::string* error) {
        size_t start = pos_++;
        std::string value;
        while (pos_ < sql_.size()) {
            if (sql_[pos_] == '"') {
                if (peek(1) == '"') {
                    value += '"';
                    pos_ += 2;
                    continue;
                }
                ++pos_;
                push(TokenKind::QuotedIdentifier, value, start);
                return true;
            }
            value += sql_[pos_++];
        }
        *error = "unterminated quoted identifier starting at offset " + std::to_string(start);
        return false;
    }

    // $tag$ ... $tag$; returns the length of the opening tag, 0 if not a tag.
    size_t dollar_tag() const {
        size_t i = pos_ + 1;
        while (i < sql_.size() && sql_[i] != '$') {
            if (!ident_char(sql_[i]) || sql_[i] == '$') return 0;
            ++i;
        }
        if (i >= sql_.size()) return 0;
        if (i > pos_ + 1 && std::isdigit(static_cast<unsigned char>(sql_[pos_ + 1]))) return 0;
        return i - pos_ + 1;
    }

    bool read_dollar_string(std::string* error) {
        size_t start = pos_;
        std::string tag(sql_.substr(pos_, dollar_tag()));
        auto end = sql_.find(tag, pos_ + tag.size());
        if (end == std::string_view::npos) {
            *error = "unterminated dollar-quoted string starting at offset " + std::to_string(start);
            return false;
        }
        push(TokenKind::String, std::string(sql_.substr(pos_ + tag.size(), end - pos_ - tag.size())), start);
        pos_ = end + tag.size();
        return true;
    }

    bool read_identifier() {
        size_t start = pos_;
        std::string word;
        while (pos_ < sql_.size() && ident_char(sql_[pos_])) word += lower(sql_[pos_++]);
        push(TokenKind::Identifier, word, start);
        return true;
    }

    bool read_number() {
        size_t start = pos_;
        while (pos_ < sql_.size() &&
               (std::isalnum(static_cast<unsigned char>(sql_[pos_])) || sql_[pos_] == '.' || sql_[pos_] == '_'))
            ++pos_;
        push(TokenKind::Number, std::string(sql_.substr(start, pos_ - start)), start);
        return true;
    }

    bool read_punctuation() {
        size_t start = pos_;
        char c = sql_[pos_];
        if (starts("::")) {
            pos_ += 2;
            push(TokenKind::Cast, "::", start);
            return true;
        }
        ++pos_;
        switch (c) {
            case '(':
                push(TokenKind::LParen, "(", start);
                return true;
            case ')':
                push(TokenKind::RParen, ")", start);
                return true;
            case ',':
                push(TokenKind::Comma, ",", start);
                return true;
            case '.':
                push(TokenKind::Dot, ".", start);
                return true;
            default:
                break;
        }
        std::string op(1, c);
        constexpr std::string_view kOperatorChars = "+-*/<>=~!@#%^&|`?";
        while (pos_ < sql_.size() && kOperatorChars.find(sql_[pos_]) != std::string_view::npos && !starts("--") &&
               !starts("/*"))
            op += sql_[pos_++];
        push(TokenKind::Operator, op, start);
        return true;
    }

    std::string_view sql_;
    std::vector<size_t>* line_comments_;
    size_t pos_ = 0;
    std::vector<Token> tokens_;
};

bool is_call(const std::vector<Token>& tokens, size_t i) {
    return tokens[i].kind == TokenKind::Identifier && i + 1 < tokens.size() && tokens[i + 1].kind == TokenKind::LParen;
}

}  // namespace

std::optional<std::vector<Token>> lex(std::string_view sql, std::string* error, std::vector<size_t>* line_comments) {
    return Lexer(sql, line_comments).run(error);
}

size_t matching_paren(const std::vector<Token>& tokens, size_t open) {
    int depth = 0;
    for (size_t i = open; i < tokens.size(); ++i) {
        if (tokens[i].kind == TokenKind::LParen) ++depth;
        if (tokens[i].kind == TokenKind::RParen && --depth == 0) return i;
    }
    return tokens.size();
}

bool is_sql_keyword(std::string_view word) {
    return contains(kKeywords, word) || contains(kMoreKeywords, word);
}

bool is_word(const Token& t, std::string_view word) {
    return t.kind == TokenKind::Identifier && t.text == word;
}

bool is_name(const Token& t) {
    return t.kind == TokenKind::Identifier || t.kind == TokenKind::QuotedIdentifier;
}

bool column_reference_at(const std::vector<Token>& t, size_t i) {
    if (i + 2 >= t.size() || !is_name(t[i]) || t[i + 1].kind != TokenKind::Dot || !is_name(t[i + 2])) return false;
    if (i > 0 && (t[i - 1].kind == TokenKind::Dot || t[i - 1].kind == TokenKind::Cast || is_word(t[i - 1], "as") ||
                  is_word(t[i - 1], "collate")))
        return false;
    const bool followed = i + 3 < t.size();
    return !(followed && (t[i + 3].kind == TokenKind::LParen || t[i + 3].kind == TokenKind::Dot ||
                          t[i + 3].kind == TokenKind::String));
}

std::vector<Token> bare_identifiers(const std::vector<Token>& tokens) {
    std::vector<Token> out;
    for (size_t i = 0; i < tokens.size(); ++i) {
        const auto& t = tokens[i];
        bool quoted = t.kind == TokenKind::QuotedIdentifier;
        if (t.kind != TokenKind::Identifier && !quoted) continue;
        if (!quoted && (is_sql_keyword(t.text) || contains(kParenlessFunctions, t.text))) continue;
        // A call, also of a quoted name: the server prints `"left"(kind, 1)`.
        if (i + 1 < tokens.size() && tokens[i + 1].kind == TokenKind::LParen) continue;
        if (i > 0 && (tokens[i - 1].kind == TokenKind::Cast || tokens[i - 1].kind == TokenKind::Dot)) continue;
        // COLLATE "C" names a collation; EXTRACT(epoch FROM x) a field.
        if (i > 0 && tokens[i - 1].kind == TokenKind::Identifier && tokens[i - 1].text == "collate") continue;
        if (i > 1 && tokens[i - 1].kind == TokenKind::LParen && tokens[i - 2].kind == TokenKind::Identifier &&
            tokens[i - 2].text == "extract")
            continue;
        if (i + 1 < tokens.size() && tokens[i + 1].kind == TokenKind::Dot) continue;
        // A typed literal such as timestamptz '2000-01-01' or a named argument.
        if (i + 1 < tokens.size() && tokens[i + 1].kind == TokenKind::Operator && tokens[i + 1].text == "=>") continue;
        // The alias after AS names an output, it does not read a column.
        if (i > 0 && tokens[i - 1].kind == TokenKind::Identifier && tokens[i - 1].text == "as") continue;
        out.push_back(t);
    }
    return out;
}

std::vector<std::string> called_functions(const std::vector<Token>& tokens) {
    std::vector<std::string> out;
    for (size_t i = 0; i < tokens.size(); ++i) {
        if (is_call(tokens, i)) out.push_back(tokens[i].text);
    }
    return out;
}

std::vector<std::string> called_functions(std::string_view sql) {
    std::string error;
    auto tokens = lex(sql, &error);
    return tokens ? called_functions(*tokens) : std::vector<std::string>{};
}

bool mentions_any(std::string_view sql, const std::set<std::string>& names) {
    if (names.empty()) return false;
    std::string error;
    auto tokens = lex(sql, &error);
    return !tokens ||
           std::any_of(tokens->begin(), tokens->end(), [&](const Token& t) { return names.count(t.text) > 0; });
}

}  // namespace hyperschema::sqltext
