#include "sqltext/literals.hpp"

#include <algorithm>
#include <cctype>

namespace hyperschema::sqltext {
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool is_hex(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

namespace {

// Advances i over digits; returns how many there were.
size_t skip_digits(std::string_view text, size_t& i) {
    size_t start = i;
    while (i < text.size() && is_digit(text[i])) ++i;
    return i - start;
}

}  // namespace

bool is_integer_literal(std::string_view text) {
    size_t i = !text.empty() && text[0] == '-' ? 1 : 0;
    return skip_digits(text, i) > 0 && i == text.size();
}

bool is_number_literal(std::string_view text) {
    if (text == "NaN" || text == "Infinity" || text == "-Infinity") return true;
    size_t i = !text.empty() && text[0] == '-' ? 1 : 0;
    size_t whole = skip_digits(text, i);
    size_t fraction = 0;
    if (i < text.size() && text[i] == '.') {
        ++i;
        fraction = skip_digits(text, i);
    }
    if (whole + fraction == 0) return false;
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
        if (skip_digits(text, i) == 0) return false;
    }
    return i == text.size();
}

bool is_uuid_literal(std::string_view text) {
    // As uuid_in: 32 hex digits, a hyphen allowed after any group of four,
    // the whole optionally in braces.
    const bool braces = !text.empty() && text.front() == '{';
    if (braces) {
        if (text.size() < 2 || text.back() != '}') return false;
        text = text.substr(1, text.size() - 2);
    }
    size_t p = 0;
    for (int byte = 0; byte < 16; ++byte) {
        if (p + 2 > text.size() || !std::isxdigit(static_cast<unsigned char>(text[p])) ||
            !std::isxdigit(static_cast<unsigned char>(text[p + 1])))
            return false;
        p += 2;
        if (p < text.size() && text[p] == '-' && byte % 2 == 1 && byte < 15) ++p;
    }
    return p == text.size();
}

std::string_view trim_space(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
    return text;
}

std::string lowercase(std::string_view text) {
    std::string out;
    for (char c : text) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool starts_with_call(std::string_view text) {
    size_t i = 0;
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i == text.size() || !(std::isalpha(static_cast<unsigned char>(text[i])) || text[i] == '_')) return false;
    while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_')) ++i;
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    return i < text.size() && text[i] == '(';
}

std::optional<bool> parse_boolean_literal(std::string_view text) {
    text = trim_space(text);
    if (text.empty()) return std::nullopt;
    const std::string word = lowercase(text);
    auto prefix_of = [&](std::string_view full, size_t min) {
        return word.size() >= min && word.size() <= full.size() && full.compare(0, word.size(), word) == 0;
    };
    // As boolin() (src/backend/utils/adt/bool.c): "o" alone is ambiguous.
    if (prefix_of("true", 1) || prefix_of("yes", 1) || prefix_of("on", 2) || word == "1") return true;
    if (prefix_of("false", 1) || prefix_of("no", 1) || prefix_of("off", 2) || word == "0") return false;
    return std::nullopt;
}

namespace {

// Digits without leading zeros ("" for zero).
std::string strip_zeros(std::string_view digits) {
    size_t i = 0;
    while (i < digits.size() && digits[i] == '0') ++i;
    return std::string(digits.substr(i));
}

// a <= b for digit strings without leading zeros.
bool digits_at_most(const std::string& a, const std::string& b) {
    if (a.size() != b.size()) return a.size() < b.size();
    return a <= b;
}

}  // namespace

bool integer_fits(std::string_view text, int bits) {
    const bool negative = !text.empty() && text[0] == '-';
    const std::string digits = strip_zeros(text.substr(negative ? 1 : 0));
    std::string limit = bits == 16 ? "32767" : bits == 32 ? "2147483647" : "9223372036854775807";
    if (negative) ++limit.back();  // the negative range is one larger; no limit ends in 9
    return digits_at_most(digits, limit);
}

bool numeric_fits(std::string_view text, int precision, int scale) {
    if (text == "NaN") return true;
    if (text == "Infinity" || text == "-Infinity") return false;
    size_t i = !text.empty() && text[0] == '-' ? 1 : 0;
    // value = mantissa * 10^exponent, with the mantissa's digits as written
    std::string mantissa;
    int64_t exponent = 0;
    while (i < text.size() && is_digit(text[i])) mantissa += text[i++];
    if (i < text.size() && text[i] == '.') {
        ++i;
        while (i < text.size() && is_digit(text[i])) {
            mantissa += text[i++];
            --exponent;
        }
    }
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        bool negative_exponent = i < text.size() && text[i] == '-';
        if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
        std::string e = strip_zeros(text.substr(i));
        if (e.size() > 6) return negative_exponent;  // absurdly small rounds to 0, large overflows
        exponent += negative_exponent ? -std::stoll("0" + e) : std::stoll("0" + e);
    }
    mantissa = strip_zeros(mantissa);
    if (mantissa.empty()) return true;
    // Round to `scale` fractional digits: the integer mantissa * 10^(exponent + scale).
    const int64_t shift = exponent + scale;
    std::string rounded;
    if (shift >= 0) {
        return static_cast<int64_t>(mantissa.size()) + shift <= precision;
    } else if (-shift > static_cast<int64_t>(mantissa.size())) {
        return true;  // rounds to zero
    } else {
        const size_t keep = mantissa.size() - static_cast<size_t>(-shift);
        rounded = "0" + mantissa.substr(0, keep);
        if (mantissa[keep] >= '5') {
            size_t j = rounded.size();
            while (j > 0 && rounded[j - 1] == '9') rounded[--j] = '0';
            if (j > 0) ++rounded[j - 1];
        }
    }
    return static_cast<int64_t>(strip_zeros(rounded).size()) <= precision;
}

