// Literal forms of dates and timestamps, intervals, floats, bytea, JSON and
// arrays, after PostgreSQL's input functions (date_in/timestamp_in and
// DecodeInterval in datetime.c, float4in/float8in, byteain, json_in, array_in).
// Each accepted and refused form was run against PostgreSQL 15; the corpus in
// tests/corpus/ applies them to the server in every run. As for the other
// types, a form we do not read is left to the server: a false error is worse.

#include <nlohmann/json.hpp>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <set>
#include <string>

#include "sqltext/literals.hpp"

namespace hyperschema::sqltext {
namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::string lower(std::string_view text) {
    std::string out;
    for (char c : text) out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return out;
}

}  // namespace

std::string datetime_literal_problem(std::string_view text) {
    // Only the ISO form is read (2024-02-30, 2024-02-30 12:00+01): PostgreSQL
    // also reads `Jan 8 1999`, `20240101`, `epoch`, zone names and BC years.
    if (text.size() < 5 || !is_digit(text[0]) || !is_digit(text[1]) || !is_digit(text[2]) || !is_digit(text[3]) ||
        text[4] != '-')
        return "";
    std::string error;
    if (parse_timestamp_literal(text, &error)) return "";
    return error.rfind("PostgreSQL refuses", 0) == 0 ? error : "";
}

std::string interval_literal_problem(std::string_view text) {
    // DecodeInterval's unit words (datetime.c's deltatktbl), of which it reads
    // the first 10 letters (TOKMAXLEN), with `ago`; `infinity` is PostgreSQL
    // 17's, left to the server on 15.
    static const std::set<std::string, std::less<>> kUnits{
        "@",        "ago",      "c",          "cent",  "centuries", "century",    "d",          "day",  "days",
        "dec",      "decade",   "decades",    "decs",  "h",         "hour",       "hours",      "hr",   "hrs",
        "infinity", "m",        "microsecon", "mil",   "millennia", "millennium", "millisecon", "mils", "min",
        "mins",     "minute",   "minutes",    "mon",   "mons",      "month",      "months",     "ms",   "msec",
        "msecond",  "mseconds", "msecs",      "s",     "sec",       "second",     "seconds",    "secs", "us",
        "usec",     "usecond",  "useconds",   "usecs", "w",         "week",       "weeks",      "y",    "year",
        "years",    "yr",       "yrs"};
    const std::string t = lower(text);
    if (!t.empty() && t[0] == 'p') return "";  // ISO 8601 (P1DT2H), read by another decoder
    for (size_t i = 0; i < t.size();) {
        if (!std::isalpha(static_cast<unsigned char>(t[i]))) {
            ++i;
            continue;
        }
        size_t start = i;
        while (i < t.size() && std::isalpha(static_cast<unsigned char>(t[i]))) ++i;
        const std::string word = t.substr(start, i - start);
        if (!kUnits.count(word.substr(0, 10))) {
            return "PostgreSQL refuses it (\"invalid input syntax for type interval\"): `" + word +
                   "` is not a unit; use microseconds, milliseconds, seconds, minutes, hours, days, weeks, months, "
                   "years, decades, centuries or millennia";
        }
    }
    return "";
}

std::string float_literal_problem(std::string_view text, int bits) {
    if (!is_number_literal(text)) return "expected a number";
    const std::string lowered = lower(text);
    if (lowered.find("nan") != std::string::npos || lowered.find("infinity") != std::string::npos) return "";
    const std::string s(text);
    errno = 0;
    const double value =
        bits == 32 ? static_cast<double>(std::strtof(s.c_str(), nullptr)) : std::strtod(s.c_str(), nullptr);
    // As float4in/float8in: an overflow, or an underflow to zero of a non-zero
    // number, is an error; a denormal result is kept.
    if (errno == ERANGE && (value == 0.0 || std::isinf(value))) {
        return std::string("PostgreSQL refuses it (\"is out of range for type ") +
               (bits == 32 ? "real\"): `real` holds about 1e-45 to 3.4e38"
                           : "double precision\"): `double precision` holds about 5e-324 to 1.8e308") +
               " in absolute value";
    }
    return "";
}

std::string bytea_literal_problem(std::string_view text) {
    if (text.size() >= 2 && text[0] == '\\' && (text[1] == 'x' || text[1] == 'X')) {
        size_t digits = 0;
        for (size_t i = 2; i < text.size(); ++i) {
            if (is_space(text[i]) && digits % 2 == 0) continue;
            if (!is_hex(text[i]))
                return "PostgreSQL refuses it (\"invalid hexadecimal digit\"): the hex form is `\\x` and pairs of "
                       "hexadecimal digits";
            ++digits;
        }
        if (digits % 2 != 0)
            return "PostgreSQL refuses it (\"invalid hexadecimal data: odd number of digits\"): each byte is two "
                   "hexadecimal digits";
        return "";
    }
    // The escape form: a backslash starts `\\` or three octal digits.
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\\') continue;
        if (i + 1 < text.size() && text[i + 1] == '\\') {
            ++i;
        } else if (i + 3 < text.size() + 0 && text[i + 1] >= '0' && text[i + 1] <= '3' && text[i + 2] >= '0' &&
                   text[i + 2] <= '7' && text[i + 3] >= '0' && text[i + 3] <= '7') {
            i += 3;
        } else {
            return "PostgreSQL refuses it (\"invalid input syntax for type bytea\"): a backslash starts `\\\\` or "
                   "three octal digits; for hexadecimal write `\\x` and pairs of digits";
        }
    }
    return "";
}

std::string json_literal_problem(std::string_view text) {
    if (nlohmann::json::accept(text)) return "";
    return "PostgreSQL refuses it (\"invalid input syntax for type json\"): not a JSON value; write it as JSON, e.g. "
           "`'{\"key\": 1}'`";
}

std::optional<std::vector<std::optional<std::string>>> array_literal_elements(std::string_view text) {
    std::vector<std::optional<std::string>> out;
    size_t i = 0;
    while (i < text.size() && is_space(text[i])) ++i;
    if (i == text.size() || text[i] != '{') return std::nullopt;
    int depth = 0;
    while (i < text.size()) {
        const char c = text[i];
        if (c == '{') {
            ++depth;
            ++i;
        } else if (c == '}') {
            if (--depth < 0) return std::nullopt;
            ++i;
            if (depth == 0) break;
        } else if (c == ',' || is_space(c)) {
            ++i;
        } else if (c == '"') {
            std::string value;
            for (++i; i < text.size() && text[i] != '"'; ++i) {
                if (text[i] == '\\' && i + 1 < text.size()) ++i;
                value += text[i];
            }
            if (i == text.size()) return std::nullopt;
            ++i;
            out.emplace_back(std::move(value));
        } else {
            std::string value;
            for (; i < text.size() && text[i] != ',' && text[i] != '}' && text[i] != '{'; ++i) {
                if (text[i] == '\\' && i + 1 < text.size()) ++i;
                value += text[i];
            }
            while (!value.empty() && is_space(value.back())) value.pop_back();
            if (lower(value) == "null") {
                out.emplace_back(std::nullopt);
            } else {
                out.emplace_back(std::move(value));
            }
        }
    }
    while (i < text.size() && is_space(text[i])) ++i;
    if (depth != 0 || i != text.size()) return std::nullopt;
    return out;
}

}  // namespace hyperschema::sqltext
