#pragma once

// JSON for the runtime, which has no JSON library of its own: string
// literals for the machine-readable reports (verify, and the CLI's check),
// and a small reader for the JSON the generator writes into migrations (a
// backfill's definition): objects, arrays, strings, integers, booleans, null.

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

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

// A parsed JSON value. Numbers are integers (the generator writes no others).
struct JsonValue {
    enum class Kind { Null, Bool, Integer, String, Array, Object } kind = Kind::Null;
    bool boolean = false;
    std::int64_t integer = 0;
    std::string text;
    std::vector<JsonValue> items;
    std::map<std::string, JsonValue> members;

    const JsonValue* find(const std::string& key) const {
        auto it = members.find(key);
        return it == members.end() ? nullptr : &it->second;
    }
};

class JsonReader {
public:
    explicit JsonReader(const std::string& text) : s_(text) {}

    JsonValue document() {
        JsonValue v = value();
        space();
        if (i_ != s_.size()) fail("text after the value");
        return v;
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw std::runtime_error("invalid JSON at offset " + std::to_string(i_) + ": " + what);
    }
    void space() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r')) ++i_;
    }
    bool take(char c) {
        space();
        if (i_ < s_.size() && s_[i_] == c) return ++i_, true;
        return false;
    }
    void expect(char c) {
        if (!take(c)) fail(std::string("expected `") + c + "`");
    }
    bool word(const char* w) {
        const std::string ws(w);
        if (s_.compare(i_, ws.size(), ws) != 0) return false;
        i_ += ws.size();
        return true;
    }

    JsonValue value() {
        space();
        if (i_ >= s_.size()) fail("unexpected end");
        JsonValue v;
        const char c = s_[i_];
        if (c == '{') return object();
        if (c == '[') return array();
        if (c == '"') {
            v.kind = JsonValue::Kind::String;
            v.text = string();
        } else if (word("true")) {
            v.kind = JsonValue::Kind::Bool;
            v.boolean = true;
        } else if (word("false")) {
            v.kind = JsonValue::Kind::Bool;
        } else if (word("null")) {
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            v.kind = JsonValue::Kind::Integer;
            size_t used = 0;
            try {
                v.integer = std::stoll(s_.substr(i_, 24), &used);
            } catch (const std::exception&) {
                fail("a number out of range");
            }
            i_ += used;
        } else {
            fail(std::string("unexpected `") + c + "`");
        }
        return v;
    }

    JsonValue object() {
        JsonValue v;
        v.kind = JsonValue::Kind::Object;
        expect('{');
        if (take('}')) return v;
        do {
            space();
            const std::string key = string();
            expect(':');
            v.members[key] = value();
        } while (take(','));
        expect('}');
        return v;
    }

    JsonValue array() {
        JsonValue v;
        v.kind = JsonValue::Kind::Array;
        expect('[');
        if (take(']')) return v;
        do v.items.push_back(value());
        while (take(','));
        expect(']');
        return v;
    }

    // A string literal; \uXXXX escapes below U+0080 only (json_string writes no others).
    std::string string() {
        if (i_ >= s_.size() || s_[i_] != '"') fail("expected a string");
        ++i_;
        std::string out;
        while (i_ < s_.size() && s_[i_] != '"') {
            char c = s_[i_++];
            if (c != '\\') {
                out += c;
                continue;
            }
            if (i_ >= s_.size()) fail("unterminated escape");
            const char e = s_[i_++];
            switch (e) {
                case 'n':
                    out += '\n';
                    break;
                case 't':
                    out += '\t';
                    break;
                case 'r':
                    out += '\r';
                    break;
                case 'b':
                    out += '\b';
                    break;
                case 'f':
                    out += '\f';
                    break;
                case 'u': {
                    if (i_ + 4 > s_.size()) fail("short \\u escape");
                    const unsigned long code = std::stoul(s_.substr(i_, 4), nullptr, 16);
                    if (code >= 0x80) fail("\\u escape above U+007F");
                    out += static_cast<char>(code);
                    i_ += 4;
                    break;
                }
                default:
                    out += e;
            }
        }
        if (i_ >= s_.size()) fail("unterminated string");
        ++i_;
        return out;
    }

    const std::string& s_;
    size_t i_ = 0;
};

inline JsonValue parse_json(const std::string& text) {
    return JsonReader(text).document();
}

}  // namespace hyperschema::detail
