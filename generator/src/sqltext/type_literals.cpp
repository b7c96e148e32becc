// Literal forms of the time-of-day and network types, after PostgreSQL's own
// input functions (time_in/timetz_in in datetime.c, inet_in/cidr_in in
// inet_net_pton.c, macaddr_in, macaddr8_in); each accepted and refused form
// below was run against PostgreSQL 15. Forms PostgreSQL also reads but that no
// schema writes as a default (a time with a full date in front, say) are
// accepted without their fields checked: a false error is worse than leaving
// the server to say no.

#include <arpa/inet.h>

#include <array>
#include <cctype>
#include <optional>
#include <string>
#include <vector>

#include "sqltext/literals.hpp"

namespace hyperschema::sqltext {
namespace {

std::string lower_trimmed(std::string_view text) {
    return lowercase(trim_space(text));
}

// 1 to `max` digits at i, as a number.
std::optional<int> digits_at(std::string_view s, size_t& i, size_t max) {
    size_t start = i;
    int value = 0;
    while (i < s.size() && is_digit(s[i]) && i - start < max) value = value * 10 + (s[i++] - '0');
    if (i == start) return std::nullopt;
    return value;
}

struct Clock {
    int hour = 0, minute = 0, second = 0;
    bool fraction = false;  // a non-zero fraction of a second
};

// `HH:MM[:SS[.f]]` or the compact `HHMM[SS[.f]]`, at i.
std::optional<Clock> read_clock(std::string_view s, size_t& i) {
    Clock c;
    size_t start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    const size_t run = i - start;
    if (i < s.size() && s[i] == ':') {
        i = start;
        auto h = digits_at(s, i, 2);
        if (!h || i >= s.size() || s[i] != ':') return std::nullopt;
        ++i;
        auto m = digits_at(s, i, 2);
        if (!m) return std::nullopt;
        c.hour = *h;
        c.minute = *m;
        if (i < s.size() && s[i] == ':') {
            ++i;
            auto sec = digits_at(s, i, 2);
            if (!sec) return std::nullopt;
            c.second = *sec;
        }
    } else if (run == 4 || run == 6) {
        c.hour = (s[start] - '0') * 10 + (s[start + 1] - '0');
        c.minute = (s[start + 2] - '0') * 10 + (s[start + 3] - '0');
        if (run == 6) c.second = (s[start + 4] - '0') * 10 + (s[start + 5] - '0');
    } else {
        return std::nullopt;
    }
    if (i < s.size() && s[i] == '.') {
        ++i;
        size_t f = i;
        while (i < s.size() && is_digit(s[i])) {
            if (s[i] != '0') c.fraction = true;
            ++i;
        }
        if (i == f) return std::nullopt;
    }
    return c;
}

// A numeric zone `+HH[:MM]`, `-HHMM`, or `z`; or a zone abbreviation (letters).
// Returns "" or why PostgreSQL refuses it.
std::string zone_problem(std::string_view z) {
    if (z == "z") return "";
    if (z[0] == '+' || z[0] == '-') {
        size_t i = 1;
        auto h = digits_at(z, i, 2);
        int m = 0;
        if (!h) return "malformed";
        if (i < z.size() && z[i] == ':') ++i;
        if (i < z.size()) {
            auto mm = digits_at(z, i, 2);
            if (!mm) return "malformed";
            m = *mm;
        }
        if (i != z.size()) return "malformed";
        if (*h > 15 || m > 59) return "out of range";
        return "";
    }
    for (char c : z)
        if (!std::isalpha(static_cast<unsigned char>(c))) return "malformed";
    return "";  // an abbreviation (PST, CET): only the server's table knows them
}

}  // namespace

std::string time_literal_problem(std::string_view text, bool with_zone) {
    const std::string s = lower_trimmed(text);
    const std::string expected = with_zone ? "expected a time of day with a zone, such as `08:30:00+02`"
                                           : "expected a time of day such as `08:30` or `08:30:00.5`";
    if (s == "allballs") return "";
    // A date in front (`2003-04-12 04:05:06`): PostgreSQL reads the time and
    // drops the date; the fields are left to the server.
    if (s.size() > 10 && is_digit(s[0]) && s.find('-') == 4) return "";
    size_t i = s.size() > 0 && s[0] == 't' ? 1 : 0;
    auto clock = read_clock(s, i);
    if (!clock) return expected;
    bool pm = false, meridiem = false;
    while (i < s.size() && s[i] == ' ') ++i;
    if (s.compare(i, 2, "am") == 0 || s.compare(i, 2, "pm") == 0) {
        meridiem = true;
        pm = s[i] == 'p';
        i += 2;
        while (i < s.size() && s[i] == ' ') ++i;
    }
    if (i < s.size()) {
        std::string why = zone_problem(s.substr(i));
        if (why == "out of range")
            return "PostgreSQL refuses it (\"time zone displacement out of range\"): offsets reach at most 15:59";
        if (!why.empty()) return expected;
    }
    const std::string range = "PostgreSQL refuses it (\"date/time field value out of range\"): ";
    if (meridiem && (clock->hour < 1 || clock->hour > 12)) return range + "with AM/PM, hours run from 1 to 12";
    int hour = meridiem && pm && clock->hour < 12 ? clock->hour + 12 : clock->hour;
    const bool end_of_day = hour == 24 && clock->minute == 0 && clock->second == 0 && !clock->fraction;
    if ((hour > 23 && !end_of_day) || clock->minute > 59 || clock->second > 60)
        return range + "hours run to 23 (or exactly 24:00:00), minutes to 59, seconds to 60";
    return "";
}

namespace {

// PostgreSQL's cidr_in reads abbreviated IPv4 (`10.1` is 10.1.0.0/16) and
// infers the mask from the address class when none is written.
struct Ipv4 {
    std::array<unsigned, 4> octets{};
    int given = 0;  // octets written
};

std::optional<Ipv4> read_ipv4(std::string_view s) {
    Ipv4 a;
    size_t i = 0;
    while (true) {
        auto v = digits_at(s, i, 3);
        if (!v || *v > 255 || a.given == 4) return std::nullopt;
        a.octets[static_cast<size_t>(a.given++)] = static_cast<unsigned>(*v);
        if (i == s.size()) return a;
        if (s[i] != '.') return std::nullopt;
        ++i;
    }
}

int classful_bits(const Ipv4& a) {
    const unsigned first = a.octets[0];
    int bits = first >= 240 ? 32 : first >= 224 ? 4 : first >= 192 ? 24 : first >= 128 ? 16 : 8;
    if (bits < a.given * 8) bits = a.given * 8;
    return bits;
}

bool host_bits_zero(const unsigned char* bytes, int length, int bits) {
    for (int b = bits; b < length * 8; ++b)
        if (bytes[b / 8] & (0x80 >> (b % 8))) return false;
    return true;
}

}  // namespace

std::string inet_literal_problem(std::string_view text, bool cidr) {
    const std::string type = cidr ? "cidr" : "inet";
    const std::string expected = "expected an IP address such as `192.168.0.1`" +
                                 std::string(cidr ? ", `10.0.0.0/8`" : " or `10.0.0.0/8`") + " or `2001:db8::/32`";
    const std::string s(text);
    const auto slash = s.find('/');
    const std::string address = s.substr(0, slash);
    int bits = -1;
    if (slash != std::string::npos) {
        size_t i = slash + 1;
        auto b = digits_at(s, i, 3);
        if (!b || i != s.size()) return expected;
        bits = *b;
    }
    unsigned char bytes[16] = {};
    int length = 0;
    if (address.find(':') != std::string::npos) {
        if (inet_pton(AF_INET6, address.c_str(), bytes) != 1) return expected;
        length = 16;
        if (bits < 0) bits = 128;
    } else {
        auto v4 = read_ipv4(address);
        if (!v4) return expected;
        if (v4->given != 4 && !cidr) return expected + " (inet takes all four parts; abbreviations are cidr's)";
        for (int k = 0; k < 4; ++k) bytes[k] = static_cast<unsigned char>(v4->octets[static_cast<size_t>(k)]);
        length = 4;
        if (bits < 0) bits = cidr ? classful_bits(*v4) : 32;
    }
    if (bits > length * 8)
        return "the mask /" + std::to_string(bits) + " is longer than the address (" + std::to_string(length * 8) +
               " bits)";
    if (cidr && !host_bits_zero(bytes, length, bits))
        return "PostgreSQL refuses it (\"invalid cidr value\", \"Value has bits set to right of mask\"): a cidr "
               "is a network; clear the host bits or use `inet`";
    return "";
}

std::string macaddr_literal_problem(std::string_view text, int bytes) {
    const std::string s = lower_trimmed(text);
    const std::string expected = bytes == 6 ? "expected a MAC address such as `08:00:2b:01:02:03`"
                                            : "expected an EUI-64 address such as `08:00:2b:01:02:03:04:05` (or "
                                              "a 6-byte MAC address, which PostgreSQL widens)";
    // Hex digits in groups, all separated by one kind of separator.
    std::vector<std::string> groups(1);
    char separator = 0;
    for (char c : s) {
        if (is_hex(c)) {
            groups.back() += c;
        } else if (c == ':' || c == '-' || c == '.') {
            if (separator && c != separator) return expected;
            separator = c;
            groups.emplace_back();
        } else {
            return expected;
        }
    }
    size_t digits = 0;
    for (const auto& g : groups) {
        if (g.empty()) return expected;
        digits += g.size();
    }
    if (bytes == 6) {
        // macaddr_in's forms: six groups of 1-2 digits (`:` or `-`), two of six,
        // three of four (`.` or `-`), or twelve digits.
        const size_t n = groups.size();
        bool ok = false;
        if (n == 6 && separator != '.') {
            ok = true;
            for (const auto& g : groups) ok = ok && g.size() <= 2;
        } else if (n == 2 && separator != '.') {
            ok = groups[0].size() == 6 && groups[1].size() == 6;
        } else if (n == 3 && separator != ':') {
            ok = groups[0].size() == 4 && groups[1].size() == 4 && groups[2].size() == 4;
        } else if (n == 1) {
            ok = digits == 12;
        }
        return ok ? "" : expected;
    }
    // macaddr8_in: pairs of digits, a separator allowed only between pairs.
    for (const auto& g : groups)
        if (g.size() % 2 != 0) return expected;
    return digits == 12 || digits == 16 ? "" : expected;
}

}  // namespace hyperschema::sqltext
