#pragma once

// Reading what pg_catalog prints. The verifier compares the schema's SQL
// with the server's deparsed SQL (pg_get_expr, pg_get_constraintdef,
// pg_get_indexdef) and intervals printed in IntervalStyle iso_8601, so both
// sides go through the same normal form here.

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hyperschema/expected_schema.hpp"

namespace hyperschema::detail {

// Parses PostgreSQL's iso_8601 interval output: "P1Y2M3DT4H5M6.5S", "PT0S",
// "P-1M-2DT-3H". Returns nullopt for anything else.
inline std::optional<IntervalSpec> parse_iso_interval(std::string_view text) {
    if (text.size() < 2 || text[0] != 'P') return std::nullopt;
    IntervalSpec out;
    bool time_part = false;
    size_t i = 1;
    while (i < text.size()) {
        if (text[i] == 'T') {
            time_part = true;
            ++i;
            continue;
        }
        const bool negative = text[i] == '-';
        if (negative) ++i;
        std::int64_t whole = 0, fraction = 0, scale = 1'000'000;
        size_t digits = 0;
        for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i, ++digits)
            whole = whole * 10 + (text[i] - '0');
        if (i < text.size() && text[i] == '.') {
            for (++i; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
                scale /= 10;
                fraction += (text[i] - '0') * scale;
            }
        }
        if (digits == 0 || i >= text.size()) return std::nullopt;
        const std::int64_t sign = negative ? -1 : 1;
        const char unit = text[i++];
        if (!time_part && unit == 'Y')
            out.months += sign * whole * 12;
        else if (!time_part && unit == 'M')
            out.months += sign * whole;
        else if (!time_part && unit == 'D')
            out.days += sign * whole;
        else if (time_part && unit == 'H')
            out.micros += sign * whole * 3'600'000'000;
        else if (time_part && unit == 'M')
            out.micros += sign * whole * 60'000'000;
        else if (time_part && unit == 'S')
            out.micros += sign * (whole * 1'000'000 + fraction);
        else
            return std::nullopt;
    }
    return out;
}

// Readable text for reports, in the spirit of PostgreSQL's own output:
// "1 year 2 mons 3 days 04:05:06".
inline std::string interval_text(const IntervalSpec& v) {
    if (v.integer_units) return std::to_string(v.micros);
    std::string out;
    auto part = [&out](std::int64_t n, const char* one, const char* many) {
        if (n == 0) return;
        if (!out.empty()) out += ' ';
        out += std::to_string(n) + ' ' + (n == 1 || n == -1 ? one : many);
    };
    part(v.months / 12, "year", "years");
    part(v.months % 12, "mon", "mons");
    part(v.days, "day", "days");
    if (v.micros != 0 || out.empty()) {
        std::uint64_t us = v.micros < 0 ? static_cast<std::uint64_t>(-(v.micros + 1)) + 1 : v.micros;
        char buf[48];
        std::snprintf(buf, sizeof buf, "%s%02llu:%02llu:%02llu", v.micros < 0 ? "-" : "",
                      static_cast<unsigned long long>(us / 3'600'000'000),
                      static_cast<unsigned long long>(us / 60'000'000 % 60),
                      static_cast<unsigned long long>(us / 1'000'000 % 60));
        std::string time = buf;
        if (us % 1'000'000 != 0) {
            std::snprintf(buf, sizeof buf, ".%06llu", static_cast<unsigned long long>(us % 1'000'000));
            time += buf;
            while (time.back() == '0') time.pop_back();
        }
        if (!out.empty()) out += ' ';
        out += time;
    }
    return out;
}

// As TimescaleDB measures a chunk interval: a month is 30 days, a day 24 hours.
inline std::int64_t interval_micros(const IntervalSpec& v) {
    return (v.months * 30 + v.days) * 86'400'000'000 + v.micros;
}

inline std::string optional_interval_text(const std::optional<IntervalSpec>& v) {
    return v ? interval_text(*v) : "NULL";
}

namespace normal_form {

inline bool is_word_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' || c == '.';
}

// The closing quote of the string literal that opens at `open` ('' inside
// it is a quote), or the end of the text when it is not closed.
inline size_t literal_end(std::string_view s, size_t open) {
    size_t j = open + 1;
    while (j < s.size() && !(s[j] == '\'' && (j + 1 >= s.size() || s[j + 1] != '\''))) j += s[j] == '\'' ? 2 : 1;
    return j;
}

// After "::" at `i`: the end of the type name, including PostgreSQL's
// multi-word names, a (p,s) modifier and [] suffixes.
inline size_t skip_type(const std::string& s, size_t i) {
    while (i < s.size() && s[i] == ' ') ++i;
    while (i < s.size() && (is_word_char(s[i]) || s[i] == '"')) ++i;
    for (const char* more : {" varying", " precision", " with time zone", " without time zone"}) {
        const std::string m = more;
        if (s.compare(i, m.size(), m) == 0) i += m.size();
    }
    if (i < s.size() && s[i] == '(') {
        size_t j = i + 1;
        while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == ',' || s[j] == ' ')) ++j;
        if (j < s.size() && s[j] == ')') i = j + 1;
    }
    while (s.compare(i, 2, "[]") == 0) i += 2;
    return i;
}

// Lowercases outside string literals, drops identifier quotes and casts.
inline std::string lower_without_casts(std::string_view in) {
    std::string s;
    for (size_t i = 0; i < in.size(); ++i) {
        const char c = in[i];
        if (c == '\'') {
            const size_t j = literal_end(in, i);
            s.append(in.substr(i, j - i + 1));
            i = j;
        } else if (c != '"') {
            s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
    }
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\'') {
            const size_t j = literal_end(s, i);
            out.append(s, i, j - i + 1);
            i = j;
        } else if (s.compare(i, 2, "::") == 0) {
            i = skip_type(s, i + 2) - 1;
        } else {
            out += s[i];
        }
    }
    return out;
}

