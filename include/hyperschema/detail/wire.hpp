#pragma once

// Network-byte-order reads and writes for PostgreSQL's binary formats. The
// buffer is a std::string used as a byte container: appends are amortised,
// and data() goes straight to libpq without a copy.

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>

#include "hyperschema/error.hpp"

namespace hyperschema {

// Bytes being encoded for the server (a binary COPY stream, or query parameters).
using byte_buffer = std::string;

namespace detail::wire {

inline void put_u16(byte_buffer& out, std::uint16_t v) {
    const char b[2] = {static_cast<char>(v >> 8), static_cast<char>(v)};
    out.append(b, 2);
}

inline void put_u32(byte_buffer& out, std::uint32_t v) {
    const char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                       static_cast<char>(v)};
    out.append(b, 4);
}

inline void put_u64(byte_buffer& out, std::uint64_t v) {
    put_u32(out, static_cast<std::uint32_t>(v >> 32));
    put_u32(out, static_cast<std::uint32_t>(v));
}

inline void put_i16(byte_buffer& out, std::int16_t v) {
    put_u16(out, static_cast<std::uint16_t>(v));
}
inline void put_i32(byte_buffer& out, std::int32_t v) {
    put_u32(out, static_cast<std::uint32_t>(v));
}
inline void put_i64(byte_buffer& out, std::int64_t v) {
    put_u64(out, static_cast<std::uint64_t>(v));
}

// Overwrites 4 bytes at pos: the length word written before a value whose
// size was not known in advance.
inline void patch_i32(byte_buffer& out, std::size_t pos, std::int32_t v) {
    const auto u = static_cast<std::uint32_t>(v);
    out[pos] = static_cast<char>(u >> 24);
    out[pos + 1] = static_cast<char>(u >> 16);
    out[pos + 2] = static_cast<char>(u >> 8);
    out[pos + 3] = static_cast<char>(u);
}

inline std::uint16_t get_u16(const char* p) {
    const auto* b = reinterpret_cast<const unsigned char*>(p);
    return static_cast<std::uint16_t>((b[0] << 8) | b[1]);
}

inline std::uint32_t get_u32(const char* p) {
    const auto* b = reinterpret_cast<const unsigned char*>(p);
    return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | b[3];
}

inline std::uint64_t get_u64(const char* p) {
    return (std::uint64_t{get_u32(p)} << 32) | get_u32(p + 4);
}

inline std::int16_t get_i16(const char* p) {
    return static_cast<std::int16_t>(get_u16(p));
}
inline std::int32_t get_i32(const char* p) {
    return static_cast<std::int32_t>(get_u32(p));
}
inline std::int64_t get_i64(const char* p) {
    return static_cast<std::int64_t>(get_u64(p));
}

// Throws unless a binary value has exactly the size its type has on the wire.
inline void expect_length(int length, int expected, const char* type_name) {
    if (length != expected) {
        throw error(std::string("binary ") + type_name + " value must be " + std::to_string(expected) + " bytes, got " +
                    std::to_string(length) + " (is the column of another type?)");
    }
}

// A bounds-checked cursor over one binary value (arrays, numeric).
class reader {
public:
    reader(const char* data, int length, const char* type_name)
        : p_(data), end_(data + (length > 0 ? length : 0)), type_name_(type_name) {}

    std::int16_t i16() { return get_i16(take(2)); }
    std::uint16_t u16() { return get_u16(take(2)); }
    std::int32_t i32() { return get_i32(take(4)); }
    std::uint32_t u32() { return get_u32(take(4)); }
    const char* take(std::size_t n) {
        if (static_cast<std::size_t>(end_ - p_) < n)
            throw error(std::string("truncated binary ") + type_name_ + " value from the server");
        const char* at = p_;
        p_ += n;
        return at;
    }
    bool at_end() const { return p_ == end_; }
    std::size_t remaining() const { return static_cast<std::size_t>(end_ - p_); }

private:
    const char* p_;
    const char* end_;
    const char* type_name_;
};

}  // namespace detail::wire
}  // namespace hyperschema
