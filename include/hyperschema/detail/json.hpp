#pragma once

// A JSON string literal, for the machine-readable reports (verify, and the
// CLI's check): quotes, backslashes and control characters escaped; other
// bytes, UTF-8 included, as they are.

#include <cstdio>
#include <string>

namespace hyperschema::detail {

inline std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (c < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    return out + "\"";
}

}  // namespace hyperschema::detail