inline bool inside_literal(const std::string& s, size_t at) {
    size_t quotes = 0;
    for (size_t i = 0; i < at; ++i) quotes += s[i] == '\'';
    return quotes % 2 == 1;
}

inline void replace_words(std::string& s, const std::string& word, const std::string& with) {
    size_t at = 0;
    while ((at = s.find(word, at)) != std::string::npos) {
        const bool starts = at == 0 || !is_word_char(s[at - 1]);
        const bool ends = at + word.size() >= s.size() || !is_word_char(s[at + word.size()]);
        if (starts && ends && !inside_literal(s, at)) {
            s.replace(at, word.size(), with);
            at += with.size();
        } else {
            at += 1;
        }
    }
}

// The extent of one operand starting at `from`: a literal, a parenthesised
// group, or a run of word characters with an optional sign.
inline size_t operand_end(const std::string& s, size_t from) {
    size_t i = from;
    while (i < s.size() && s[i] == ' ') ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (i < s.size() && s[i] == '\'') return std::min(literal_end(s, i) + 1, s.size());
    if (i < s.size() && s[i] == '(') {
        for (int depth = 0; i < s.size(); ++i) {
            depth += s[i] == '(' ? 1 : s[i] == ')' ? -1 : 0;
            if (depth == 0) return i + 1;
        }
        return i;
    }
    while (i < s.size() && is_word_char(s[i])) ++i;
    return i;
}

inline size_t operand_start(const std::string& s, size_t end) {
    size_t i = end;
    while (i > 0 && s[i - 1] == ' ') --i;
    if (i > 0 && s[i - 1] == ')') {
        for (int depth = 0; i > 0; --i) {
            depth += s[i - 1] == ')' ? 1 : s[i - 1] == '(' ? -1 : 0;
            if (depth == 0) return i - 1;
        }
        return 0;
    }
    while (i > 0 && is_word_char(s[i - 1])) --i;
    return i;
}

// "x BETWEEN a AND b" is printed as "x >= a AND x <= b" (NOT BETWEEN as
// "x < a OR x > b").
inline void expand_between(std::string& s) {
    for (size_t at = s.find(" between "); at != std::string::npos; at = s.find(" between ", at + 1)) {
        if (inside_literal(s, at)) continue;
        const bool negated = at >= 4 && s.compare(at - 4, 4, " not") == 0;
        const size_t operand_to = negated ? at - 4 : at;
        const size_t x_from = operand_start(s, operand_to);
        const size_t a_from = at + 9, a_to = operand_end(s, a_from);
        if (s.compare(a_to, 5, " and ") != 0) continue;
        const size_t b_to = operand_end(s, a_to + 5);
        const std::string x = s.substr(x_from, operand_to - x_from), a = s.substr(a_from, a_to - a_from),
                          b = s.substr(a_to + 5, b_to - a_to - 5);
        const std::string rewritten =
            negated ? x + " < " + a + " or " + x + " > " + b : x + " >= " + a + " and " + x + " <= " + b;
        s.replace(x_from, b_to - x_from, rewritten);
        at = x_from;
    }
}

// A literal holding only a number ('-1000', as the server prints negative
// constants) is the number.
inline bool is_number_text(std::string_view t) {
    size_t i = t.size() > 0 && (t[0] == '-' || t[0] == '+') ? 1 : 0;
    bool digits = false, dot = false;
    for (; i < t.size(); ++i) {
        if (std::isdigit(static_cast<unsigned char>(t[i])))
            digits = true;
        else if (t[i] == '.' && !dot)
            dot = true;
        else
            return false;
    }
    return digits;
}

// Drops spaces and parentheses outside literals.
inline std::string squeeze(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\'') {
            const size_t j = literal_end(s, i);
            if (j > i + 1 && is_number_text(std::string_view(s).substr(i + 1, j - i - 1)))
                out.append(s, i + 1, j - i - 1);
            else
                out.append(s, i, j - i + 1);
            i = j;
        } else if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '(' && s[i] != ')') {
            out += s[i];
        }
    }
    return out;
}

// "= ANY (ARRAY[a, b])" is how the server prints "IN (a, b)".
inline void fold_any_array(std::string& s, const std::string& from, const std::string& to) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at)) {
        const size_t close = s.find(']', at + from.size());
        if (close == std::string::npos) break;
        s.erase(close, 1);
        s.replace(at, from.size(), to);
    }
}

}  // namespace normal_form

// A normal form of SQL text in which the schema's spelling and the server's
// deparsed spelling of the same expression agree: case folded outside
// literals, identifier quotes, casts, parentheses and spaces dropped, and the
// server's rewrites (IN to = ANY (ARRAY[...]), LIKE to ~~, != to <>) undone.
// Different expressions can only collide when they differ in parentheses or
// casts alone, which is as close as text comparison gets.
inline std::string normalize_sql(std::string_view sql) {
    using namespace normal_form;
    std::string s = lower_without_casts(sql);
    for (size_t at = s.find("!="); at != std::string::npos; at = s.find("!=", at)) s.replace(at, 2, "<>");
    replace_words(s, "not ilike", "!~~*");
    replace_words(s, "not like", "!~~");
    replace_words(s, "ilike", "~~*");
    replace_words(s, "like", "~~");
    expand_between(s);
    s = squeeze(s);
    fold_any_array(s, "<>allarray[", " not in ");
    fold_any_array(s, "=anyarray[", " in ");
    std::string out;
    for (char c : s)
        if (c != ' ') out += c;
    return out;
}

}  // namespace hyperschema::detail
