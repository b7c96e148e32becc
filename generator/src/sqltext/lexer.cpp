#include "sqltext/lexer.hpp"

#include <pg_query.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>

#include "sqltext/literals.hpp"

namespace hyperschema::sqltext {
namespace {

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

// --- PostgreSQL's own scanner ----------------------------------------------
//
// pg_query_scan() runs the server's scan.l over the text and returns its
// tokens as a protocol buffer (pg_query.proto: ScanResult { repeated
// ScanToken tokens = 2 }, ScanToken { start = 1, end = 2, token = 4,
// keyword_kind = 5 }); the few fields read here are decoded below rather
// than through protobuf-c, whose headers Debian ships apart.

struct ScanToken {
    size_t start = 0, end = 0;
    uint64_t token = 0;
    uint64_t keyword_kind = 0;
};

// The token numbers of pg_query.proto's Token that are the same in
// libpg_query 15 and 17 (the keywords after them are not).
enum : uint64_t {
    kIdent = 258,
    kUident = 259,
    kFconst = 260,
    kSconst = 261,
    kUsconst = 262,
    kBconst = 263,
    kXconst = 264,
    kIconst = 266,
    kParam = 267,
    kTypecast = 268,
    kSqlComment = 275,
    kCComment = 276,
};

// Protocol buffers' wire format: varints and length-delimited fields.
class WireReader {
public:
    WireReader(const uint8_t* p, const uint8_t* end) : p_(p), end_(end) {}

    bool done() const { return p_ >= end_; }

    bool varint(uint64_t& out) {
        out = 0;
        for (int shift = 0; shift < 64 && p_ < end_; shift += 7) {
            const uint8_t byte = *p_++;
            out |= static_cast<uint64_t>(byte & 0x7f) << shift;
            if (!(byte & 0x80)) return true;
        }
        return false;
    }

    // The next field: its number, and its varint value or its bytes.
    bool field(uint64_t& number, uint64_t& value, WireReader& bytes) {
        uint64_t key = 0;
        if (!varint(key)) return false;
        number = key >> 3;
        switch (key & 7) {
            case 0:
                return varint(value);
            case 1:
                return skip(8);
            case 2: {
                uint64_t size = 0;
                if (!varint(size) || size > static_cast<uint64_t>(end_ - p_)) return false;
                bytes = WireReader(p_, p_ + size);
                p_ += size;
                return true;
            }
            case 5:
                return skip(4);
            default:
                return false;
        }
    }

private:
    bool skip(size_t n) {
        if (static_cast<size_t>(end_ - p_) < n) return false;
        p_ += n;
        return true;
    }

    const uint8_t* p_;
    const uint8_t* end_;
};

std::optional<std::vector<ScanToken>> decode_scan(const char* data, size_t size) {
    WireReader result(reinterpret_cast<const uint8_t*>(data), reinterpret_cast<const uint8_t*>(data) + size);
    std::vector<ScanToken> tokens;
    while (!result.done()) {
        uint64_t number = 0, value = 0;
        WireReader bytes(nullptr, nullptr);
        if (!result.field(number, value, bytes)) return std::nullopt;
        if (number != 2) continue;
        ScanToken t;
        while (!bytes.done()) {
            uint64_t n = 0, v = 0;
            WireReader unused(nullptr, nullptr);
            if (!bytes.field(n, v, unused)) return std::nullopt;
            if (n == 1) t.start = v;
            if (n == 2) t.end = v;
            if (n == 4) t.token = v;
            if (n == 5) t.keyword_kind = v;
        }
        tokens.push_back(t);
    }
    return tokens;
}

// A string constant's value: '' and E'\'' unescaped, $tag$ ... $tag$ and
// b'...', x'...' without their delimiters.
std::string string_value(std::string_view text) {
    if (!text.empty() && text[0] == '$') {
        const size_t tag = text.find('$', 1) + 1;
        return std::string(text.substr(tag, text.size() - 2 * tag));
    }
    const bool escapes = !text.empty() && (text[0] == 'e' || text[0] == 'E');
    const size_t open = text.find('\'');
    if (open == std::string_view::npos) return std::string(text);
    std::string value;
    for (size_t i = open + 1; i + 1 < text.size(); ++i) {
        if (escapes && text[i] == '\\' && i + 2 < text.size()) {
            value += text[++i];
        } else if (text[i] == '\'' && text[i + 1] == '\'') {
            value += '\'';
            ++i;
        } else if (text[i] == '\'') {
            // 'a'\n'b': a continued constant; the next part starts at its quote.
            i = text.find('\'', i + 1);
            if (i == std::string_view::npos) break;
        } else {
            value += text[i];
        }
    }
    return value;
}

// `"Mixed ""quoted"""` as written: Mixed "quoted".
std::string quoted_name(std::string_view text) {
    std::string value;
    for (size_t i = 1; i + 1 < text.size(); ++i) {
        value += text[i];
        if (text[i] == '"') ++i;
    }
    return value;
}

Token kind_and_text(const ScanToken& s, std::string_view sql) {
    const std::string_view text = sql.substr(s.start, s.end - s.start);
    const bool keyword = s.keyword_kind != 0 || s.token > kCComment;
    if (keyword || (s.token == kIdent && (text.empty() || text[0] != '"')))
        return {TokenKind::Identifier, lowercase(text), s.start};
    switch (s.token) {
        case kIdent:
        case kUident:
            return {TokenKind::QuotedIdentifier, quoted_name(text), s.start};
        case kSconst:
        case kUsconst:
        case kBconst:
        case kXconst:
            return {TokenKind::String, string_value(text), s.start};
        case kIconst:
        case kFconst:
        case kParam:
            return {TokenKind::Number, std::string(text), s.start};
        case kTypecast:
            return {TokenKind::Cast, "::", s.start};
        case '(':
            return {TokenKind::LParen, "(", s.start};
        case ')':
            return {TokenKind::RParen, ")", s.start};
        case ',':
            return {TokenKind::Comma, ",", s.start};
        case '.':
            return {TokenKind::Dot, ".", s.start};
        default:
            return {TokenKind::Operator, std::string(text), s.start};
    }
}

Token token_of(const ScanToken& s, std::string_view sql) {
    Token t = kind_and_text(s, sql);
    t.size = s.end - s.start;
    return t;
}

bool is_call(const std::vector<Token>& tokens, size_t i) {
    return tokens[i].kind == TokenKind::Identifier && i + 1 < tokens.size() && tokens[i + 1].kind == TokenKind::LParen;
}

}  // namespace

std::optional<std::vector<Token>> lex(std::string_view sql, std::string* error, std::vector<size_t>* line_comments) {
    const std::string text(sql);
    PgQueryScanResult result = pg_query_scan(text.c_str());
    std::optional<std::vector<ScanToken>> scanned;
    if (result.error) {
        const int at = result.error->cursorpos > 0 ? result.error->cursorpos - 1 : 0;
        *error = std::string(result.error->message) + " at offset " + std::to_string(at);
    } else {
        scanned = decode_scan(result.pbuf.data, result.pbuf.len);
        if (!scanned) *error = "the scanner's answer does not decode";
    }
    pg_query_free_scan_result(result);
    if (!scanned) return std::nullopt;
    std::vector<Token> tokens;
    for (const auto& s : *scanned) {
        if (s.end > text.size() || s.start > s.end) continue;
        if (s.token == kSqlComment) {
            if (line_comments) line_comments->push_back(s.start);
            continue;
        }
        if (s.token == kCComment) continue;
        tokens.push_back(token_of(s, text));
    }
    return tokens;
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