size_t utf8_length(std::string_view text) {
    return static_cast<size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

namespace {

constexpr int64_t kMicrosPerDay = int64_t{86'400'000'000};

bool leap_year(int year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(int year, int month) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && leap_year(year) ? 29 : kDays[month - 1];
}

// Days from 2000-01-01 to year-month-day (proleptic Gregorian).
int64_t days_since_2000(int year, int month, int day) {
    // Howard Hinnant's days_from_civil, shifted to the PostgreSQL epoch.
    const int64_t y = year - (month <= 2 ? 1 : 0);
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468 - 10957;
}

// Reads exactly n digits at i.
std::optional<int> fixed_digits(std::string_view text, size_t& i, size_t n) {
    if (i + n > text.size()) return std::nullopt;
    int value = 0;
    for (size_t k = 0; k < n; ++k) {
        if (!is_digit(text[i + k])) return std::nullopt;
        value = value * 10 + (text[i + k] - '0');
    }
    i += n;
    return value;
}

}  // namespace

int64_t TimestampLiteral::local_micros() const {
    return days_since_2000(year, month, day) * kMicrosPerDay +
           ((int64_t{hour} * 60 + minute) * 60 + second) * int64_t{1'000'000} + micros;
}

int64_t TimestampLiteral::utc_micros() const {
    return local_micros() - int64_t{zone_seconds} * 1'000'000;
}

std::optional<TimestampLiteral> parse_timestamp_literal(std::string_view text, std::string* error) {
    auto malformed = [&]() -> std::optional<TimestampLiteral> {
        *error = "expected a timestamp such as `2000-01-01 00:00:00+00`";
        return std::nullopt;
    };
    auto out_of_range = [&](const std::string& why) -> std::optional<TimestampLiteral> {
        *error = "PostgreSQL refuses it (\"date/time field value out of range\"): " + why;
        return std::nullopt;
    };
    if (text.size() > 64) return malformed();
    TimestampLiteral t;
    size_t i = 0;
    auto year = fixed_digits(text, i, 4);
    if (!year || i >= text.size() || text[i++] != '-') return malformed();
    auto month = fixed_digits(text, i, 2);
    if (!month || i >= text.size() || text[i++] != '-') return malformed();
    auto day = fixed_digits(text, i, 2);
    if (!day) return malformed();
    t.year = *year;
    t.month = *month;
    t.day = *day;
    if (i < text.size() && (text[i] == ' ' || text[i] == 'T') && i + 1 < text.size() && is_digit(text[i + 1])) {
        ++i;
        t.has_time = true;
        auto hour = fixed_digits(text, i, 2);
        if (!hour || i >= text.size() || text[i++] != ':') return malformed();
        auto minute = fixed_digits(text, i, 2);
        if (!minute) return malformed();
        t.hour = *hour;
        t.minute = *minute;
        if (i < text.size() && text[i] == ':') {
            ++i;
            auto second = fixed_digits(text, i, 2);
            if (!second) return malformed();
            t.second = *second;
            if (i < text.size() && text[i] == '.') {
                ++i;
                size_t start = i;
                while (i < text.size() && is_digit(text[i])) ++i;
                if (i == start || i - start > 6) return malformed();
                std::string fraction(text.substr(start, i - start));
                fraction.resize(6, '0');
                t.micros = std::stoi(fraction);
            }
        }
    }
    while (i < text.size() && text[i] == ' ') ++i;
    if (i < text.size()) {
        t.has_zone = true;
        std::string_view zone = text.substr(i);
        if (zone == "Z" || zone == "UTC") {
            i = text.size();
        } else if (zone[0] == '+' || zone[0] == '-') {
            ++i;
            auto hours = fixed_digits(text, i, 2);
            if (!hours) return malformed();
            int minutes = 0;
            if (i < text.size()) {
                if (text[i] == ':') ++i;
                auto m = fixed_digits(text, i, 2);
                if (!m) return malformed();
                minutes = *m;
            }
            if (*hours > 15 || minutes > 59) {
                *error = "PostgreSQL refuses it (\"time zone displacement out of range\"): offsets reach at most 15:59";
                return std::nullopt;
            }
            t.zone_seconds = (zone[0] == '-' ? -1 : 1) * (*hours * 3600 + minutes * 60);
        }
        if (i != text.size()) return malformed();
    }
    if (t.year < 1) return out_of_range("there is no year 0");
    if (t.month < 1 || t.month > 12) return out_of_range("months run from 01 to 12");
    if (t.day < 1 || t.day > days_in_month(t.year, t.month)) {
        static constexpr const char* kMonths[] = {"January",   "February", "March",    "April",
                                                  "May",       "June",     "July",     "August",
                                                  "September", "October",  "November", "December"};
        return out_of_range(std::string(kMonths[t.month - 1]) + " " + std::to_string(t.year) + " has " +
                            std::to_string(days_in_month(t.year, t.month)) + " days");
    }
    const bool end_of_day = t.hour == 24 && t.minute == 0 && t.second == 0 && t.micros == 0;
    if ((t.hour > 23 && !end_of_day) || t.minute > 59 || t.second > 60)
        return out_of_range("hours run to 23, minutes to 59, seconds to 60");
    return t;
}

}  // namespace hyperschema::sqltext
