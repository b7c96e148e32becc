#pragma once

// Exact decimals as text, and PostgreSQL's binary numeric (NumericVar) format.
//
// The canonical text is what PostgreSQL prints: an optional '-', the integer
// digits without leading zeros (at least "0"), then '.' and exactly dscale
// fractional digits when dscale > 0; or NaN, Infinity, -Infinity (PostgreSQL
// 14+). Zero is never negative, as in PostgreSQL.
//
// The binary format (numeric_send / numeric_recv in numeric.c): int16 ndigits,
// int16 weight, uint16 sign, int16 dscale, then ndigits int16 base-10000
// digits; the value is sum(digit[i] * 10000^(weight - i)). Leading and trailing
// zero digits are stripped, and zero is ndigits 0, weight 0, positive.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hyperschema/detail/wire.hpp"
#include "hyperschema/error.hpp"

namespace hyperschema::detail::numeric_format {

inline constexpr std::uint16_t kPositive = 0x0000;
inline constexpr std::uint16_t kNegative = 0x4000;
inline constexpr std::uint16_t kNaN = 0xC000;
inline constexpr std::uint16_t kPlusInfinity = 0xD000;
inline constexpr std::uint16_t kMinusInfinity = 0xF000;
// PostgreSQL's limits: 131072 digits before the point, 16383 after
// (NUMERIC_DSCALE_MASK), exponents in input up to +-1000.
inline constexpr std::size_t kMaxIntegerDigits = 131072;
inline constexpr std::size_t kMaxScale = 0x3FFF;
inline constexpr int kMaxExponent = 1000;

inline bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

inline bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
        if (x != b[i]) return false;
    }
    return true;
}

// "-" + int + "." + frac with int stripped of leading zeros; zero loses its sign.
inline std::string assemble(bool negative, std::string_view int_digits, std::string_view frac_digits) {
    while (int_digits.size() > 1 && int_digits.front() == '0') int_digits.remove_prefix(1);
    if (int_digits.empty()) int_digits = "0";
    bool zero = int_digits == "0" && frac_digits.find_first_not_of('0') == std::string_view::npos;
    std::string out;
    out.reserve(int_digits.size() + frac_digits.size() + 2);
    if (negative && !zero) out += '-';
    out += int_digits;
    if (!frac_digits.empty()) {
        out += '.';
        out += frac_digits;
    }
    return out;
}

// Accepts what PostgreSQL's numeric_in accepts (surrounding spaces, a sign,
// "1.", ".5", exponents, NaN and infinities in any case), returns the
// canonical text, or nullopt.
inline std::optional<std::string> canonical(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
        s.remove_suffix(1);
    if (iequals(s, "nan")) return "NaN";
    bool negative = false;
    std::string_view body = s;
    if (!body.empty() && (body.front() == '+' || body.front() == '-')) {
        negative = body.front() == '-';
        body.remove_prefix(1);
    }
    if (iequals(body, "infinity") || iequals(body, "inf")) return negative ? "-Infinity" : "Infinity";

    std::size_t i = 0;
    std::string int_digits, frac_digits;
    while (i < body.size() && is_digit(body[i])) int_digits += body[i++];
    if (i < body.size() && body[i] == '.') {
        ++i;
        while (i < body.size() && is_digit(body[i])) frac_digits += body[i++];
    }
    if (int_digits.empty() && frac_digits.empty()) return std::nullopt;
    long exponent = 0;
    if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
        ++i;
        bool exp_negative = false;
        if (i < body.size() && (body[i] == '+' || body[i] == '-')) exp_negative = body[i++] == '-';
        if (i == body.size()) return std::nullopt;
        while (i < body.size() && is_digit(body[i])) {
            exponent = exponent * 10 + (body[i++] - '0');
            if (exponent > kMaxExponent) return std::nullopt;
        }
        if (exp_negative) exponent = -exponent;
    }
    if (i != body.size()) return std::nullopt;

    // Move the decimal point by the exponent; the scale is what is left after
    // the point, never negative (PostgreSQL: dscale = max(0, dscale - exponent)).
    if (exponent > 0) {
        auto moved = static_cast<std::size_t>(exponent);
        if (frac_digits.size() < moved) frac_digits.append(moved - frac_digits.size(), '0');
        int_digits += frac_digits.substr(0, moved);
        frac_digits.erase(0, moved);
    } else if (exponent < 0) {
        auto moved = static_cast<std::size_t>(-exponent);
        if (int_digits.size() < moved) int_digits.insert(0, moved - int_digits.size(), '0');
        frac_digits.insert(0, int_digits.substr(int_digits.size() - moved));
        int_digits.erase(int_digits.size() - moved);
    }
    std::string text = assemble(negative, int_digits, frac_digits);
    std::size_t point = text.find('.');
    std::size_t int_len = (point == std::string::npos ? text.size() : point) - (text[0] == '-' ? 1 : 0);
    if (int_len > kMaxIntegerDigits || frac_digits.size() > kMaxScale) return std::nullopt;
    return text;
}

