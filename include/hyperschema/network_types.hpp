#pragma once

// PostgreSQL's network address types as C++ values: inet (a host address with
// an optional netmask), cidr (a network: no bits set right of the mask),
// macaddr (6 bytes) and macaddr8 (EUI-64, 8 bytes). Each keeps the bytes the
// binary wire format carries and compares them byte-wise; parse() and
// to_string() read and print the usual text forms.

#include <arpa/inet.h>

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hyperschema {

enum class ip_family : std::uint8_t { v4, v6 };

namespace detail {

// The fields inet and cidr share. address holds 4 bytes for IPv4 (the rest
// zero) or 16 for IPv6; prefix_length is the netmask in bits.
struct ip_value {
    ip_family family = ip_family::v4;
    std::array<std::uint8_t, 16> address{};
    std::uint8_t prefix_length = 32;

    int address_bytes() const { return family == ip_family::v4 ? 4 : 16; }
    int max_prefix() const { return address_bytes() * 8; }

    bool host_bits_zero() const {
        for (int b = prefix_length; b < max_prefix(); ++b)
            if (address[static_cast<std::size_t>(b / 8)] & (0x80 >> (b % 8))) return false;
        return true;
    }

    // "192.168.0.1", "10.0.0.0/8", "2001:db8::/32"; nullopt for anything else.
    static std::optional<ip_value> parse(std::string_view text) {
        ip_value v;
        const auto slash = text.find('/');
        const std::string host(text.substr(0, slash));
        if (host.find(':') != std::string::npos) {
            if (inet_pton(AF_INET6, host.c_str(), v.address.data()) != 1) return std::nullopt;
            v.family = ip_family::v6;
        } else if (inet_pton(AF_INET, host.c_str(), v.address.data()) != 1) {
            return std::nullopt;
        }
        v.prefix_length = static_cast<std::uint8_t>(v.max_prefix());
        if (slash != std::string_view::npos) {
            std::string_view bits = text.substr(slash + 1);
            if (bits.empty() || bits.size() > 3) return std::nullopt;
            int n = 0;
            for (char c : bits) {
                if (c < '0' || c > '9') return std::nullopt;
                n = n * 10 + (c - '0');
            }
            if (n > v.max_prefix()) return std::nullopt;
            v.prefix_length = static_cast<std::uint8_t>(n);
        }
        return v;
    }

    std::string address_text() const {
        char buffer[INET6_ADDRSTRLEN] = {};
        inet_ntop(family == ip_family::v4 ? AF_INET : AF_INET6, address.data(), buffer, sizeof buffer);
        return buffer;
    }

    friend auto operator<=>(const ip_value&, const ip_value&) = default;
};

}  // namespace detail

// A host address, optionally with its subnet: "192.168.0.5/24" is the host
// .5 on the /24 network. PostgreSQL prints the mask only when it is not the
// full length, and so does to_string().
struct inet : detail::ip_value {
    static std::optional<inet> parse(std::string_view text) {
        auto v = ip_value::parse(text);
        if (!v) return std::nullopt;
        return inet{*v};
    }
    std::string to_string() const {
        std::string out = address_text();
        if (prefix_length != max_prefix()) out += "/" + std::to_string(prefix_length);
        return out;
    }
    friend auto operator<=>(const inet&, const inet&) = default;
};

// A network: "10.0.0.0/8". parse() refuses bits set right of the mask, as
// PostgreSQL does ("invalid cidr value"), and reads no abbreviations ("10/8").
struct cidr : detail::ip_value {
    static std::optional<cidr> parse(std::string_view text) {
        auto v = ip_value::parse(text);
        if (!v || !v->host_bits_zero()) return std::nullopt;
        return cidr{*v};
    }
    std::string to_string() const { return address_text() + "/" + std::to_string(prefix_length); }
    friend auto operator<=>(const cidr&, const cidr&) = default;
};

namespace detail {

// "08:00:2b:01:02:03" (also '-' separated, or bare digits) into N bytes.
template <std::size_t N>
std::optional<std::array<std::uint8_t, N>> parse_mac(std::string_view text) {
    std::array<std::uint8_t, N> out{};
    std::size_t byte = 0;
    int half = 0;
    char separator = 0;
    for (char c : text) {
        int v = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (v < 0) {
            if ((c != ':' && c != '-' && c != '.') || half != 0 || (separator && c != separator)) return std::nullopt;
            separator = c;
            continue;
        }
        if (byte == N) return std::nullopt;
        out[byte] = static_cast<std::uint8_t>(out[byte] * 16 + v);
        if (++half == 2) {
            half = 0;
            ++byte;
        }
    }
    if (byte != N || half != 0) return std::nullopt;
    return out;
}

template <std::size_t N>
std::string mac_text(const std::array<std::uint8_t, N>& bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < N; ++i) {
        if (i) out += ':';
        out += digits[bytes[i] >> 4];
        out += digits[bytes[i] & 0xF];
    }
    return out;
}

}  // namespace detail

struct macaddr {
    std::array<std::uint8_t, 6> bytes{};

    static std::optional<macaddr> parse(std::string_view text) {
        auto b = detail::parse_mac<6>(text);
        if (!b) return std::nullopt;
        return macaddr{*b};
    }
    // Lowercase, ':'-separated, as PostgreSQL prints it.
    std::string to_string() const { return detail::mac_text(bytes); }
    friend auto operator<=>(const macaddr&, const macaddr&) = default;
};

struct macaddr8 {
    std::array<std::uint8_t, 8> bytes{};

    static std::optional<macaddr8> parse(std::string_view text) {
        auto b = detail::parse_mac<8>(text);
        if (!b) return std::nullopt;
        return macaddr8{*b};
    }
    // A 6-byte MAC address as PostgreSQL widens it: ff:fe in the middle.
    static macaddr8 from(const macaddr& m) {
        const auto& b = m.bytes;
        return macaddr8{{b[0], b[1], b[2], 0xff, 0xfe, b[3], b[4], b[5]}};
    }
    std::string to_string() const { return detail::mac_text(bytes); }
    friend auto operator<=>(const macaddr8&, const macaddr8&) = default;
};

}  // namespace hyperschema