inline bool is_special(std::string_view canonical_text) {
    return canonical_text == "NaN" || canonical_text == "Infinity" || canonical_text == "-Infinity";
}

// The parts of a finite canonical text.
struct parts {
    bool negative;
    std::string_view int_digits;
    std::string_view frac_digits;
};

inline parts split(std::string_view text) {
    parts p{false, text, {}};
    if (!p.int_digits.empty() && p.int_digits.front() == '-') {
        p.negative = true;
        p.int_digits.remove_prefix(1);
    }
    std::size_t point = p.int_digits.find('.');
    if (point != std::string_view::npos) {
        p.frac_digits = p.int_digits.substr(point + 1);
        p.int_digits = p.int_digits.substr(0, point);
    }
    return p;
}

// value * 10^scale when that is an integer in int64's range.
inline std::optional<std::int64_t> to_scaled(std::string_view text, int scale) {
    if (is_special(text)) return std::nullopt;
    parts p = split(text);
    std::string digits(p.int_digits);
    digits += p.frac_digits;
    long shift = static_cast<long>(scale) - static_cast<long>(p.frac_digits.size());
    if (shift < 0) {
        auto drop = static_cast<std::size_t>(-shift);
        if (drop > digits.size()) drop = digits.size();  // the rest is zeros of the leading "0"
        if (digits.find_first_not_of('0', digits.size() - drop) != std::string::npos) return std::nullopt;
        digits.erase(digits.size() - drop);
    }
    std::size_t first = digits.find_first_not_of('0');
    if (first == std::string::npos) return 0;
    digits.erase(0, first);
    if (shift > 0) {
        if (digits.size() + static_cast<std::size_t>(shift) > 19) return std::nullopt;
        digits.append(static_cast<std::size_t>(shift), '0');
    }
    if (digits.size() > 19) return std::nullopt;
    std::uint64_t magnitude = 0;
    for (char c : digits) {
        auto d = static_cast<std::uint64_t>(c - '0');
        if (magnitude > (UINT64_MAX - d) / 10) return std::nullopt;
        magnitude = magnitude * 10 + d;
    }
    const std::uint64_t limit = p.negative ? std::uint64_t{1} << 63 : (std::uint64_t{1} << 63) - 1;
    if (magnitude > limit) return std::nullopt;
    return p.negative ? static_cast<std::int64_t>(0 - magnitude) : static_cast<std::int64_t>(magnitude);
}

// value / 10^scale as canonical text with max(scale, 0) fractional digits.
inline std::string from_scaled(std::int64_t value, int scale) {
    if (scale < -1000 || scale > 1000)
        throw error("numeric scale " + std::to_string(scale) + " is out of range (-1000..1000, as PostgreSQL allows)");
    bool negative = value < 0;
    std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
    std::string digits = std::to_string(magnitude);
    if (scale <= 0) {
        if (magnitude != 0) digits.append(static_cast<std::size_t>(-scale), '0');
        return assemble(negative, digits, {});
    }
    auto frac = static_cast<std::size_t>(scale);
    if (digits.size() <= frac) digits.insert(0, frac + 1 - digits.size(), '0');
    return assemble(negative, std::string_view(digits).substr(0, digits.size() - frac),
                    std::string_view(digits).substr(digits.size() - frac));
}

inline int group_value(std::string_view four) {
    return (four[0] - '0') * 1000 + (four[1] - '0') * 100 + (four[2] - '0') * 10 + (four[3] - '0');
}

inline void encode(std::string_view text, byte_buffer& out) {
    using namespace detail::wire;
    if (is_special(text)) {
        put_i16(out, 0);
        put_i16(out, 0);
        put_u16(out, text == "NaN" ? kNaN : text == "Infinity" ? kPlusInfinity : kMinusInfinity);
        put_i16(out, 0);
        return;
    }
    parts p = split(text);
    // Pad the integer digits on the left and the fraction on the right to whole
    // base-10000 digits; the first group has weight (groups before the point - 1).
    std::string padded(static_cast<std::size_t>((4 - p.int_digits.size() % 4) % 4), '0');
    padded += p.int_digits;
    const int int_groups = static_cast<int>(padded.size() / 4);
    padded += p.frac_digits;
    padded.append((4 - p.frac_digits.size() % 4) % 4, '0');
    std::vector<int> groups;
    groups.reserve(padded.size() / 4);
    for (std::size_t i = 0; i < padded.size(); i += 4)
        groups.push_back(group_value(std::string_view(padded).substr(i, 4)));
    std::size_t first = 0, last = groups.size();
    while (first < last && groups[first] == 0) ++first;
    while (last > first && groups[last - 1] == 0) --last;
    int weight = int_groups - 1 - static_cast<int>(first);
    if (first == last) weight = 0;
    put_u16(out, static_cast<std::uint16_t>(last - first));
    put_i16(out, static_cast<std::int16_t>(weight));
    put_u16(out, p.negative && first != last ? kNegative : kPositive);
    put_u16(out, static_cast<std::uint16_t>(p.frac_digits.size()));
    for (std::size_t i = first; i < last; ++i) put_i16(out, static_cast<std::int16_t>(groups[i]));
}

inline void append_group(std::string& out, int d) {
    const char g[4] = {static_cast<char>('0' + d / 1000), static_cast<char>('0' + d / 100 % 10),
                       static_cast<char>('0' + d / 10 % 10), static_cast<char>('0' + d % 10)};
    out.append(g, 4);
}

// Digits hidden by dscale are truncated, as numeric_recv does.
inline std::string decode(const char* data, int length) {
    wire::reader r(data, length, "numeric");
    // ndigits and dscale are unsigned: numeric_recv reads them so, and the
    // largest values have more than 32767 base-10000 digits.
    const int ndigits = r.u16();
    const int weight = r.i16();
    const std::uint16_t sign = r.u16();
    const int dscale = r.u16();
    if (sign == kNaN) return "NaN";
    if (sign == kPlusInfinity) return "Infinity";
    if (sign == kMinusInfinity) return "-Infinity";
    if ((sign != kPositive && sign != kNegative) || r.remaining() != static_cast<std::size_t>(ndigits) * 2)
        throw error("invalid binary numeric value from the server");
    std::vector<int> digits(static_cast<std::size_t>(ndigits));
    for (int& d : digits) {
        d = r.i16();
        if (d < 0 || d >= 10000) throw error("invalid digit in binary numeric value from the server");
    }
    auto digit_at = [&](int exponent) {  // the base-10000 digit multiplying 10000^exponent
        int i = weight - exponent;
        return i >= 0 && i < ndigits ? digits[static_cast<std::size_t>(i)] : 0;
    };
    std::string int_digits;
    for (int e = weight; e >= 0; --e) append_group(int_digits, digit_at(e));
    std::string frac_digits;
    for (int e = -1; static_cast<int>(frac_digits.size()) < dscale; --e) append_group(frac_digits, digit_at(e));
    frac_digits.resize(static_cast<std::size_t>(dscale));
    return assemble(sign == kNegative, int_digits, frac_digits);
}

}  // namespace hyperschema::detail::numeric_format
